"""The reach map: live job adverts reachable within 45 minutes by public transport from each LSOA,
with a selector for occupation groups. One polygon trace per LSOA, recoloured by the selector; fixed
classes so the legend holds for every group (and names each class in words)."""

import json

import numpy as np

from assets.platform.warehouse import table_exists
from reports.maps import PALETTE, _rings, filled, ring_points, ring_xy
from reports.page import esc, figure

CLASSES = [(0, 0, "0"), (1, 4, "1-4"), (5, 9, "5-9"), (10, 24, "10-24"), (25, 49, "25-49"), (50, None, "50+")]
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


def _coverage(conn) -> str:
    """What the advert feed covers, stated on the map: grey means no advert in this feed, not no jobs."""
    if not table_exists(conn, "published.fct_job_ads"):
        return ""
    sources = conn.execute(
        "select source, count(*) from published.fct_job_ads where is_live group by 1 order by 1"
    ).fetchall()
    total = sum(n for _, n in sources)
    named = ", ".join(f"{s} ({n:,})" for s, n in sources) or "none"
    only_public = bool(sources) and all(s == "notts_public_sector" for s, _ in sources)
    scope = (
        " These cover only Nottinghamshire's public sector (councils, NHS trusts, VCSE employers), so most "
        "of EMCCA shows few or none: a grey area means no advert in this feed within reach, not no jobs."
        if only_public
        else ""
    )
    return f"<p class='synthetic'><strong>Coverage.</strong> {total:,} live adverts: {esc(named)}.{scope}</p>"


def _la_outlines(conn) -> list[dict]:
    """Local-authority boundaries (LSOA ring edges that only one of the LA's LSOAs has) and names at the
    LA's centre of population, drawn over the LSOA fills."""
    rows = conn.execute(
        "select la_code, la_name, pwc_lon, pwc_lat, geometry_geojson from published.dim_lsoa21 "
        "where geometry_geojson is not null"
    ).fetchall()
    edges: dict[str, dict] = {}
    centres: dict[str, list] = {}
    for lad, name, lon, lat, geom in rows:
        centres.setdefault((lad, name), []).append((lon, lat))
        count = edges.setdefault(lad, {})
        for ring in _rings(json.loads(geom)):
            pts = ring_points(ring)
            for a, b in zip(pts, pts[1:]):
                if a != b:
                    key = (a, b) if a < b else (b, a)
                    count[key] = count.get(key, 0) + 1
    xs, ys = [], []
    for count in edges.values():
        for (a, b), k in count.items():
            if k == 1:
                xs += [a[0], b[0], None]
                ys += [a[1], b[1], None]
    outline = {
        "type": "scatter",
        "x": xs,
        "y": ys,
        "mode": "lines",
        "line": {"color": "#0b0c0c", "width": 1.1},
        "hoverinfo": "skip",
        "showlegend": False,
        "name": "Local authority boundaries",
    }
    labels = [
        (name, float(np.mean([p[0] for p in pts])), float(np.mean([p[1] for p in pts])))
        for (_, name), pts in centres.items()
    ]
    names = {
        "type": "scatter",
        "x": [x for _, x, _ in labels],
        "y": [y for _, _, y in labels],
        "mode": "text",
        "text": [n for n, _, _ in labels],
        "textfont": {"size": 11, "color": "#0b0c0c"},
        "hoverinfo": "skip",
        "showlegend": False,
        "name": "Local authority names",
    }
    return [outline, names]


def build(conn) -> tuple[str, str]:
    if not table_exists(conn, "published.fct_job_reach_by_lsoa"):
        return "Reach map", ("<p>No travel-time matrix has been published yet, so reach cannot be shown.</p>")
    reach = conn.execute("select * from published.fct_job_reach_by_lsoa order by lsoa21cd").df()
    shapes = dict(conn.execute("select lsoa21cd, geometry_geojson from published.dim_lsoa21").fetchall())
    reach = reach[reach.lsoa21cd.isin(shapes)]
    traces = []  # plain data: page.figure draws it without plotly's per-point validation
    first = "jobs_45min"
    for row in reach.itertuples():
        xs, ys, _ = ring_xy(json.loads(shapes[row.lsoa21cd]))
        traces.append(
            filled(
                xs,
                ys,
                COLOURS[_class(getattr(row, first))],
                0.3,
                showlegend=False,
                hoverinfo="text",
                hoveron="fills",
                text=f"{row.lsoa21nm} ({row.la_name}): {getattr(row, first)} adverts",
            )
        )
    for colour, (_, _, label) in zip(COLOURS, CLASSES):  # legend entries for the fixed classes
        traces.append(
            {
                "type": "scatter",
                "x": [None],
                "y": [None],
                "mode": "markers",
                "marker": {"size": 14, "color": colour, "symbol": "square"},
                "name": f"{label} adverts",
                "hoverinfo": "skip",
            }
        )
    n = len(reach)
    # the occupation-group selector is a native <select> (keyboard and screen-reader friendly) that
    # recolours the LSOA traces 0..n-1 with these precomputed colours and hover texts
    choices = {
        col: {
            "fillcolor": [COLOURS[_class(v)] for v in reach[col].to_numpy()],
            "text": [f"{nm} ({la}): {v} adverts" for nm, la, v in zip(reach.lsoa21nm, reach.la_name, reach[col])],
        }
        for col in GROUPS
    }
    lat_mid = 53.0
    fig = {
        "data": traces + _la_outlines(conn),
        "layout": {
            "legend": {"title": {"text": "Adverts within 45 min"}},
            "hovermode": "closest",
            "xaxis": {"visible": False},
            "yaxis": {"visible": False, "scaleanchor": "x", "scaleratio": float(1 / np.cos(np.radians(lat_mid)))},
        },
    }
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
        for la, g in reach.groupby("la_name")
    )
    options = "".join(f'<option value="{esc(c)}">{esc(label)}</option>' for c, label in GROUPS.items())
    script = (
        "<script>const REACH = "
        + json.dumps(choices, separators=(",", ":")).replace("</", "<\\/")
        + f";const N = {n};"
        + "document.getElementById('reach-group').addEventListener('change', (e) => {"
        "const c = REACH[e.target.value];"
        "Plotly.restyle('reach-map', {fillcolor: c.fillcolor, text: c.text}, [...Array(N).keys()]);});</script>"
    )
    return "Reach map", (
        f"{note}{_coverage(conn)}<p>Adverts without a postcode are placed at their local authority's centre. "
        f"Network version {esc(network)}.</p>"
        f"<p><label for='reach-group'>Occupation group</label> <select id='reach-group'>{options}</select></p>"
        + figure(fig, alt, div_id="reach-map", height=720)
        + script
        + "<details><summary>Table by local authority</summary><table><thead><tr><th scope=col>Local authority"
        "</th><th scope=col>Median adverts within 45 min</th><th scope=col>Neighbourhoods reaching any</th></tr>"
        f"</thead><tbody>{table}</tbody></table></details>"
    )
