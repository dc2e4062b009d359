"""The great-expectations suites: one per raw feed and per published mart. This module is the reviewed
source; `python -m expectations.build_context` writes them to expectations/gx/ (committed JSON).

Dynamic bounds are GE suite parameters filled at run time by expectations.runner:
  min_rows / max_rows  row count within 0.5x-2x of the previous successful validation of the table, or,
                       for a table that grows with what it covers (`count_per`: places, series),
                       of its rows per unit times the units it holds now (live data covers more days
                       and fewer or more places than the embedded snapshot)
  fresh_after          `_loaded_at` no older than the feed's cadence (assets/platform/feeds.py)
"""

from dataclasses import dataclass, field

from assets.platform.feeds import cadence_days as feed_cadence
from assets.platform.geography import EMCCA_CODE, EMCCA_LADS, TRACKER_GEOGRAPHIES

RAG = ["green", "amber", "red", "not rated", "before baseline", "no data", "no source connected"]


def dbt_var(name: str):
    """A threshold the dbt models use (dbt_project.yml vars): one value for the model and its check."""
    from assets.transform.project import dbt_var as read

    return read(name)


@dataclass(frozen=True)
class Suite:
    name: str
    table: str  # schema.table validated
    asset_key: tuple[str, ...]  # the Dagster asset the check belongs to
    build: str  # name of the function below that returns the expectations
    cadence_days: float | None = None  # freshness on _loaded_at (raw feeds)
    row_count_bounds: bool = True
    tags: tuple[str, ...] = field(default=())
    count_per: tuple[str, ...] = ()  # row-count bounds per distinct value of these columns (module docstring)


def _row_count_and_freshness(suite: Suite) -> list:
    import great_expectations.expectations as gxe

    out = []
    if suite.row_count_bounds:
        out.append(
            gxe.ExpectTableRowCountToBeBetween(
                min_value={"$PARAMETER": "min_rows"}, max_value={"$PARAMETER": "max_rows"}
            )
        )
    if suite.cadence_days is not None:
        out.append(gxe.ExpectColumnValuesToNotBeNull(column="_loaded_at"))
        out.append(gxe.ExpectColumnMaxToBeBetween(column="_loaded_at", min_value={"$PARAMETER": "fresh_after"}))
    return out


def raw_ons_local_indicators() -> list:
    import great_expectations.expectations as gxe
    from great_expectations.expectations.row_conditions import Column

    return [
        gxe.ExpectCompoundColumnsToBeUnique(column_list=["dataset", "areacd", "indicator", "period"]),
        gxe.ExpectColumnValuesToNotBeNull(column="areacd"),
        gxe.ExpectColumnValuesToMatchRegex(column="period", regex=r"^\d{4}-\d{2}-\d{2}(?:/P\d+[YMD])?$"),
        gxe.ExpectColumnValuesToBeBetween(
            column="observation", min_value=0, max_value=100, row_condition=Column("unit") == "%"
        ),
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="uci_95", column_B="lci_95", or_equal=True, ignore_row_if="either_value_is_missing"
        ),
    ]


def raw_soc2020_unit_groups() -> list:
    import great_expectations.expectations as gxe

    return [
        gxe.ExpectColumnValuesToBeUnique(column="soc2020_unit_group"),
        gxe.ExpectColumnValuesToMatchRegex(column="soc2020_unit_group", regex=r"^[1-9]\d{3}$"),
        gxe.ExpectTableRowCountToEqual(value=412),
    ]


def raw_ashe_table14() -> list:
    import great_expectations.expectations as gxe
    from great_expectations.expectations.row_conditions import Column

    return [
        gxe.ExpectCompoundColumnsToBeUnique(column_list=["measure", "workforce", "soc2020_code"]),
        gxe.ExpectColumnValuesToBeBetween(
            column="median",
            min_value=5_000,
            max_value=250_000,
            row_condition=(Column("measure") == "annual_gross_pay_gbp") & (Column("workforce") == "full_time"),
        ),
        gxe.ExpectColumnValuesToBeBetween(
            column="median", min_value=5, max_value=150, row_condition=Column("measure") == "hourly_gross_pay_gbp"
        ),
    ]


