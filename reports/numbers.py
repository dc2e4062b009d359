"""Tracker figures as people write them (£ with thousands and a sign, %, pp, ratios, counts): one place for
the pages and the command line."""


def _missing(value) -> bool:
    try:
        return value is None or bool(value != value)  # NaN is the one value unequal to itself
    except TypeError:  # pandas' NA refuses to be a truth value
        return True


def format_value(value, unit: str | None, missing: str = "no data") -> str:
    if _missing(value):
        return missing
    unit = unit or ""
    if unit.startswith("£"):  # levels and gaps ("£ difference")
        return f"{'-' if value < 0 else ''}£{abs(value):,.0f}"
    if unit.startswith("%"):  # rates and "% of England"
        return f"{value:.1f}%"
    if unit == "pp":
        return f"{value:.1f} pp"
    if unit == "ratio":
        return f"{value:.2f}"
    return f"{value:,.0f}"
