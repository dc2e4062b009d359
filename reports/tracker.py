"""The indicator tracker: one card per Table 8.1 indicator for EMCCA, and the 17 local authorities compared."""

import json

import pandas as pd
import plotly.graph_objects as go

from assets.platform.geography import EMCCA_CODE as EMCCA
from assets.platform.geography import ENGLAND_CODE as ENGLAND
from assets.platform.geography import REGION_CODE as REGION
from assets.platform.warehouse import table_exists
from reports.maps import polygon_map
from reports.numbers import format_value as fmt
from reports.page import COLOURS, esc, figure

AXIS_TITLES = {
    "%": "% (95% CI shaded)",
    "£": "£",
    "£ difference": "£ vs England",
    "% of England": "% of England",
    "ratio": "ratio",
    "count": "count",
}
RAG_COLOUR = {"green": COLOURS["green"], "amber": COLOURS["amber"], "red": COLOURS["red"]}


def load(conn) -> dict[str, pd.DataFrame]:
    return {
        "facts": conn.execute("select * from published.fct_plan_indicators").df(),
        "dims": conn.execute("select * from published.dim_indicator order by display_order").df(),
        "geo": conn.execute("select * from published.dim_geography").df(),
        "trajectory": conn.execute("select * from published.fct_employment_trajectory order by geography_name").df()
        if table_exists(conn, "published.fct_employment_trajectory")
        else pd.DataFrame(),
    }


def period_label(row) -> str:
    if pd.isna(row.period_end):
        return ""
    days = None if pd.isna(row.period_start) else (row.period_end - row.period_start).days
    if days is None or days > 300:
        return f"{row.period_end:%Y}" if row.period_end.month == 12 else f"year to {row.period_end:%b %Y}"
    if 85 <= days <= 95 and row.period_start.month % 3 == 1 and row.period_start.day == 1:
        return f"{row.period_start:%Y} Q{(row.period_start.month + 2) // 3}"
    if days >= 85:
        return f"{row.period_start:%b}-{row.period_end:%b %Y}"
    return f"{row.period_end:%b %Y}"


def _baseline(r, unit: str) -> str:
    """The baseline the row was rated against: the Plan's (Table 8.1), or the geography's own value in the
    baseline year where the Plan gives none; plus a warning when the Plan's figure is not this series'."""
    if pd.isna(r.baseline_value):
        return "No baseline: not rated"
    year = f"{r.baseline_period:%Y}" if pd.notna(r.baseline_period) else ""
    if r.baseline_check == "own value":
        return f"Baseline {fmt(r.baseline_value, unit)} (own value in {year}; the Plan gives none)"
    text = f"Plan baseline {fmt(r.baseline_value, unit)} ({year})"
    if r.baseline_check == "differs from series":
        text += " <strong>(not this series' figure: see note)</strong>"
    return text


def _trend(series: pd.DataFrame, dim, ind_id: str) -> go.Figure:
    fig = go.Figure()
    s = series.sort_values("period_end")
    if s.lci_95.notna().any():
        fig.add_trace(
            go.Scatter(
                x=list(s.period_end) + list(s.period_end[::-1]),
                y=list(s.uci_95) + list(s.lci_95[::-1]),
                fill="toself",
                hoverinfo="skip",
                fillcolor="rgba(11,92,173,0.18)",
                line={"width": 0},
                name="95% CI",
            )
        )
    fig.add_trace(
        go.Scatter(
            x=s.period_end, y=s.value, mode="lines+markers", name="EMCCA", line={"color": COLOURS["blue"], "width": 2}
        )
    )
    if pd.notna(dim.baseline_value) and pd.notna(dim.target_value) and pd.notna(dim.target_year):
        # the Plan's trajectory: a straight line from the baseline to the target year
        start = pd.Timestamp(dim.baseline_period) if pd.notna(dim.baseline_period) else pd.Timestamp("2025-01-01")
        fig.add_trace(
            go.Scatter(
                x=[start, pd.Timestamp(f"{int(dim.target_year)}-12-31")],
                y=[dim.baseline_value, dim.target_value],
                mode="lines",
                name="Plan trajectory",
                line={"color": COLOURS["orange"], "dash": "dash"},
            )
        )
    elif series.baseline_value.notna().any():  # the baseline the rows were rated against
        fig.add_hline(
            y=series.baseline_value.dropna().iloc[-1],
            line={"color": COLOURS["orange"], "dash": "dot"},
            annotation_text="baseline",
            annotation_font_color=COLOURS["orange"],
        )
    if pd.notna(dim.target_value) and pd.notna(dim.target_year):
        fig.add_annotation(
            x=pd.Timestamp(f"{int(dim.target_year)}-12-31"),
            y=dim.target_value,
            text=f"target {fmt(dim.target_value, dim.unit)}",
            showarrow=False,
            xanchor="right",
            yanchor="bottom",
            font={"color": COLOURS["orange"]},
        )
    fig.update_layout(showlegend=False, margin={"l": 50, "r": 10, "t": 10, "b": 30})
    fig.update_yaxes(title_text=AXIS_TITLES.get(dim.unit, dim.unit), title_font_size=11)
    return fig