def raw_lsoa21_lookup() -> list:
    import great_expectations.expectations as gxe

    return [
        gxe.ExpectColumnValuesToBeUnique(column="lsoa21cd"),
        gxe.ExpectColumnValuesToBeInSet(column="lad_code", value_set=EMCCA_LADS),
        gxe.ExpectColumnValuesToBeBetween(column="pwc_lat", min_value=52.6, max_value=53.6),
        gxe.ExpectColumnValuesToBeBetween(column="pwc_lon", min_value=-2.1, max_value=-0.6),
    ]


def fct_plan_indicators() -> list:
    import great_expectations.expectations as gxe
    from great_expectations.expectations.row_conditions import Column

    return [
        gxe.ExpectCompoundColumnsToBeUnique(
            column_list=["indicator_id", "geography_code", "period_start", "period_end"]
        ),
        gxe.ExpectColumnValuesToNotBeNull(column="indicator_id"),
        gxe.ExpectColumnValuesToNotBeNull(column="rag_status"),
        gxe.ExpectColumnValuesToBeInSet(column="geography_code", value_set=TRACKER_GEOGRAPHIES),
        gxe.ExpectColumnValuesToBeInSet(column="rag_status", value_set=RAG),
        gxe.ExpectColumnValuesToBeBetween(
            column="value", min_value=0, max_value=100, row_condition=Column("unit") == "%"
        ),
        gxe.ExpectColumnValuesToBeBetween(
            column="value", min_value=0, max_value=200_000, row_condition=Column("unit") == "£"
        ),
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="value", column_B="lci_95", or_equal=True, ignore_row_if="either_value_is_missing"
        ),
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="uci_95", column_B="value", or_equal=True, ignore_row_if="either_value_is_missing"
        ),
    ]


def fct_employment_trajectory() -> list:
    import great_expectations.expectations as gxe

    return [
        gxe.ExpectColumnValuesToBeUnique(column="geography_code"),
        gxe.ExpectColumnValuesToBeInSet(column="geography_code", value_set=TRACKER_GEOGRAPHIES),
        gxe.ExpectColumnValuesToBeBetween(column="latest_value", min_value=0, max_value=100),
        gxe.ExpectColumnValuesToBeBetween(column="required_annual_change_pp", min_value=-100, max_value=100),
        gxe.ExpectColumnValuesToNotBeNull(column="path_status"),
    ]


def dim_indicator() -> list:
    import great_expectations.expectations as gxe

    return [
        gxe.ExpectColumnValuesToBeUnique(column="indicator_id"),
        gxe.ExpectColumnValuesToBeInSet(
            column="category", value_set=["key outcome", "intermediate", "wider", "supporting"]
        ),
        gxe.ExpectColumnValuesToBeInSet(column="better_direction", value_set=["higher", "lower", "none"]),
    ]


def _soc2020_codes() -> list[str]:
    """The 412 SOC 2020 unit groups, from the embedded ONS file (the codes are fixed by the classification)."""
    import csv
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "data" / "embedded" / "soc" / "soc2020_unit_groups.csv"
    with path.open(newline="", encoding="utf-8") as f:
        return sorted({row["soc2020_unit_group"] for row in csv.DictReader(f)})


def fct_job_ads() -> list:
    import great_expectations.expectations as gxe
    from great_expectations.expectations.row_conditions import Column

    return [
        gxe.ExpectColumnValuesToBeUnique(column="advert_key"),
        gxe.ExpectColumnValuesToNotBeNull(column="title"),
        gxe.ExpectColumnValuesToNotBeNull(column="first_seen"),
        gxe.ExpectColumnValuesToBeInSet(column="soc2020", value_set=_soc2020_codes()),  # nulls = uncoded, allowed
        gxe.ExpectColumnValuesToBeInSet(
            column="la_code",
            value_set=EMCCA_LADS,
            row_condition=Column("in_emcca") == True,  # noqa: E712 - a GE row condition, not a Python test
        ),
        # pay positive and plausible: the national minimum wage floor to a senior consultant's ceiling
        gxe.ExpectColumnValuesToBeBetween(column="annual_pay", min_value=1_000, max_value=500_000),
        gxe.ExpectColumnValuesToBeBetween(column="hourly_pay", min_value=1, max_value=500),
        gxe.ExpectColumnValuesToBeBetween(column="soc_confidence", min_value=0, max_value=1),
    ]


