"""Text reports for the terminal (`escalator indicators`, `escalator pathways`): the published tables as
aligned plain-text tables, numbers formatted like the HTML tracker."""

from reports.numbers import format_value


def format_tracker(rows: list[tuple]) -> str:
    header = ("indicator", "period", "value", "95% CI", "baseline", "change", "status", "why")
    body = []
    for name, start, end, value, unit, lci, uci, base, change, rag, reason in rows:
        period = "" if start is None else (f"{start:%Y}" if (end - start).days > 300 else f"{end:%b %Y}")
        ci = "" if lci is None else f"{format_value(lci, unit)} to {format_value(uci, unit)}"
        change_unit = "pp" if (unit or "").startswith("%") else unit
        body.append(
            (
                name,
                period,
                format_value(value, unit, ""),
                ci,
                format_value(base, unit, ""),
                "" if change is None else ("+" if change > 0 else "") + format_value(change, change_unit),
                rag,
                reason or "",
            )
        )
    widths = [max(len(str(r[i])) for r in [header, *body]) for i in range(len(header))]
    widths[0] = min(widths[0], 48)
    widths[-1] = min(widths[-1], 60)
    lines = ["  ".join(str(c)[:w].ljust(w) for c, w in zip(r, widths)) for r in [header, *body]]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def format_trajectory(row: tuple) -> str:
    (name, end, value, lci, uci, target, year, required, change, c_lo, c_hi, status, extra) = row
    text = (
        f"80% by {year}: latest {value:.1f}% ({end:%Y}, 95% CI {lci:.1f}-{uci:.1f}); needs "
        f"{required:+.2f}pp a year to {target:.0f}% by {year}"
    )
    if change is not None:
        text += f"; latest annual change {change:+.1f}pp (95% CI {c_lo:+.1f} to {c_hi:+.1f})"
    text += f": {status}"
    if extra is not None:
        text += f"; {extra:,.0f} more people in work needed"
    return text


def format_steps(rows: list[tuple]) -> str:
    """Steps as a table, each followed by its route in and barriers (from the NCS profile)."""
    header = ("step", "to", "SOC", "similarity", "pay", "uplift", "local ads")
    body, notes = [], []
    for step, soc, title, sim, pay, up, ads, route, barriers, measured in rows:
        body.append(
            (
                step,
                title[:44],
                soc,
                f"{sim:.2f}",
                (f"£{pay:,.0f}" if pay else "") + ("" if measured else "*"),
                f"{up:+.1f}%" if up is not None else "",
                str(ads),
            )
        )
        notes.append(
            "      route: " + (route or "no NCS profile") + ("\n      barriers: " + barriers if barriers else "")
        )
    widths = [max(len(r[i]) for r in [header, *body]) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(header, widths)), "  ".join("-" * w for w in widths)]
    for row, note in zip(body, notes):
        lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths)))
        lines.append(note)
    lines.append("* pay borrowed from a wider SOC group (ONS suppresses the unit group)")
    return "\n".join(lines)