def _area_block(dim, r, latest: pd.DataFrame, ind: pd.DataFrame, with_chart: bool) -> str:
    """One area's figures on a card: value, CI, RAG and why, baseline, change, comparators, chart."""
    unit = dim.unit
    rag = r.rag_status
    colour = RAG_COLOUR.get(rag, COLOURS["grey"])
    ci = f" (95% CI {fmt(r.lci_95, unit)} to {fmt(r.uci_95, unit)})" if pd.notna(r.lci_95) else ""
    change = (
        ""
        if pd.isna(r.change_since_baseline)
        else f"<p>Change since baseline: <strong>{'+' if r.change_since_baseline > 0 else ''}"
        f"{fmt(r.change_since_baseline, 'pp' if unit.startswith('%') else unit)}</strong></p>"
    )
    compare = []
    for code, label in ((EMCCA, "EMCCA"), (REGION, "East Midlands"), (ENGLAND, "England")):
        other = latest[latest.geography_code == code]
        if len(other) and code != r.geography_code:
            o = other.iloc[0]
            when = f" ({period_label(o)})" if period_label(o) != period_label(r) else ""  # periods differ: say so
            compare.append(f"{label} {fmt(o.value, unit)}{when}")
    target = f"; target {fmt(dim.target_value, unit)} by {int(dim.target_year)}" if pd.notna(dim.target_value) else ""
    chart = ""
    series = ind[ind.geography_code == r.geography_code]
    if with_chart and len(series) > 1:
        alt = (
            f"Trend of {dim.indicator_name} for {r.geography_name}: latest {fmt(r.value, unit)} in "
            f"{period_label(r)}, baseline {fmt(r.baseline_value, unit)}{target}."
        )
        chart = figure(_trend(series, dim, dim.indicator_id), alt, height=190)
    note = f'<p class="small">{esc(r.note)}</p>' if isinstance(r.note, str) and r.note else ""
    release = f", released {r.source_release:%d %b %Y}" if pd.notna(r.source_release) else ""
    return (
        f'<p><span class="value">{fmt(r.value, unit)}</span> {esc(r.geography_name)} '
        f'<span class="muted">{period_label(r)}{ci}</span></p>'
        f'<p><span class="rag" style="background:{colour}">RAG: {esc(rag)}</span> '
        f'<span class="small">{esc(r.rag_reason)}</span></p>'
        f"<p>{_baseline(r, unit)}{target}</p>{change}"
        f'<p class="small">{" | ".join(compare)}</p>{chart}{note}'
        f'<p class="small muted">Source: {esc(r.source)} ({esc(r.source_dataset)}){release}</p>'
    )