def fct_escalator_transitions() -> list:
    import great_expectations.expectations as gxe
    from great_expectations.expectations.row_conditions import Column

    codes = _soc2020_codes()
    return [
        gxe.ExpectCompoundColumnsToBeUnique(column_list=["origin_soc2020", "destination_soc2020", "step_type"]),
        gxe.ExpectColumnValuesToBeInSet(column="origin_soc2020", value_set=codes),
        gxe.ExpectColumnValuesToBeInSet(column="destination_soc2020", value_set=codes),
        gxe.ExpectColumnValuesToBeBetween(column="similarity", min_value=0, max_value=1),
        gxe.ExpectColumnValuesToBeInSet(column="step_type", value_set=["get on", "get up", "move across"]),
        gxe.ExpectColumnValuesToBeBetween(column="origin_pay", min_value=5_000, max_value=250_000),
        # a single get-up step raises pay, by at most the cap (bigger moves are ladders)
        gxe.ExpectColumnValuesToBeBetween(
            column="uplift_pct",
            min_value=0,
            strict_min=True,
            max_value=dbt_var("escalator_get_up_max_uplift_pct"),
            row_condition=Column("step_type") == "get up",
        ),
        gxe.ExpectColumnValuesToBeBetween(column="step_score", min_value=0, max_value=1),
        # every unit group someone holds should have somewhere to go
        gxe.ExpectColumnUniqueValueCountToBeBetween(column="origin_soc2020", min_value=350, max_value=412),
    ]


def fct_escalator_ladders() -> list:
    import great_expectations.expectations as gxe

    codes = _soc2020_codes()
    return [
        gxe.ExpectCompoundColumnsToBeUnique(column_list=["origin_soc2020", "n_rungs", "ladder_rank"]),
        gxe.ExpectColumnValuesToBeInSet(column="origin_soc2020", value_set=codes),
        gxe.ExpectColumnValuesToBeInSet(column="n_rungs", value_set=[2, 3]),
        gxe.ExpectColumnValuesToBeBetween(column="cumulative_uplift_pct", min_value=0, strict_min=True),
        gxe.ExpectColumnValuesToNotBeNull(column="rung2_soc2020"),
    ]


def dim_geography() -> list:
    import great_expectations.expectations as gxe

    return [
        gxe.ExpectColumnValuesToBeUnique(column="geography_code"),
        gxe.ExpectColumnValuesToBeInSet(column="geography_code", value_set=TRACKER_GEOGRAPHIES),
        gxe.ExpectTableRowCountToEqual(value=len(TRACKER_GEOGRAPHIES)),
    ]


def dim_occupation() -> list:
    import great_expectations.expectations as gxe

    return [
        gxe.ExpectColumnValuesToBeUnique(column="soc2020"),
        gxe.ExpectColumnValuesToMatchRegex(column="soc2020", regex=r"^[1-9]\d{3}$"),
        gxe.ExpectTableRowCountToEqual(value=412),  # every SOC 2020 unit group
        gxe.ExpectColumnValuesToBeBetween(column="median_annual_pay", min_value=10_000, max_value=200_000),
    ]


def dim_job_title() -> list:
    import great_expectations.expectations as gxe

    return [
        gxe.ExpectColumnValuesToBeUnique(column="job_title"),
        gxe.ExpectColumnValuesToMatchRegex(column="soc2020", regex=r"^[1-9]\d{3}$"),
        gxe.ExpectColumnValuesToBeBetween(column="confidence", min_value=0, max_value=1),
    ]


