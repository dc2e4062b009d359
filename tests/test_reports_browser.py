"""The reports in a real browser: no console errors, the EMCCA employment-rate card shows the ONS value,
the explorer finds "care worker", the area selector switches the cards, axe-core (vendored, offline) finds no
serious or critical violation, no page is wider than a 390 px phone, every link resolves, and a screenshot
of each page lands in the test artefacts."""

import csv
import os

import duckdb
import pytest
from playwright.sync_api import sync_playwright

from tests.browser import launch
from tests.conftest import ROOT

PAGES = ["index.html", "tracker.html", "explorer.html", "reach.html", "quality.html"]


@pytest.fixture(scope="module")
def reports_dir(refreshed, tmp_root):
    assert refreshed.success
    folder = tmp_root / "reports"
    assert (folder / "index.html").exists(), "the refresh should write the reports"
    return folder


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        b = launch(p)
        yield b
        b.close()


def _open(browser, path, errors):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.on("console", lambda m: errors.append(f"{m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"pageerror: {e}"))
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    return page


def _ons_employment_rate() -> float:
    with open(ROOT / "data/embedded/ons/emcca_local_indicators_long.csv", newline="", encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["areacd"] == "E47000013" and r["dataset"] == "employment-rate"]
    return float(max(rows, key=lambda r: r["period"])["observation"])


@pytest.mark.parametrize("name", PAGES)
def test_page_loads_without_console_errors(browser, reports_dir, artifacts_dir, name):
    errors: list[str] = []
    page = _open(browser, reports_dir / name, errors)
    assert page.locator("h1").count() == 1
    assert page.locator("html").get_attribute("lang") == "en-GB"
    page.screenshot(path=str(artifacts_dir / f"report-{name.replace('.html', '')}.png"), full_page=True)
    assert errors == []


def test_tracker_shows_the_emcca_employment_rate_from_ons(browser, reports_dir):
    errors: list[str] = []
    page = _open(browser, reports_dir / "tracker.html", errors)
    card = page.locator('article[data-indicator="employment_rate"]')
    value = card.locator('.area[data-geo="E47000013"] .value').inner_text()
    assert value == f"{_ons_employment_rate():.1f}%"
    shown = card.locator('.area[data-geo="E47000013"]').inner_text()
    assert "75.8%" in shown and "80.0%" in shown  # baseline and target
    assert "Source: ONS" in shown
    # indicators without a source are shown as such, not hidden
    assert page.locator("article.card", has_text="No source connected").count() >= 1
    assert page.locator("#la-map .plotly").count() == 1 and errors == []


def _first_step_why(origin: str) -> str:
    import os

    import duckdb

    with duckdb.connect(os.environ["ESCALATOR_WAREHOUSE"], read_only=True) as conn:
        return conn.execute(
            "select why from published.fct_escalator_transitions where origin_soc2020 = ? and origin_rank = 1",
            [origin],
        ).fetchone()[0]


def test_explorer_finds_care_worker_and_shows_steps(browser, reports_dir, artifacts_dir):
    errors: list[str] = []
    page = _open(browser, reports_dir / "explorer.html", errors)
    page.keyboard.press("Tab")  # the skip link comes first for keyboard users
    assert page.evaluate("document.activeElement.className") == "skip"
    page.fill("#occupation-search", "care worker")
    result = page.locator("#results button", has_text="6135 Care workers and home carers")
    assert result.count() == 1
    result.focus()
    page.keyboard.press("Enter")
    assert page.locator("#selected").inner_text() == "6135 Care workers and home carers"
    steps = page.locator("#steps li.step")
    assert steps.count() >= 3 and "get up" in page.locator("#steps").inner_text().lower()
    assert page.locator("#ladder .plotly").count() == 1
    # every step says why it is there: the first card carries the published reason for that step
    why = _first_step_why("6135")
    assert "Why: " + why in steps.first.inner_text()
    # a card reads on a phone: nothing wider than the page, no column squeezed to a letter a line
    page.set_viewport_size({"width": 390, "height": 844})
    # plotly redraws the chart for the new width after the resize event: wait for the page to settle
    page.wait_for_function("document.documentElement.scrollWidth <= 390", timeout=5000)
    assert steps.first.bounding_box()["width"] > 250
    page.screenshot(path=str(artifacts_dir / "report-explorer-care-worker-390px.png"), full_page=False)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.fill("#occupation-search", "care worker")
    page.locator("#results button", has_text="6135 Care workers and home carers").click()
    page.select_option("#la", label="Ashfield")
    assert "Ashfield" in page.locator("#steps-note").inner_text()
    page.screenshot(path=str(artifacts_dir / "report-explorer-care-worker.png"), full_page=True)
    page.locator("#starting-points button", has_text="Sales and retail assistants").click()
    assert page.locator("#selected").inner_text() == "7111 Sales and retail assistants"
    assert page.locator("#steps li.step").count() >= 1 and "Ashfield" in page.locator("#steps-note").inner_text()
    # the search reads titles through the coding index: "nurse" opens a nursing group, not an agriculture one
    page.fill("#occupation-search", "nurse")
    page.keyboard.press("Enter")
    assert page.locator("#selected").inner_text().startswith("223")
    assert "coder confidence" in page.locator("#results button").first.inner_text()
    page.fill("#occupation-search", "zzqx nothing like this")
    assert page.locator("#results button[data-soc]").count() == 0 and page.locator("#detail").is_hidden()
    assert page.locator("#steps li.step").count() == 0  # the previous occupation's steps are cleared
    page.fill("#occupation-search", "nursse")  # a typo: close index titles are offered
    suggestions = page.locator("#results button[data-suggestion]")
    assert "nurse" in [t.strip() for t in suggestions.all_inner_texts()]
    suggestions.filter(has_text="nurse").first.click()
    assert page.locator("#results button[data-soc]").first.inner_text().startswith("223")
    assert errors == []


def test_reach_map_is_labelled_synthetic_and_switches_group(browser, reports_dir):
    errors: list[str] = []
    page = _open(browser, reports_dir / "reach.html", errors)
    assert "Synthetic network" in page.locator(".synthetic").first.inner_text()
    assert "Coverage." in page.inner_text("body")  # what the advert feed covers is stated on the page
    assert page.locator("#reach-map .plotly").count() == 1
    before = page.evaluate("document.getElementById('reach-map').data.slice(0, 400).map(t => t.fillcolor)")
    page.focus("#reach-group")  # a native select: reachable by keyboard
    page.select_option("#reach-group", label="9 Elementary")
    after = page.evaluate("document.getElementById('reach-map').data.slice(0, 400).map(t => t.fillcolor)")
    assert after != before  # the map recoloured for the group
    names = page.evaluate(
        "document.getElementById('reach-map').data.filter(t => t.mode === 'text').flatMap(t => t.text)"
    )
    assert "Mansfield" in names and "Derby" in names  # local authorities named on the map
    assert errors == []


def test_quality_page_lists_plan_baselines_that_match_no_series_value(browser, reports_dir):
    with duckdb.connect(os.environ["ESCALATOR_WAREHOUSE"], read_only=True) as conn:
        differing = [
            r[0]
            for r in conn.execute(
                "select indicator_name from published.fct_plan_indicators where is_latest "
                "and baseline_check = 'differs from series'"
            ).fetchall()
        ]
    errors: list[str] = []
    page = _open(browser, reports_dir / "quality.html", errors)
    section = page.locator("#baselines").inner_text()
    assert ("to check" in section) == bool(differing)
    text = page.inner_text("body")
    assert all(name in text for name in differing)
    assert errors == []


def test_overview_shows_every_indicator_with_its_emcca_status_and_links_to_its_card(browser, reports_dir):
    with duckdb.connect(os.environ["ESCALATOR_WAREHOUSE"], read_only=True) as conn:
        dims = [r[0] for r in conn.execute("select indicator_id from published.dim_indicator").fetchall()]
        employment = conn.execute(
            "select rag_status from published.fct_plan_indicators where is_latest and "
            "indicator_id = 'employment_rate' and geography_code = 'E47000013'"
        ).fetchone()[0]
    errors: list[str] = []
    page = _open(browser, reports_dir / "index.html", errors)
    rows = page.locator("#glance tbody tr")
    assert rows.count() == len(dims)
    first = rows.filter(has_text="Employment rate (16-64)").first
    assert employment in first.inner_text()
    first.locator("a").click()
    page.wait_for_load_state("load")
    assert page.url.endswith("tracker.html#card-employment_rate")
    assert page.locator("#card-employment_rate").is_visible()
    assert errors == []


AXE = ROOT / "tests" / "vendor" / "axe-core" / "axe.min.js"
ALL_PAGES = [*PAGES, "accessibility.html"]


@pytest.mark.parametrize("name", ALL_PAGES)
def test_page_is_accessible_fits_a_phone_and_its_links_resolve(browser, reports_dir, name):
    """One load per page at a 390 px phone viewport: axe-core (vendored, offline) finds no serious or
    critical violation, nothing is wider than the screen, and every link leads somewhere."""
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto((reports_dir / name).as_uri())
    page.wait_for_load_state("load")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{name} is {width} px wide at a 390 px viewport"
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']} - {len(v['nodes'])} node(s), e.g. {v['nodes'][0]['target']}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert bad == []
    hrefs = page.evaluate("[...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href'))")
    for href in hrefs:
        if href.startswith(("http", "mailto:")):
            continue
        file, _, anchor = href.partition("#")
        target = reports_dir / (file or name)
        assert target.exists(), f"{name}: link to missing {file}"
        if anchor and target.suffix == ".html":
            text = target.read_text()
            assert f'id="{anchor}"' in text or f"id='{anchor}'" in text, f"{name}: {href} leads nowhere"


def test_tracker_area_selector_switches_every_card(browser, reports_dir):
    with duckdb.connect(os.environ["ESCALATOR_WAREHOUSE"], read_only=True) as conn:
        derby = conn.execute(
            "select value from published.fct_plan_indicators where is_latest and indicator_id = 'employment_rate' "
            "and geography_code = 'E06000015'"
        ).fetchone()[0]
        emcca = conn.execute(
            "select value from published.fct_plan_indicators where is_latest and indicator_id = 'employment_rate' "
            "and geography_code = 'E47000013'"
        ).fetchone()[0]
    errors: list[str] = []
    page = _open(browser, reports_dir / "tracker.html", errors)
    card = page.locator('article[data-indicator="employment_rate"]')
    assert card.locator(".area:visible .value").inner_text() == f"{emcca:.1f}%"
    page.select_option("#area", label="Derby")
    assert card.locator(".area:visible .value").inner_text() == f"{derby:.1f}%"
    assert "Derby" in card.locator(".area:visible").inner_text()
    visible = page.evaluate(
        "[...document.querySelectorAll('.card .area')].filter(b => !b.hidden).map(b => b.dataset.geo)"
    )
    assert visible and set(visible) == {"E06000015"}  # every card switched, none left on EMCCA
    href = card.locator("a[download]").get_attribute("href")
    assert (reports_dir / href).exists() and "E06000015" in (reports_dir / href).read_text(encoding="utf-8-sig")
    assert errors == []
