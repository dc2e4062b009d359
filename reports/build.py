"""Write every report page into the reports folder. Pages read the *published* tables only (what passed
the checks), so rebuilding after a failed run shows the last good publication with a failure banner."""

import os
from pathlib import Path

import duckdb

from reports import explorer, quality, reach, tracker
from reports.page import PLOTLY_FILE, esc, page, plotly_js
from reports.status import collect_status


def _write(path: Path, text: str) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)  # a reader never sees half a page


def _published(conn) -> bool:
    return conn.execute("select count(*) from information_schema.tables where table_schema = 'published' "
                        "and table_name = 'fct_plan_indicators'").fetchone()[0] > 0


def _index(conn, status: dict, pages: list[str]) -> str:
    items = {
        "tracker.html": ("Indicator tracker", "the Plan's Table 8.1 indicators with baseline, target, RAG and "
                                              "trends; local authorities compared."),
        "explorer.html": ("Escalator explorer", "from an occupation to the better-paid ones people can "
                                                "realistically move into."),
        "reach.html": ("Reach map", "jobs reachable by public transport from each neighbourhood."),
        "quality.html": ("Data quality", "the validation results that gate publication."),
        "dbt_docs.html": ("Model documentation", "dbt docs for analysts and BI developers."),
    }
    links = "".join(f"<li><a href='{f}'>{esc(name)}</a>: {esc(text)}</li>"
                    for f, (name, text) in items.items() if f in pages)
    headline = ""
    if _published(conn):
        row = conn.execute("select value, lci_95, uci_95, period_end, rag_status from published.fct_plan_indicators "
                           "where indicator_id = 'employment_rate' and geography_code = 'E47000013' and is_latest"
                           ).fetchone()
        if row and row[0] is not None:
            headline = (f"<p>EMCCA employment rate (16-64): <strong>{row[0]:.1f}%</strong> in {row[3]:%Y} "
                        f"(95% CI {row[1]:.1f}-{row[2]:.1f}); Plan baseline 75.8%, target 80% by 2035. "
                        f"RAG: {esc(row[4])}.</p>")
    return f"{headline}<h2>Reports</h2><ul>{links}</ul>"


def build_reports(conn: duckdb.DuckDBPyConnection, out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    if not (out_dir / PLOTLY_FILE).exists() or (out_dir / PLOTLY_FILE).stat().st_size != len(plotly_js()):
        _write(out_dir / PLOTLY_FILE, plotly_js())
    status = collect_status(conn)
    written = []
    pages = ["index.html", "quality.html"] + (["dbt_docs.html"] if (out_dir / "dbt_docs.html").exists() else [])
    if _published(conn):
        title, body = tracker.build(conn)
        _write(out_dir / "tracker.html", page("tracker.html", title, body, status))
        title, body, script = explorer.build(conn)
        _write(out_dir / "explorer.html", page("explorer.html", title, body, status, scripts=script))
        title, body = reach.build(conn)
        _write(out_dir / "reach.html", page("reach.html", title, body, status, with_plotly="<figure" in body))
        written += [out_dir / p for p in ("tracker.html", "explorer.html", "reach.html")]
        pages += ["tracker.html", "explorer.html", "reach.html"]
    title, body = quality.build(conn)
    _write(out_dir / "quality.html", page("quality.html", title, body, status, with_plotly=False))
    _write(out_dir / "index.html", page("index.html", "Get East Midlands Working: data platform",
                                        _index(conn, status, pages), status, with_plotly=False))
    return [out_dir / "index.html", out_dir / "quality.html", *written]


def rebuild_after_failure(conn: duckdb.DuckDBPyConnection, platform) -> None:
    """Called by the failure hook: the pages keep the last publication and gain the failure banner."""
    try:
        build_reports(conn, Path(platform.reports_dir))
    except Exception as exc:  # never mask the run's own failure with a report error
        print(f"reports not rebuilt after failure: {exc}")
