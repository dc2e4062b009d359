"""Write every report page into the reports folder. Pages read the *published* tables only (what passed
the checks), so rebuilding after a failed run shows the last good publication with a failure banner."""

import os
from pathlib import Path

import duckdb
import pandas as pd

from assets.platform.geography import EMCCA_CODE, ENGLAND_CODE
from assets.platform.warehouse import table_exists
from reports import explorer, quality, reach, tracker
from reports.page import COLOURS, PLOTLY_FILE, accessibility_statement, esc, page, plotly_js
from reports.status import collect_status


def _write(path: Path, text: str) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)  # a reader never sees half a page


def _published(conn) -> bool:
    return table_exists(conn, "published.fct_plan_indicators")


def _index(conn, status: dict, pages: list[str]) -> str:
    items = {
        "tracker.html": (
            "Indicator tracker",
            "the Plan's Table 8.1 indicators with baseline, target, RAG and trends; local authorities compared.",
        ),
        "explorer.html": (
            "Escalator explorer",
            "from an occupation to the better-paid ones people can realistically move into.",
        ),
        "reach.html": ("Reach map", "jobs reachable by public transport from each neighbourhood."),
        "quality.html": ("Data quality", "the validation results that gate publication."),
        "dbt_docs.html": ("Model documentation", "dbt docs for analysts and BI developers."),
    }
    links = "".join(
        f"<li><a href='{f}'>{esc(name)}</a>: {esc(text)}</li>" for f, (name, text) in items.items() if f in pages
    )
    glance = _at_a_glance(conn) if _published(conn) else ""
    return f"{glance}<h2>Reports</h2><ul>{links}</ul>"


def _at_a_glance(conn) -> str:
    """The tracker's EMCCA rows in one table (latest value and RAG per indicator), counted by status; a
    national-only indicator shows its England row."""
    rows = conn.execute(
        """
        select d.indicator_id, d.indicator_name, f.value, d.unit, f.period_start, f.period_end, f.rag_status
        from published.dim_indicator as d
        left join published.fct_plan_indicators as f
            on f.indicator_id = d.indicator_id and f.is_latest
           and f.geography_code = case when d.baseline_geography = ? then ? else ? end
        order by d.display_order""",
        [ENGLAND_CODE, ENGLAND_CODE, EMCCA_CODE],
    ).df()
    if rows.empty:
        return ""
    rows["rag_status"] = rows.rag_status.fillna("no data")
    counts = rows.rag_status.value_counts()
    order = ["green", "amber", "red", "not rated", "no data", "no source connected"]
    summary = ", ".join(f"{counts[k]} {k}" for k in order if k in counts)
    body = "".join(
        f"<tr><td><a href='tracker.html#card-{esc(r.indicator_id)}'>{esc(r.indicator_name)}</a></td>"
        f"<td class=num>{'' if pd.isna(r.value) else tracker.fmt(r.value, r.unit)}</td>"
        f"<td>{esc(tracker.period_label(r))}</td><td><span class='rag' style='background:"
        f"{tracker.RAG_COLOUR.get(r.rag_status, COLOURS['grey'])}'>{esc(r.rag_status)}</span></td></tr>"
        for r in rows.itertuples()
    )
    return (
        f"<h2>Tracker at a glance (EMCCA)</h2><p>{len(rows)} indicators: {esc(summary)}.</p>"
        f"<table id='glance'><caption>Latest EMCCA value and RAG status per Plan indicator</caption><thead><tr>"
        f"<th scope=col>Indicator</th><th scope=col>Latest</th><th scope=col>Period</th><th scope=col>RAG</th>"
        f"</tr></thead><tbody>{body}</tbody></table>"
    )


def build_reports(conn: duckdb.DuckDBPyConnection, out_dir: Path, contact_email: str | None = None) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    if not (out_dir / PLOTLY_FILE).exists() or (out_dir / PLOTLY_FILE).stat().st_size != len(plotly_js()):
        _write(out_dir / PLOTLY_FILE, plotly_js())
    status = collect_status(conn)

    def write(filename: str, title: str, body: str, **kw) -> Path:
        _write(out_dir / filename, page(filename, title, body, status, contact_email=contact_email, **kw))
        return out_dir / filename

    written = []
    pages = ["index.html", "quality.html"] + (["dbt_docs.html"] if (out_dir / "dbt_docs.html").exists() else [])
    if _published(conn):
        title, body, script = tracker.build(conn)
        written.append(write("tracker.html", title, body, scripts=script))
        tracker.card_csvs(tracker.load(conn)["facts"], out_dir)
        title, body, script = explorer.build(conn)
        written.append(write("explorer.html", title, body, scripts=script))
        title, body = reach.build(conn)
        written.append(write("reach.html", title, body, with_plotly="<figure" in body))
        pages += ["tracker.html", "explorer.html", "reach.html"]
    written.append(write("quality.html", *quality.build(conn), with_plotly=False))
    written.append(
        write(
            "accessibility.html", "Accessibility statement", accessibility_statement(contact_email), with_plotly=False
        )
    )
    index = write(
        "index.html", "Get East Midlands Working: data platform", _index(conn, status, pages), with_plotly=False
    )
    return [index, *written]


def rebuild_after_failure(conn: duckdb.DuckDBPyConnection, platform) -> None:
    """Called by the failure hook: the pages keep the last publication and gain the failure banner."""
    try:
        build_reports(conn, Path(platform.reports_dir), platform.contact_email)
    except Exception as exc:  # never mask the run's own failure with a report error
        print(f"reports not rebuilt after failure: {exc}")