def dim_lsoa21() -> list:
    import great_expectations.expectations as gxe

    return [
        gxe.ExpectColumnValuesToBeUnique(column="lsoa21cd"),
        gxe.ExpectColumnValuesToMatchRegex(column="lsoa21cd", regex=r"^E01\d{6}$"),
        gxe.ExpectColumnValuesToBeInSet(column="la_code", value_set=EMCCA_LADS),
        gxe.ExpectColumnValuesToNotBeNull(column="geometry_geojson"),
    ]


def fct_vacancies_by_occupation_area() -> list:
    """No row-count bound from earlier days: a day's adverts vary with the feed (a file drop of ten, a
    live feed's thousands, a Sunday's few). What a day can hold follows from the key: one row per area and
    unit group (or uncoded) per day."""
    import great_expectations.expectations as gxe

    return [
        gxe.ExpectCompoundColumnsToBeUnique(column_list=["day", "la_code", "soc2020"]),
        gxe.ExpectColumnValuesToBeInSet(column="la_code", value_set=[*EMCCA_LADS, "unknown"]),
        gxe.ExpectColumnValuesToBeInSet(column="soc2020", value_set=_soc2020_codes()),  # null = uncoded adverts
        gxe.ExpectColumnValuesToBeBetween(column="live_adverts", min_value=0),
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="live_adverts", column_B="live_part_time_or_flexible", or_equal=True
        ),
    ]


def fct_online_job_advert_volumes() -> list:
    import great_expectations.expectations as gxe
    from great_expectations.expectations.row_conditions import Column

    return [
        gxe.ExpectCompoundColumnsToBeUnique(
            column_list=["geography_code", "soc2020", "period_start", "period_end"], ignore_row_if="never"
        ),
        gxe.ExpectColumnValuesToBeInSet(column="geography_code", value_set=TRACKER_GEOGRAPHIES),
        gxe.ExpectColumnValuesToBeInSet(column="soc2020", value_set=_soc2020_codes()),  # null = uncoded adverts
        gxe.ExpectColumnValuesToBeInSet(column="status", value_set=["published", "suppressed"]),
        gxe.ExpectColumnValuesToBeBetween(column="adverts", min_value=0),
        gxe.ExpectColumnValuesToNotBeNull(column="adverts", row_condition=Column("status") == "published"),
        gxe.ExpectColumnValuesToBeNull(column="adverts", row_condition=Column("status") == "suppressed"),
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(column_A="period_end", column_B="period_start"),
    ]


def fct_employment_centre_access() -> list:
    import great_expectations.expectations as gxe

    return [
        gxe.ExpectColumnValuesToBeUnique(column="lsoa21cd"),
        gxe.ExpectColumnValuesToBeInSet(column="la_code", value_set=EMCCA_LADS),
        gxe.ExpectColumnValuesToBeBetween(column="jobs", min_value=0),
        gxe.ExpectColumnValuesToBeBetween(column="working_age_population", min_value=0),
        *[
            gxe.ExpectColumnValuesToBeBetween(column=f"minutes_to_centre_{band}", min_value=0, max_value=120)
            for band in ("100_499", "500_4999", "5000_plus")
        ],
    ]


def fct_employment_centre_reach_by_la() -> list:
    import great_expectations.expectations as gxe

    return [
        gxe.ExpectCompoundColumnsToBeUnique(column_list=["geography_code", "centre_band", "within_minutes"]),
        gxe.ExpectColumnValuesToBeInSet(column="geography_code", value_set=[*EMCCA_LADS, EMCCA_CODE]),
        gxe.ExpectColumnValuesToBeInSet(column="centre_band", value_set=["100_499", "500_4999", "5000_plus"]),
        gxe.ExpectColumnValuesToBeInSet(column="within_minutes", value_set=[15, 30, 45, 60]),
        gxe.ExpectColumnValuesToBeBetween(column="share_within", min_value=0, max_value=1),
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="working_age_population",
            column_B="residents_within",
            or_equal=True,
            ignore_row_if="either_value_is_missing",
        ),
    ]