def card(dim, facts: pd.DataFrame, areas: list[tuple[str, str]]) -> str:
    """A card with one block per area the selector offers (EMCCA first); only the selected one shows.
    An indicator published for England only (or EMCCA only) says so for the other areas."""
    ind = facts[facts.indicator_id == dim.indicator_id]
    latest = ind[ind.is_latest]
    head = (
        f'<h3 id="card-{esc(dim.indicator_id)}">{esc(dim.indicator_name)}</h3>'
        f'<p class="muted small">{esc(dim.category).capitalize()} indicator</p>'
    )
    download = (
        f'<p class="small"><a href="data/{esc(dim.indicator_id)}.csv" download>Download the figures (CSV)</a></p>'
    )
    first = latest[latest.geography_code == EMCCA]
    first = first if len(first) else latest.head(1)
    if not len(first) or first.iloc[0].rag_status == "no source connected":
        source = esc(first.iloc[0].source) if len(first) else esc(dim.primary_source)
        return (
            f'<article class="card" data-indicator="{esc(dim.indicator_id)}">{head}'
            f'<p><span class="rag" style="background:{COLOURS["grey"]}">No source connected</span></p>'
            f"<p>Plan baseline: <strong>{fmt(dim.baseline_value, dim.unit)}</strong> "
            f"({esc(dim.baseline_geography)}). {esc(dim.baseline_note)}</p>"
            f'<p class="small">Source when connected: {source}</p></article>'
        )
    fallback = first.iloc[0]  # national-only indicators: the England row stands for every area
    blocks = []
    for code, name in areas:
        rows = latest[latest.geography_code == code]
        hidden = "" if code == EMCCA else " hidden"
        if len(rows):
            inner = _area_block(dim, rows.iloc[0], latest, ind, with_chart=code == EMCCA)
        else:
            inner = (
                f'<p class="small">No figure for {esc(name)}: published for {esc(fallback.geography_name)} only.</p>'
                + _area_block(dim, fallback, latest, ind, with_chart=False)
            )
        blocks.append(f'<div class="area" data-geo="{esc(code)}"{hidden}>{inner}</div>')
    return (
        f'<article class="card" data-indicator="{esc(dim.indicator_id)}" data-rag="{esc(fallback.rag_status)}">'
        f"{head}{''.join(blocks)}{download}</article>"
    )


def card_csvs(facts: pd.DataFrame, out_dir) -> None:
    """One CSV per indicator beside the page (data/<indicator_id>.csv): every area and period, for the
    card's download link. UTF-8 with a BOM, as the published CSVs."""
    folder = out_dir / "data"
    folder.mkdir(parents=True, exist_ok=True)
    cols = [
        "indicator_id",
        "indicator_name",
        "geography_code",
        "geography_name",
        "period_start",
        "period_end",
        "value",
        "unit",
        "lci_95",
        "uci_95",
        "baseline_value",
        "target_value",
        "change_since_baseline",
        "rag_status",
        "rag_reason",
        "source",
        "source_dataset",
        "note",
    ]
    for ind_id, rows in facts.groupby("indicator_id"):
        rows.sort_values(["geography_code", "period_end"])[[c for c in cols if c in rows]].to_csv(
            folder / f"{ind_id}.csv", index=False, encoding="utf-8-sig"
        )


AREA_SCRIPT = """
<script>
document.getElementById('area').addEventListener('change', (e) => {
  const code = e.target.value;
  document.querySelectorAll('.card .area').forEach(b => { b.hidden = b.dataset.geo !== code; });
  const name = e.target.options[e.target.selectedIndex].text;
  document.getElementById('area-note').textContent = 'Showing ' + name + '. Charts show EMCCA.';
});
</script>
"""


