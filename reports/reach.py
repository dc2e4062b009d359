"""The reach map: live job adverts reachable within 45 minutes by public transport from each LSOA,
with a selector for occupation groups. One polygon trace per LSOA, recoloured by the selector; fixed
classes so the legend holds for every group (and names each class in words)."""

import json

import numpy as np
import plotly.graph_objects as go

from assets.platform.warehouse import table_exists
from reports.maps import PALETTE, _rings
from reports.page import esc, figure

CLASSES = [(0, 0, "none"), (1, 4, "1-4"), (5, 9, "5-9"), (10, 24, "10-24"), (25, 49, "25-49"), (50, None, "50+")]
COLOURS = ["#e8e8e8", *PALETTE[:5]]
GROUPS = {
    "jobs_45min": "All occupations",
    "jobs_45min_early_shift": "All occupations, early shift (05:00-07:00)",
    "jobs_45min_soc1": "1 Managers, directors and senior officials",
    "jobs_45min_soc2": "2 Professional",
    "jobs_45min_soc3": "3 Associate professional and technical",
    "jobs_45min_soc4": "4 Administrative and secretarial",
    "jobs_45min_soc5": "5 Skilled trades",
    "jobs_45min_soc6": "6 Caring, leisure and other service",
    "jobs_45min_soc7": "7 Sales and customer service",
    "jobs_45min_soc8": "8 Process, plant and machine operatives",
    "jobs_45min_soc9": "9 Elementary",
}


def _class(v: float) -> int:
    for k, (lo, hi, _) in enumerate(CLASSES):
        if v >= lo and (hi is None or v <= hi):
            return k
    return 0


def build(conn) -> tuple[str, str]:
    if not table_exists(conn, "published.fct_job_reach_by_lsoa"):
        return "Reach map", ("<p>No travel-time matrix has been published yet, so reach cannot be shown.</p>")
    reach = conn.execute("select * from published.fct_job_reach_by_lsoa order by lsoa21cd").df()
    shapes = dict(conn.execute("select lsoa21cd, geometry_geojson from published.dim_lsoa21").fetchall())
    reach = reach[reach.lsoa21cd.isin(shapes)]
    fig = go.Figure()
    first = "jobs_45min"
    for row in reach.itertuples():
        xs, ys = [], []
        for ring in _rings(json.loads(shapes[row.lsoa21cd])):
            pts = [(round(p[0], 4), round(p[1], 4)) for p in ring]
            pts = [p for i, p in enumerate(pts) if i == 0 or p != pts[i - 1]]
            xs += [p[0] for p in pts] + [None]
            ys += [p[1] for p in pts] + [None]
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                fill="toself",
                mode="lines",
                line={"color": "white", "width": 0.3},
                fillcolor=COLOURS[_class(getattr(row, first))],
                showlegend=False,
                hoverinfo="text",
                hoveron="fills",
                text=f"{row.lsoa21nm} ({row.lad_name}): {getattr(row, first)} adverts",
            )
        )
    for colour, (_, _, label) in zip(COLOURS, CLASSES):  # legend entries for the fixed classes
        fig.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode="markers",
                marker={"size": 14, "color": colour, "symbol": "square"},
                name=f"{label} adverts",
                hoverinfo="skip",
            )
        )
    n = len(reach)
    buttons = []
    for col, label in GROUPS.items():
        values = reach[col].to_numpy()
        buttons.append(
            {
                "label": label,
                "method": "restyle",
                "args": [
                    {
                        "fillcolor": [COLOURS[_class(v)] for v in values],
                        "text": [
                            f"{nm} ({la}): {v} adverts" for nm, la, v in zip(reach.lsoa21nm, reach.lad_name, values)
                        ],
                    },
                    list(range(n)),
                ],
            }
        )
    fig.update_layout(
        updatemenus=[
            {"buttons": buttons, "x": 0, "y": 1.06, "xanchor": "left", "yanchor": "bottom", "bgcolor": "white"}
        ],
        legend={"title": {"text": "Within 45 min"}},
        hovermode="closest",
    )
    lat_mid = 53.0
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False, scaleanchor="x", scaleratio=1 / np.cos(np.radians(lat_mid)))
    network = reach.network_version.iloc[0] if len(reach) else ""
    synthetic = bool(reach.synthetic_network.fillna(False).any())
    q = reach.jobs_45min.quantile([0.1, 0.5, 0.9]).round(0).tolist()
    share = (reach.jobs_45min > 0).mean()
    alt = (
        f"Map of {n:,} EMCCA neighbourhoods (LSOAs) shaded by live job adverts reachable within 45 minutes by "
        f"public transport, 07:00-10:00: {share:.0%} of neighbourhoods reach at least one; 10th percentile "
        f"{q[0]:.0f}, median {q[1]:.0f}, 90th percentile {q[2]:.0f} adverts."
    )
    note = (
        "<p class='synthetic'><strong>Synthetic network.</strong> These travel times come from a stand-in bus "
        "network generated from real LSOA centroids and local-authority centres, not from real timetables (no "
        "East Midlands GTFS feed is available offline). Use the map to check the pipeline, not to plan. "
        "Switch on the BODS feed to use real services.</p>"
        if synthetic
        else ""
    )
    table = "".join(
        f"<tr><td>{esc(la)}</td><td class=num>{g.jobs_45min.median():.0f}</td>"
        f"<td class=num>{(g.jobs_45min > 0).mean():.0%}</td></tr>"
        for la, g in reach.groupby("lad_name")
    )
    return "Reach map", (
        f"{note}<p>Adverts without a postcode are placed at their local authority's centre. Network version "
        f"{esc(network)}. Choose an occupation group with the menu above the map.</p>"
        + figure(fig, alt, div_id="reach-map", height=720)
        + "<details><summary>Table by local authority</summary><table><thead><tr><th scope=col>Local authority"
        "</th><th scope=col>Median adverts within 45 min</th><th scope=col>Neighbourhoods reaching any</th></tr>"
        f"</thead><tbody>{table}</tbody></table></details>"
    )