def fct_escalator_pathways_by_area() -> list:
    import great_expectations.expectations as gxe

    return [
        gxe.ExpectCompoundColumnsToBeUnique(column_list=["la_code", "origin_soc2020", "step_type", "step_rank"]),
        gxe.ExpectColumnValuesToBeInSet(column="la_code", value_set=EMCCA_LADS),
        gxe.ExpectColumnValuesToBeBetween(column="step_rank", min_value=1, max_value=3),
        gxe.ExpectColumnValuesToBeBetween(column="share_adverts_reachable_45min", min_value=0, max_value=1),
    ]


EMCCA_LSOA21 = 1335  # LSOAs (2021) in Derby, Derbyshire, Nottingham and Nottinghamshire (ONS lookup shipped)
TIME_WINDOWS = ["am_peak", "early_shift"]


def fct_travel_times() -> list:
    """Row counts from what a matrix must hold, not from the last network's size (a live feed replacing
    the stand-in, or a new timetable, legitimately changes how many pairs are within reach): every origin
    in every window (each reaches itself), at most every pair."""
    import great_expectations.expectations as gxe

    windows = len(TIME_WINDOWS)
    return [
        gxe.ExpectCompoundColumnsToBeUnique(column_list=["origin_lsoa21cd", "destination_lsoa21cd", "time_window"]),
        gxe.ExpectColumnUniqueValueCountToBeBetween(
            column="origin_lsoa21cd", min_value=EMCCA_LSOA21, max_value=EMCCA_LSOA21
        ),
        gxe.ExpectColumnValuesToBeInSet(column="time_window", value_set=TIME_WINDOWS),
        gxe.ExpectTableRowCountToBeBetween(
            min_value=EMCCA_LSOA21 * windows, max_value=EMCCA_LSOA21 * EMCCA_LSOA21 * windows
        ),
        gxe.ExpectColumnValuesToBeBetween(column="p50_minutes", min_value=0, max_value=120),
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="p80_minutes", column_B="p50_minutes", or_equal=True, ignore_row_if="either_value_is_missing"
        ),
        gxe.ExpectColumnValuesToBeInSet(column="engine", value_set=["embedded", "r5py"]),
        gxe.ExpectColumnValuesToMatchRegex(column="origin_lsoa21cd", regex=r"^E01\d{6}$"),
    ]


def fct_job_reach_by_lsoa() -> list:
    import great_expectations.expectations as gxe

    return [
        gxe.ExpectColumnValuesToBeUnique(column="lsoa21cd"),
        gxe.ExpectTableRowCountToEqual(value=EMCCA_LSOA21),
        gxe.ExpectColumnValuesToBeInSet(column="la_code", value_set=EMCCA_LADS),
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(column_A="jobs_60min", column_B="jobs_45min", or_equal=True),
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(column_A="jobs_45min", column_B="jobs_15min", or_equal=True),
    ]


def raw_job_ads() -> list:
    import great_expectations.expectations as gxe

    return [
        gxe.ExpectCompoundColumnsToBeUnique(column_list=["advert_key", "seen_date"]),
        gxe.ExpectColumnValuesToNotBeNull(column="title"),
        gxe.ExpectColumnValuesToBeBetween(column="soc_confidence", min_value=0, max_value=1),
    ]