def la_section(data: dict, boundaries: dict | None, indicator: str = "employment_rate") -> str:
    facts, geo = data["facts"], data["geo"]
    las = geo[geo.geography_level == "local authority"].geography_code
    rows = facts[(facts.indicator_id == indicator) & facts.is_latest & facts.geography_code.isin(las)]
    rows = rows.sort_values("value")
    if rows.empty:
        return "<p>No local-authority figures published for this indicator.</p>"
    emcca = facts[(facts.indicator_id == indicator) & facts.is_latest & (facts.geography_code == EMCCA)]
    bar = go.Figure(
        go.Bar(
            x=rows.value,
            y=rows.geography_name,
            orientation="h",
            marker_color=COLOURS["blue"],
            error_x={
                "type": "data",
                "symmetric": False,
                "array": rows.uci_95 - rows.value,
                "arrayminus": rows.value - rows.lci_95,
                "color": "#505050",
            },
            hovertemplate="%{y}: %{x:.1f}%<extra></extra>",
        )
    )
    if len(emcca):
        bar.add_vline(
            x=emcca.iloc[0].value,
            line={"color": COLOURS["orange"], "dash": "dash"},
            annotation_text=f"EMCCA {emcca.iloc[0].value:.1f}%",
        )
    bar.update_layout(xaxis_title="Employment rate 16-64 (%), with 95% CI", yaxis_title=None)
    lowest, highest = rows.iloc[0], rows.iloc[-1]
    period = period_label(rows.iloc[0])
    alt = (
        f"Employment rate by local authority, {period}: lowest {lowest.geography_name} {lowest.value:.1f}%, "
        f"highest {highest.geography_name} {highest.value:.1f}%."
    )
    parts = [f"<h2 id='la'>Employment rate by local authority ({esc(period)})</h2>", figure(bar, alt, height=520)]
    if boundaries:
        areas = [
            (r.geography_code, r.geography_name, boundaries[r.geography_code], r.value)
            for r in rows.itertuples()
            if r.geography_code in boundaries
        ]
        fig = polygon_map(areas, "%", classes=5, fmt=lambda v: f"{v:.1f}", edges=0)
        parts.append(
            figure(
                fig,
                "Map of the 17 EMCCA local authorities shaded by employment rate in five classes. " + alt,
                div_id="la-map",
                height=560,
            )
        )
    table = "".join(
        f"<tr><td>{esc(r.geography_name)}</td><td>{esc(r.geography_code)}</td>"
        f"<td class=num>{r.value:.1f}%</td><td class=num>{fmt(r.lci_95, '%')} to {fmt(r.uci_95, '%')}</td>"
        f"<td>{esc(r.rag_status)}</td></tr>"
        for r in rows.itertuples()
    )
    parts.append(
        f"<details><summary>Table of local-authority figures</summary><table><caption>Employment rate "
        f"16-64 by local authority</caption><thead><tr><th scope=col>Local authority</th><th scope=col>Code"
        f"</th><th scope=col>Rate</th><th scope=col>95% CI</th><th scope=col>RAG</th></tr></thead>"
        f"<tbody>{table}</tbody></table></details>"
    )
    return "".join(parts)


def la_boundaries(conn) -> dict | None:
    """LA shapes as MultiPolygons of their LSOAs' outer rings (drawn without edges, they read as the LA)."""
    rows = conn.execute("select la_code, geometry_geojson from published.dim_lsoa21").fetchall()
    polys: dict[str, list] = {}
    for lad, geom in rows:
        g = json.loads(geom)
        polys.setdefault(lad, []).extend(g["coordinates"] if g["type"] == "MultiPolygon" else [g["coordinates"]])
    return {lad: {"type": "MultiPolygon", "coordinates": p} for lad, p in polys.items()} or None


RAG_RULE = (
    "Rows dated before an indicator's baseline period (Table 8.1: 2025, or 2024 where marked) are "
    "history and carry no RAG. RAG rule: green when the target is met, or the value has moved from the Plan's baseline in the better "
    "direction and the baseline lies outside the value's 95% confidence interval; amber when the baseline "
    "lies inside the CI (a change inside the CI is not a change) or, without a CI, the change is under 1% "
    "of the baseline; red when it has moved the worse way beyond that. Not rated: no baseline, partial "
    "coverage, a lower bound, or a measure the Plan's baseline does not share (including a Plan figure "
    "that matches none of this series' values around the baseline year). Where the Plan gives no "
    "baseline, a geography's own value in the baseline year is used. The lowest-authority row is rated only "
    "when that authority is significantly below the EMCCA rate. Reliability follows ONS's coefficient-of-"
    "variation bands (under 5% precise, 5-10% reasonably precise, 10-20% acceptable, over 20% unreliable)."
)


