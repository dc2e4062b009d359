"""The indicator tracker: one card per Table 8.1 indicator for EMCCA, and the 17 local authorities compared."""

import json

import pandas as pd
import plotly.graph_objects as go

from reports.maps import polygon_map
from reports.page import COLOURS, esc, figure

EMCCA, REGION, ENGLAND = "E47000013", "E12000004", "E92000001"
RAG_COLOUR = {"green": COLOURS["green"], "amber": COLOURS["amber"], "red": COLOURS["red"]}


def load(conn) -> dict[str, pd.DataFrame]:
    return {
        "facts": conn.execute("select * from published.fct_plan_indicators").df(),
        "dims": conn.execute("select * from published.dim_indicator order by display_order").df(),
        "geo": conn.execute("select * from published.dim_geography").df(),
    }


def fmt(value, unit) -> str:
    if value is None or pd.isna(value):
        return "no data"
    if unit == "£":
        return f"£{value:,.0f}"
    if unit == "%":
        return f"{value:.1f}%"
    if unit == "pp":
        return f"{value:.1f} pp"
    if unit == "ratio":
        return f"{value:.2f}"
    return f"{value:,.0f}"


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
    if r.baseline_check == "own value":
        return f"Baseline {fmt(r.baseline_value, unit)} ({esc(r.baseline_period)}; the Plan gives none)"
    text = f"Plan baseline {fmt(r.baseline_value, unit)}"
    if r.baseline_check == "differs from series":
        text += " <strong>(not this series' figure: see note)</strong>"
    return text


def _trend(series: pd.DataFrame, dim, ind_id: str) -> go.Figure:
    fig = go.Figure()
    s = series.sort_values("period_end")
    if s.lci_95.notna().any():
        fig.add_trace(go.Scatter(x=list(s.period_end) + list(s.period_end[::-1]),
                                 y=list(s.uci_95) + list(s.lci_95[::-1]), fill="toself", hoverinfo="skip",
                                 fillcolor="rgba(11,92,173,0.18)", line={"width": 0}, name="95% CI"))
    fig.add_trace(go.Scatter(x=s.period_end, y=s.value, mode="lines+markers", name="EMCCA",
                             line={"color": COLOURS["blue"], "width": 2}))
    if pd.notna(dim.baseline_value) and pd.notna(dim.target_value) and pd.notna(dim.target_year):
        # the Plan's trajectory: a straight line from the baseline to the target year
        fig.add_trace(go.Scatter(x=[pd.Timestamp("2023-12-31"), pd.Timestamp(f"{int(dim.target_year)}-12-31")],
                                 y=[dim.baseline_value, dim.target_value], mode="lines", name="Plan trajectory",
                                 line={"color": COLOURS["orange"], "dash": "dash"}))
    elif series.baseline_value.notna().any():  # the baseline the rows were rated against
        fig.add_hline(y=series.baseline_value.dropna().iloc[-1], line={"color": COLOURS["orange"], "dash": "dot"},
                      annotation_text="baseline", annotation_font_color=COLOURS["orange"])
    fig.update_layout(showlegend=False, margin={"l": 40, "r": 10, "t": 10, "b": 30})
    return fig


def card(dim, facts: pd.DataFrame) -> str:
    ind = facts[facts.indicator_id == dim.indicator_id]
    latest = ind[ind.is_latest]
    row = latest[latest.geography_code == EMCCA]
    row = (row if len(row) else latest).head(1)
    unit = dim.unit
    head = f'<h3 id="card-{esc(dim.indicator_id)}">{esc(dim.indicator_name)}</h3>' \
           f'<p class="muted small">{esc(dim.category).capitalize()} indicator</p>'
    if not len(row) or row.iloc[0].rag_status == "no source connected":
        source = esc(row.iloc[0].source) if len(row) else esc(dim.primary_source)
        return (f'<article class="card" data-indicator="{esc(dim.indicator_id)}">{head}'
                f'<p><span class="rag" style="background:{COLOURS["grey"]}">No source connected</span></p>'
                f'<p>Plan baseline: <strong>{fmt(dim.baseline_value, unit)}</strong> '
                f'({esc(dim.baseline_geography)}). {esc(dim.baseline_note)}</p>'
                f'<p class="small">Source when connected: {source}</p></article>')
    r = row.iloc[0]
    rag = r.rag_status
    colour = RAG_COLOUR.get(rag, COLOURS["grey"])
    ci = f" (95% CI {fmt(r.lci_95, unit)} to {fmt(r.uci_95, unit)})" if pd.notna(r.lci_95) else ""
    change = "" if pd.isna(r.change_since_baseline) else \
        f"<p>Change since baseline: <strong>{r.change_since_baseline:+,.1f}</strong>{' pp' if unit == '%' else ''}</p>"
    compare = []
    for code, label in ((REGION, "East Midlands"), (ENGLAND, "England")):
        other = latest[latest.geography_code == code]
        if len(other):
            o = other.iloc[0]
            when = f" ({period_label(o)})" if period_label(o) != period_label(r) else ""  # periods differ: say so
            compare.append(f"{label} {fmt(o.value, unit)}{when}")
    target = f"; target {fmt(dim.target_value, unit)} by {int(dim.target_year)}" if pd.notna(dim.target_value) else ""
    series = ind[ind.geography_code == r.geography_code]
    where = "" if r.geography_code == EMCCA else f" ({esc(r.geography_name)})"
    alt = (f"Trend of {dim.indicator_name} for {r.geography_name}: latest {fmt(r.value, unit)} in {period_label(r)}, "
           f"baseline {fmt(r.baseline_value, unit)}{target}.")
    chart = figure(_trend(series, dim, dim.indicator_id), alt, height=170) if len(series) > 1 else ""
    note = f'<p class="small">{esc(r.note)}</p>' if isinstance(r.note, str) and r.note else ""
    release = f", released {r.source_release:%d %b %Y}" if pd.notna(r.source_release) else ""
    return (f'<article class="card" data-indicator="{esc(dim.indicator_id)}" data-rag="{esc(rag)}">{head}'
            f'<p><span class="value">{fmt(r.value, unit)}</span>{where} <span class="muted">{period_label(r)}{ci}</span></p>'
            f'<p><span class="rag" style="background:{colour}">RAG: {esc(rag)}</span></p>'
            f'<p>{_baseline(r, unit)}{target}</p>{change}'
            f'<p class="small">{" | ".join(compare)}</p>{chart}{note}'
            f'<p class="small muted">Source: {esc(r.source)} ({esc(r.source_dataset)}){release}</p></article>')