SUITES: tuple[Suite, ...] = (
    Suite(
        "raw_ons_local_indicators",
        "raw.ons_local_indicators",
        ("raw", "ons_local_indicators"),
        "raw_ons_local_indicators",
        cadence_days=feed_cadence(("raw", "ons_local_indicators")),
        count_per=("dataset", "areacd"),
    ),
    Suite(
        "raw_soc2020_unit_groups",
        "raw.soc2020_unit_groups",
        ("raw", "soc2020_unit_groups"),
        "raw_soc2020_unit_groups",
        cadence_days=feed_cadence(("raw", "soc2020_unit_groups")),
        row_count_bounds=False,
    ),
    Suite(
        "raw_ashe_table14",
        "raw.ashe_table14",
        ("raw", "ashe_table14"),
        "raw_ashe_table14",
        cadence_days=feed_cadence(("raw", "ashe_table14")),
    ),
    Suite(
        "raw_lsoa21_lookup",
        "raw.lsoa21_lookup",
        ("raw", "lsoa21_lookup"),
        "raw_lsoa21_lookup",
        cadence_days=feed_cadence(("raw", "lsoa21_lookup")),
    ),
    Suite("raw_job_ads", "raw.job_ads", ("raw", "job_ads"), "raw_job_ads", row_count_bounds=False),
    Suite(
        "fct_plan_indicators",
        "marts.fct_plan_indicators",
        ("marts", "fct_plan_indicators"),
        "fct_plan_indicators",
        count_per=("indicator_id", "geography_code"),
    ),
    Suite("dim_indicator", "marts.dim_indicator", ("marts", "dim_indicator"), "dim_indicator"),
    Suite(
        "fct_employment_trajectory",
        "marts.fct_employment_trajectory",
        ("marts", "fct_employment_trajectory"),
        "fct_employment_trajectory",
        row_count_bounds=False,
    ),
    # a day's adverts vary with the feed (a Sunday's few, a live feed's thousands): bounded by the advert key
    Suite("fct_job_ads", "marts.fct_job_ads", ("marts", "fct_job_ads"), "fct_job_ads", row_count_bounds=False),
    Suite(
        "fct_escalator_transitions",
        "marts.fct_escalator_transitions",
        ("marts", "fct_escalator_transitions"),
        "fct_escalator_transitions",
    ),
    Suite(
        "fct_escalator_ladders",
        "marts.fct_escalator_ladders",
        ("marts", "fct_escalator_ladders"),
        "fct_escalator_ladders",
    ),
    Suite("dim_geography", "marts.dim_geography", ("marts", "dim_geography"), "dim_geography", row_count_bounds=False),
    Suite(
        "dim_occupation", "marts.dim_occupation", ("marts", "dim_occupation"), "dim_occupation", row_count_bounds=False
    ),
    Suite("dim_job_title", "marts.dim_job_title", ("marts", "dim_job_title"), "dim_job_title"),
    Suite("dim_lsoa21", "marts.dim_lsoa21", ("marts", "dim_lsoa21"), "dim_lsoa21", row_count_bounds=False),
    Suite(
        "fct_vacancies_by_occupation_area",
        "marts.fct_vacancies_by_occupation_area",
        ("marts", "fct_vacancies_by_occupation_area"),
        "fct_vacancies_by_occupation_area",
        row_count_bounds=False,  # bounded by its key (fct_vacancies_by_occupation_area())
    ),
    # empty until the ONS job-adverts source is live: no row-count bounds
    Suite(
        "fct_online_job_advert_volumes",
        "marts.fct_online_job_advert_volumes",
        ("marts", "fct_online_job_advert_volumes"),
        "fct_online_job_advert_volumes",
        row_count_bounds=False,
    ),
    # empty until small-area jobs data is connected (sources.nomis_small_area): no row-count bounds
    Suite(
        "fct_employment_centre_access",
        "marts.fct_employment_centre_access",
        ("marts", "fct_employment_centre_access"),
        "fct_employment_centre_access",
        row_count_bounds=False,
    ),
    Suite(
        "fct_employment_centre_reach_by_la",
        "marts.fct_employment_centre_reach_by_la",
        ("marts", "fct_employment_centre_reach_by_la"),
        "fct_employment_centre_reach_by_la",
        row_count_bounds=False,
    ),
    Suite(
        "fct_escalator_pathways_by_area",
        "marts.fct_escalator_pathways_by_area",
        ("marts", "fct_escalator_pathways_by_area"),
        "fct_escalator_pathways_by_area",
    ),
    Suite(
        "fct_travel_times",
        "marts.fct_travel_times",
        ("marts", "fct_travel_times"),
        "fct_travel_times",
        row_count_bounds=False,  # structural bounds in fct_travel_times()
    ),
    Suite(
        "fct_job_reach_by_lsoa",
        "marts.fct_job_reach_by_lsoa",
        ("marts", "fct_job_reach_by_lsoa"),
        "fct_job_reach_by_lsoa",
        row_count_bounds=False,
    ),
)


def expectations_for(suite: Suite) -> list:
    return [*globals()[suite.build](), *_row_count_and_freshness(suite)]