def summary(facts: pd.DataFrame, dims: pd.DataFrame) -> str:
    """What is on track, what is not and what has no data yet, for EMCCA (Table 8.1 rows only)."""
    rows = facts[facts.is_latest & (facts.geography_code == EMCCA) & facts.plan_row.notna()]
    names = dict(zip(dims.indicator_id, dims.indicator_name))
    groups = [
        ("green", "Improving beyond the 95% CI"),
        ("amber", "No measurable change"),
        ("red", "Worse beyond the 95% CI"),
        ("before baseline", "No progress data yet (latest data predates the baseline)"),
        ("not rated", "Measured but not rated"),
        ("no source connected", "No source connected yet"),
    ]
    items = []
    for status, label in groups:
        ids = rows[rows.rag_status == status].indicator_id
        if len(ids):
            links = ", ".join(f'<a href="#card-{esc(i)}">{esc(names.get(i, i))}</a>' for i in dict.fromkeys(ids))
            items.append(f"<li><strong>{label}: {ids.nunique()}</strong> - {links}</li>")
    return f"<h2 id='summary'>Summary for EMCCA</h2><ul class='summary'>{''.join(items)}</ul>"


def trajectory_section(trajectory: pd.DataFrame) -> str:
    """The Plan's headline target as a path: the yearly change needed from the latest value to reach 80% by
    2035 beside the latest yearly change and its 95% CI, per geography."""
    if trajectory.empty:
        return ""
    t0 = trajectory.iloc[0]
    rows = "".join(
        f"<tr><td>{esc(r.geography_name)}</td><td class=num>{r.latest_value:.1f}%</td>"
        f"<td class=num>{r.required_annual_change_pp:+.2f} pp</td>"
        f"<td class=num>{'' if pd.isna(r.latest_annual_change_pp) else f'{r.latest_annual_change_pp:+.1f} pp'}</td>"
        f"<td class=num>{'' if pd.isna(r.latest_change_lci_95) else f'{r.latest_change_lci_95:+.1f} to {r.latest_change_uci_95:+.1f}'}</td>"
        f"<td>{esc(r.path_status)}</td></tr>"
        for r in trajectory.sort_values(["geography_level", "geography_name"]).itertuples()
    )
    return (
        f"<h2 id='trajectory'>Trajectory to {t0.target_value:.0f}% employment by {int(t0.target_year)}</h2>"
        f"<p>The yearly change in the employment rate (16-64) needed from the latest APS value "
        f"({t0.latest_period_end:%Y}) to reach the Plan's target, beside the latest yearly change. A change "
        f"whose 95% CI contains the required change cannot tell us whether the area is on the path.</p>"
        f"<table><caption>Required and latest yearly change by geography</caption>"
        f"<thead><tr><th scope=col>Geography</th><th scope=col>Latest rate</th><th scope=col>Needed a year</th>"
        f"<th scope=col>Latest yearly change</th><th scope=col>95% CI of change</th><th scope=col>On the path?</th>"
        f"</tr></thead><tbody>{rows}</tbody></table>"
    )


def build(conn) -> tuple[str, str, str]:
    data = load(conn)
    geo = data["geo"].sort_values(["level_order", "geography_name"])
    areas = [
        (r.geography_code, r.geography_name)
        for r in geo.itertuples()
        if r.geography_level in ("combined authority", "local authority")
    ]
    options = "".join(f'<option value="{esc(c)}">{esc(n)}</option>' for c, n in areas)
    cards = "".join(card(d, data["facts"], areas) for d in data["dims"].itertuples())
    body = (
        f"<p>Get East Midlands Working Plan (2025-2035), Table 8.1 indicators for the East Midlands Combined "
        f"County Authority.</p>{summary(data['facts'], data['dims'])}{trajectory_section(data['trajectory'])}"
        f"<h2 id='cards'>Indicators</h2>"
        f"<p><label for='area'>Area</label> <select id='area'>{options}</select> "
        f"<span id='area-note' class='small muted' aria-live='polite'>Showing EMCCA.</span></p>"
        f"<section aria-label='Indicator cards'><div class='cards'>{cards}"
        f"</div></section>{la_section(data, la_boundaries(conn))}<h2 id='method'>How rows are rated</h2><p>{RAG_RULE}</p>"
    )
    return "Indicator tracker", body, AREA_SCRIPT
