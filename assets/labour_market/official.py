"""The shared shape of the official-statistics API feeds (Nomis, Stat-Xplore, DfE): one row per
indicator, geography and period, with its numerator, denominator and confidence interval."""

import pandas as pd

NOMIS_COLUMNS = [
    "indicator_id",
    "dataset",
    "geography_code",
    "geography_name",
    "geography_type",
    "period",
    "value",
    "numerator",
    "denominator",
    "ci_half_width",
    "obs_status",
    "reliability",
]


def official_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The shared column types of the API feeds (Nomis, Stat-Xplore, DfE), also when empty."""
    frame = frame.reindex(columns=NOMIS_COLUMNS)
    for col in NOMIS_COLUMNS:
        numeric = col in ("value", "numerator", "denominator", "ci_half_width")
        frame[col] = (
            pd.to_numeric(frame[col], errors="coerce").astype("float64") if numeric else frame[col].astype("string")
        )
    return frame
