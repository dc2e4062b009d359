"""The feed registry: every source the platform loads into `raw`, once. Freshness checks, the
great-expectations freshness bounds, the status strip, the feed resources and docs/FEEDS.md read it.

A feed is one publisher's data set. `sources` are the switches in escalator.yaml (`sources.<name>`) that
turn its live connector on; reference feeds (shipped files, refreshed with the repository) have none.
`cadence` is how often the publisher updates it: an asset older than that gets a freshness warning.
"""

from dataclasses import dataclass
from datetime import timedelta

DAY = timedelta(days=1)


@dataclass(frozen=True)
class Feed:
    name: str
    label: str  # what an operator or a Partnership member calls it
    assets: tuple[tuple[str, ...], ...]  # raw asset keys the feed loads
    cadence: timedelta
    publisher: str
    sources: tuple[str, ...] = ()  # escalator.yaml source switches (live connectors)
    stamp_column: str = "_loaded_at"  # the column saying when a row was loaded or last confirmed
    on_status_strip: bool = False

    @property
    def cadence_days(self) -> float:
        return self.cadence / DAY


@dataclass(frozen=True)
class Source:
    """A live connector's switch: escalator.yaml `sources.<name>`, with the environment variables its
    secrets come from (never the YAML file)."""

    name: str
    secrets: tuple[str, ...] = ()
    description: str = ""
    can_be_live: bool = True


SOURCES: tuple[Source, ...] = (
    Source("nomis", ("NOMIS_API_KEY",), "Nomis API (APS, job density, claimant count); the key is optional"),
    Source("nomis_small_area", ("NOMIS_API_KEY",), "Nomis BRES jobs and population by LSOA"),
    Source("ons_local_stats", (), "ONS Explore Local Statistics files"),
    Source("adzuna", ("ADZUNA_APP_ID", "ADZUNA_APP_KEY"), "Adzuna job search API (licence needed)"),
    Source(
        "embedded_jobads",
        (),
        "The shipped Nottinghamshire public-sector adverts (enabled: false to drop them)",
        can_be_live=False,
    ),
    Source("ons_job_adverts", (), "ONS online job advert volumes by SOC 2020 (Textkernel)"),
    Source("statxplore", ("STATXPLORE_API_KEY",), "DWP Stat-Xplore (Universal Credit)"),
    Source("dfe_neet", (), "DfE Explore Education Statistics API (NEET)"),
    Source("bods", ("BODS_API_KEY",), "DfT Bus Open Data Service GTFS timetables"),
)

YEARLY = timedelta(days=400)  # annual releases, with a month's slack
MONTHLY = timedelta(days=35)

