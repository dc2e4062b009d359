import pandas as pd
import pytest

from assets.jobads.clean import clean
from assets.jobads.places import PlaceResolver
from assets.jobads.salary import parse_salary
from assets.jobads.soc_coder import SocCoder, normalise
from assets.jobads.sources import RateLimiter, RateLimitReached
from assets.jobads.text import scrub, work_pattern
from orchestration.settings import EMBEDDED_DIR, PROJECT_ROOT


@pytest.fixture(scope="module")
def coder():
    return SocCoder.from_files(
        EMBEDDED_DIR / "soc/soc2020_coding_index.csv", EMBEDDED_DIR / "soc/soc2020_unit_groups.csv"
    )


@pytest.fixture(scope="module")
def places():
    return PlaceResolver(
        pd.read_csv(EMBEDDED_DIR / "geography/emcca_lsoa21_lookup_centroids.csv"),
        pd.read_csv(EMBEDDED_DIR / "geography/east_midlands_lad_lookup.csv"),
        pd.read_csv(PROJECT_ROOT / "data/reference/emcca_places_gazetteer.csv"),
    )


@pytest.mark.parametrize(
    "text,annual,hourly,period",
    [
        ("£26,403 - £28,142", (26403, 28142), None, "year"),
        ("£12.50 per hour", (24442, 24442), 12.5, "hour"),
        ("£450 per day", (117322, 117322), 60.0, "day"),
        ("up to £30k", (None, 30000), None, "year"),
        ("£32,061 - £34,434 + £2,000 market supplement", (32061, 34434), None, "year"),
        ("£24,796 - £25,185 pro rata (£12.85 - £13.05 per hour)", (24796, 25185), None, "year"),
    ],
)
def test_salary_examples(text, annual, hourly, period):
    pay = parse_salary(text)
    assert pay.status == "parsed" and pay.period == period
    assert (pay.min_annual, pay.max_annual) == annual
    if hourly:
        assert pay.mid_hourly == hourly
    if period != "year":
        assert "annualised" in pay.assumption


def test_salary_not_stated_missing_and_outlier():
    assert parse_salary("Competitive").status == "not stated"
    assert parse_salary("").status == "missing"
    assert parse_salary("Band 5").status == "unparsed"
    assert parse_salary("£2 per hour").outlier and not parse_salary("£30,000").outlier
    assert "inferred" in parse_salary("£30,000").assumption


def test_coder_on_index_and_advert_titles(coder):
    assert coder.code("Care worker").soc2020 == "6135"
    attendant = coder.code("Centre Attendants (2 posts) - Carlton Forum Leisure Centre")
    assert (attendant.soc2020, attendant.method) == ("6211", "exact")
    assert coder.code("HGV Class 1 Driver").soc2020 == "8211"
    assert coder.code("Advisor").method == "too_vague"  # flagged, not guessed: tests/test_soc_coder.py
    assert normalise("Senior Care Assistant x2 (Nights) - £12.50ph") == "senior care assistant"


def test_places(places):
    assert places.resolve("Sutton in Ashfield - Northern Depot").la_code == "E07000170"
    assert places.resolve("Nottingham").method == "district"
    assert places.resolve("Leicester").in_emcca is False
    p = places.resolve("Derby", lat=52.919019, lon=-1.494755)
    assert (p.lsoa21cd, p.method) == ("E01013453", "coordinates")
    assert places.resolve("", lat=51.5, lon=-0.12).in_emcca is False


def test_scrub_and_patterns():
    text, n = scrub("Call Jo on 0115 876 5432 or +44 7700 900123, or jo.bloggs@notts.gov.uk")
    assert n == 3 and "@" not in text and "0115" not in text and "7700" not in text
    flags = work_pattern("Part-time", "Fixed-term", "Term time only")
    assert flags["part_time"] and flags["temporary"] and flags["flexible"] and not flags["full_time"]


def test_clean_quarantines_bad_records_and_collapses_duplicates(coder, places):
    good = {
        "source": "file_drop",
        "title": "Care Worker",
        "employer": "Acme Care",
        "location": "Mansfield",
        "salary_text": "£12.50 per hour",
        "seen_date": "2026-09-01",
        "source_file": "drop.csv",
    }
    records = pd.DataFrame(
        [
            good,
            dict(good),  # the same advert twice
            {**good, "title": "  "},
            {**good, "title": "Cleaner", "posted_date": "yesterday-ish"},
            {**good, "title": "Caf\ufffd assistant"},
            {**good, "title": "Driver", "description": "Contact ops@acme.co.uk"},
        ]
    )
    out = clean(records, coder, places)
    assert out.duplicates_collapsed == 1
    assert sorted((q.field, q.reason) for q in out.quarantined) == [
        ("posted_date", "unparseable date 'yesterday-ish'"),
        ("title", "broken encoding (replacement or mojibake characters)"),
        ("title", "no title"),
    ]
    assert all(q.record_id.startswith("drop.csv record ") for q in out.quarantined)
    assert len(out.adverts) == 2 and out.adverts.advert_key.is_unique
    assert out.adverts.loc[out.adverts.title == "Driver", "description"].item() == "Contact [email removed]"
    care = out.adverts[out.adverts.title == "Care Worker"].iloc[0]
    assert care.soc2020 == "6135" and care.la_code == "E07000174" and care.pay_mid_hourly == 12.5


def test_rate_limiter_waits_per_minute_and_stops_per_day(tmp_path):
    now = [0.0]
    slept = []
    limiter = RateLimiter(
        per_minute=2,
        per_day=3,
        state_file=tmp_path / "calls.json",
        clock=lambda: now[0],
        sleep=lambda s: (slept.append(s), now.__setitem__(0, now[0] + s)),
    )
    limiter.acquire()
    limiter.acquire()
    limiter.acquire()  # third call in the same minute waits
    assert slept == [60.0]
    with pytest.raises(RateLimitReached):
        RateLimiter(per_day=3, state_file=tmp_path / "calls.json").acquire()  # shared across runs