def la_section(data: dict, boundaries: dict | None, indicator: str = "employment_rate") -> str:
    facts, geo = data["facts"], data["geo"]
    las = geo[geo.geography_level == "local authority"].geography_code
    rows = facts[(facts.indicator_id == indicator) & facts.is_latest & facts.geography_code.isin(las)]
    rows = rows.sort_values("value")
    if rows.empty:
        return "<p>No local-authority figures published for this indicator.</p>"
    emcca = facts[(facts.indicator_id == indicator) & facts.is_latest & (facts.geography_code == EMCCA)]
    bar = go.Figure(go.Bar(
        x=rows.value, y=rows.geography_name, orientation="h", marker_color=COLOURS["blue"],
        error_x={"type": "data", "symmetric": False, "array": rows.uci_95 - rows.value,
                 "arrayminus": rows.value - rows.lci_95, "color": "#505050"},
        hovertemplate="%{y}: %{x:.1f}%<extra></extra>"))
    if len(emcca):
        bar.add_vline(x=emcca.iloc[0].value, line={"color": COLOURS["orange"], "dash": "dash"},
                      annotation_text=f"EMCCA {emcca.iloc[0].value:.1f}%")
    bar.update_layout(xaxis_title="Employment rate 16-64 (%), with 95% CI", yaxis_title=None)
    lowest, highest = rows.iloc[0], rows.iloc[-1]
    period = period_label(rows.iloc[0])
    alt = (f"Employment rate by local authority, {period}: lowest {lowest.geography_name} {lowest.value:.1f}%, "
           f"highest {highest.geography_name} {highest.value:.1f}%.")
    parts = [f"<h2 id='la'>Employment rate by local authority ({esc(period)})</h2>", figure(bar, alt, height=520)]
    if boundaries:
        areas = [(r.geography_code, r.geography_name, boundaries[r.geography_code], r.value)
                 for r in rows.itertuples() if r.geography_code in boundaries]
        fig = polygon_map(areas, "%", classes=5, fmt=lambda v: f"{v:.1f}", edges=0)
        parts.append(figure(fig, "Map of the 17 EMCCA local authorities shaded by employment rate in five classes. "
                            + alt, div_id="la-map", height=560))
    table = "".join(f"<tr><td>{esc(r.geography_name)}</td><td>{esc(r.geography_code)}</td>"
                    f"<td class=num>{r.value:.1f}%</td><td class=num>{fmt(r.lci_95, '%')} to {fmt(r.uci_95, '%')}</td>"
                    f"<td>{esc(r.rag_status)}</td></tr>" for r in rows.itertuples())
    parts.append(f"<details><summary>Table of local-authority figures</summary><table><caption>Employment rate "
                 f"16-64 by local authority</caption><thead><tr><th scope=col>Local authority</th><th scope=col>Code"
                 f"</th><th scope=col>Rate</th><th scope=col>95% CI</th><th scope=col>RAG</th></tr></thead>"
                 f"<tbody>{table}</tbody></table></details>")
    return "".join(parts)


def la_boundaries(conn) -> dict | None:
    """LA shapes as MultiPolygons of their LSOAs' outer rings (drawn without edges, they read as the LA)."""
    rows = conn.execute("select lad_code, geometry_geojson from raw.lsoa21_boundaries").fetchall()
    polys: dict[str, list] = {}
    for lad, geom in rows:
        g = json.loads(geom)
        polys.setdefault(lad, []).extend(g["coordinates"] if g["type"] == "MultiPolygon" else [g["coordinates"]])
    return {lad: {"type": "MultiPolygon", "coordinates": p} for lad, p in polys.items()} or None


RAG_RULE = ("RAG rule: green when the target is met, or the value has moved from the Plan's baseline in the better "
            "direction and the baseline lies outside the value's 95% confidence interval; amber when the baseline "
            "lies inside the CI (a change inside the CI is not a change) or, without a CI, the change is under 1% "
            "of the baseline; red when it has moved the worse way beyond that. Not rated: no baseline, partial "
            "coverage, a lower bound, or a measure the Plan's baseline does not share (including a Plan figure "
            "that matches none of this series' values around the baseline year). Where the Plan gives no "
            "baseline, a geography's own value in the baseline year is used.")


def build(conn) -> tuple[str, str]:
    data = load(conn)
    cards = "".join(card(d, data["facts"]) for d in data["dims"].itertuples())
    body = (f"<p>Get East Midlands Working Plan (2025-2035), Table 8.1 indicators for the East Midlands Combined "
            f"County Authority. {RAG_RULE}</p><section aria-label='Indicator cards'><div class='cards'>{cards}"
            f"</div></section>{la_section(data, la_boundaries(conn))}")
    return "Indicator tracker", body