FEEDS: tuple[Feed, ...] = (
    Feed(
        "job_ads",
        "job adverts",
        (("raw", "job_ads"),),
        timedelta(days=1, hours=6),
        "Adzuna / file drops / Nottinghamshire public sector",
        ("adzuna", "embedded_jobads"),
        stamp_column="seen_date",
        on_status_strip=True,
    ),
    Feed(
        "ons_local_stats",
        "ONS local indicators",
        (("raw", "ons_local_indicators"), ("raw", "ons_dataset_metadata")),
        MONTHLY,
        "ONS Explore Local Statistics",
        ("ons_local_stats",),
        on_status_strip=True,
    ),
    Feed("nomis", "Nomis labour market series", (("raw", "nomis_observations"),), MONTHLY, "ONS via Nomis", ("nomis",)),
    Feed(
        "statxplore",
        "Universal Credit (Stat-Xplore)",
        (("raw", "statxplore_observations"),),
        MONTHLY,
        "DWP Stat-Xplore",
        ("statxplore",),
    ),
    Feed("dfe_neet", "NEET statistics", (("raw", "dfe_neet_observations"),), YEARLY, "DfE", ("dfe_neet",)),
    Feed(
        "ons_job_adverts",
        "ONS online job advert volumes",
        (("raw", "ons_job_advert_volumes"),),
        MONTHLY,
        "ONS / Textkernel",
        ("ons_job_adverts",),
    ),
    Feed(
        "small_area_jobs",
        "jobs and population by LSOA",
        (("raw", "lsoa_jobs_population"),),
        YEARLY,
        "ONS BRES and population estimates via Nomis",
        ("nomis_small_area",),
    ),
    Feed(
        "gtfs",
        "bus and tram timetables",
        (("raw", "gtfs_feed_versions"),),
        timedelta(days=8),
        "DfT BODS",
        ("bods",),
        stamp_column="checked_at",
        on_status_strip=True,
    ),
    Feed(
        "soc2020",
        "SOC 2020 classification and coding index",
        (
            ("raw", "soc2020_unit_groups"),
            ("raw", "soc2020_hierarchy"),
            ("raw", "soc2020_coding_index"),
            ("raw", "soc2010_soc2020_proportions"),
        ),
        YEARLY,
        "ONS",
    ),
    Feed(
        "ashe", "ASHE pay by occupation", (("raw", "ashe_table14"),), YEARLY, "ONS ASHE Table 14", on_status_strip=True
    ),
    Feed(
        "geography",
        "LSOA / LAD lookups and boundaries",
        (("raw", "lsoa21_lookup"), ("raw", "lad_lookup"), ("raw", "lsoa21_boundaries")),
        YEARLY,
        "ONS Open Geography Portal",
    ),
    Feed(
        "onet",
        "O*NET skills and related occupations",
        (
            ("raw", "onet_skills"),
            ("raw", "onet_knowledge"),
            ("raw", "onet_job_zones"),
            ("raw", "onet_occupations"),
            ("raw", "onet_related_occupations"),
            ("raw", "soc2020_onet_crosswalk"),
            ("raw", "onet_soc2010_soc2019"),
        ),
        YEARLY,
        "US DoL O*NET with a SOC 2020 crosswalk",
    ),
    Feed(
        "ncs",
        "National Careers Service job profiles",
        (
            ("raw", "ncs_job_profiles"),
            ("raw", "ncs_entry_routes"),
            ("raw", "ncs_requirements"),
            ("raw", "ncs_tasks"),
            ("raw", "ncs_career_paths"),
        ),
        YEARLY,
        "National Careers Service",
    ),
    Feed(
        "us_mobility",
        "US occupation-to-occupation moves (CPS ASEC)",
        (("raw", "us_occupation_transitions"), ("raw", "us_bls_occupations")),
        YEARLY,
        "del Rio-Chanona et al. 2021, US Current Population Survey",
    ),
)

SOURCE_NAMES = tuple(s.name for s in SOURCES)


def source(name: str) -> Source:
    for s in SOURCES:
        if s.name == name:
            return s
    raise KeyError(f"unknown source {name!r}; known: {', '.join(SOURCE_NAMES)}")


def feed_for(asset_key: tuple[str, ...]) -> Feed:
    for feed in FEEDS:
        if tuple(asset_key) in feed.assets:
            return feed
    raise KeyError(f"no feed in assets/platform/feeds.py loads {'/'.join(asset_key)}")


def cadence_days(asset_key: tuple[str, ...]) -> float:
    return feed_for(asset_key).cadence_days


def cadence_label(asset_key: tuple[str, ...]) -> str:
    """The feed's cadence for an asset's metadata in the Dagster UI (from this registry, never retyped)."""
    feed = feed_for(asset_key)
    return f"{feed.cadence_days:g} days ({feed.label}; assets/platform/feeds.py)"


def markdown() -> str:
    """docs/FEEDS.md: the registry for people (a test keeps the file current)."""
    lines = [
        "# Feeds",
        "",
        "Generated from `assets/platform/feeds.py` by `python -m assets.platform.feeds`; "
        "edit the registry, not this file.",
        "",
        "| Feed | Publisher | Raw tables | Cadence | Live switch (escalator.yaml `sources.`) | Secrets |",
        "|---|---|---|---|---|---|",
    ]
    for f in FEEDS:
        secrets = sorted({env for s in f.sources for env in source(s).secrets})
        tables = ", ".join(f"`{'.'.join(k)}`" for k in f.assets)
        lines.append(
            f"| {f.label} | {f.publisher} | {tables} | {f.cadence_days:g} days | "
            f"{', '.join(f'`{s}`' for s in f.sources) or 'shipped file'} | {', '.join(secrets) or '-'} |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(markdown(), end="")
