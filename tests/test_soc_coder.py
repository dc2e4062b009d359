"""The SOC coder on kinds of advert titles (noise, places, abbreviations, industry, professional vs
associate), written for these tests: none is from the labelled evaluation set."""

import subprocess
import sys

import pandas as pd
import pytest

from assets.jobads.soc_coder import REVIEW_BELOW
from assets.jobads.soc_text import segments
from orchestration.commands import read_titles
from orchestration.settings import PROJECT_ROOT


@pytest.mark.parametrize(
    "noisy,plain",
    [
        ("Care Assistant - Worksop", "Care Assistant"),
        ("Care Assistant Worksop", "Care Assistant"),  # a town with no separator
        ("Warehouse Operative Job Ilkeston", "Warehouse Operative"),
        ("URGENT: Kitchen Porter x3 £11.50ph Nights", "Kitchen Porter"),
        ("Cleaner (Part Time) - 16 hours", "Cleaner"),
        ("Forklift Driver - Long Eaton - £12.21 per hour", "Fork lift truck driver"),
        ("Chef de Partie  Award Winning Gastro Pub  Live In  Tips", "Chef de partie"),
    ],
)
def test_places_pay_and_board_noise_do_not_change_the_code(coder, noisy, plain):
    assert coder.code(noisy).soc2020 == coder.code(plain).soc2020 is not None


@pytest.mark.parametrize(
    "title,soc",
    [
        ("Snr Software Eng", "2134"),
        ("RMN Charge Nurse", "2235"),  # the registration sets the nurse type
        ("RGN Nurse", "2237"),
        ("RGN/RMN Staff Nurse", "2237"),  # the first-named registration
        ("RGN Deputy Home Manager", "1232"),  # a registration before another occupation is a requirement
        ("QSW - Children and Families", "2461"),
        ("Consultant in Respiratory Medicine", "2212"),  # a doctor, not an IT consultant
        ("IT Consultant", "2139"),
    ],
)
def test_abbreviations_and_professional_titles(coder, title, soc):
    assert coder.code(title).soc2020 == soc


def test_professional_engineers_and_associate_trades(coder):
    assert coder.code("Mechanical Engineer").soc2020 == "2122"
    assert coder.code("Electrical Engineer").soc2020 == "2123"
    assert coder.code("Electrician").soc2020 == "5241"
    assert coder.code("Maintenance Electrician").soc2020[:2] == "52"


def test_industry_context_settles_an_ambiguous_title(coder):
    care = coder.code("Support Worker", employer="Sunrise Care Home")
    hospital = coder.code("Support Worker", employer="Queen's Medical Centre NHS Trust")
    assert (care.soc2020, hospital.soc2020) == ("6135", "6131")
    assert coder.code("Duty Manager", employer="Mansfield Leisure Centre").soc2020 == "1224"
    assert coder.code("General Manager", category="Restaurant").soc2020 == "1222"
    assert coder.code("Deputy Manager - Care Home").soc2020 == "1232"
    assert coder.code("Assistant Manager - Pub").soc2020 == "1223"


def test_first_named_alternative_and_borrowed_head():
    assert segments("Cleaner / Caretaker")[0] == ["cleaner"]
    assert segments("Electrical / ICA Engineer")[0] == ["electrical", "engineer"]


def test_vague_and_unknown_titles_are_flagged_not_guessed(coder):
    for title in ("Manager", "Advisor", "Zzyzx qwerty", ""):
        coded = coder.code(title)
        assert coded.soc2020 is None and coded.needs_review, title
    assert coder.code("Warehouse Operative").confidence >= REVIEW_BELOW
    assert not coder.code("Warehouse Operative").needs_review


def test_confidence_tracks_agreement_on_the_development_half(coder):
    """Codes the coder is sure of must be right more often than the ones it flags (on dev titles only)."""
    labelled = pd.read_csv(
        PROJECT_ROOT / "benchmarks/data/labelled_advert_titles.csv", dtype=str, keep_default_na=False
    )
    dev = labelled[labelled.split == "dev"]
    coded = [coder.code(r.title, employer=r.employer, category=r.category) for r in dev.itertuples()]
    right = pd.Series([c.soc2020 == t for c, t in zip(coded, dev.soc2020)])
    sure = pd.Series([not c.needs_review for c in coded])
    assert right[sure].mean() > right[~sure].mean()
    assert len(labelled) >= 500 and set(labelled.split) == {"dev", "heldout"}


def test_read_titles_takes_plain_lines_or_a_csv_with_context():
    assert read_titles(["Care worker", "", "Chef"]) == [{"title": "Care worker"}, {"title": "Chef"}]
    rows = read_titles(["title,employer,category", '"Support Worker, nights",Sunrise Care Home,Care'])
    assert rows == [
        {"title": "Support Worker, nights", "description": "", "employer": "Sunrise Care Home", "category": "Care"}
    ]


def test_code_titles_cli_uses_context_and_fails_cleanly(tmp_path):
    path = tmp_path / "titles.csv"
    path.write_text(
        "title,employer\nSupport Worker,Queen's Medical Centre NHS Trust\nSupport Worker,Sunrise Care Home\n"
    )
    escalator = [sys.executable, "-m", "orchestration.cli", "code-titles"]
    out = subprocess.run([*escalator, str(path)], capture_output=True, text=True, cwd=PROJECT_ROOT, check=True).stdout
    rows = out.strip().splitlines()
    assert rows[0].endswith("needs_review") and rows[1].split(",")[1] == "6131" and rows[2].split(",")[1] == "6135"
    bad = subprocess.run([*escalator, str(tmp_path / "missing.txt")], capture_output=True, text=True, cwd=PROJECT_ROOT)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr and len(bad.stderr.strip().splitlines()) == 1
