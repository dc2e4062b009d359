"""The reach map: jobs reachable within 45 minutes by public transport from each LSOA."""

import json

import plotly.graph_objects as go

from reports.page import esc, figure


def _exists(conn, table: str) -> bool:
    return conn.execute("select count(*) from information_schema.tables where table_schema = 'published' "
                        "and table_name = ?", [table]).fetchone()[0] > 0


def build(conn) -> tuple[str, str]:
    if not _exists(conn, "fct_job_reach_by_lsoa"):
        return "Reach map", ("<p>No travel-time matrix has been published yet, so reach cannot be shown. The "
                             "transport assets (GTFS timetables and the travel-time engine) have not produced "
                             "<code>published.fct_job_reach_by_lsoa</code> in this warehouse.</p>")
    reach = conn.execute("select * from published.fct_job_reach_by_lsoa").df()
    groups = [c for c in reach.columns if c.startswith("jobs_45min")]
    shapes = conn.execute("select lsoa21cd, geometry_geojson from raw.lsoa21_boundaries").fetchall()
    geojson = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code": code}, "geometry": json.loads(geom)} for code, geom in shapes]}
    fig = go.Figure()
    for i, col in enumerate(groups):
        label = "all occupations" if col == "jobs_45min" else col.removeprefix("jobs_45min_")
        fig.add_trace(go.Choropleth(geojson=geojson, featureidkey="properties.code", locations=reach.lsoa21cd,
                                    z=reach[col], colorscale="Viridis", marker_line_width=0, visible=i == 0,
                                    name=label, colorbar={"title": "adverts"},
                                    hovertemplate="%{location}: %{z} adverts<extra></extra>"))
    buttons = [{"label": ("all occupations" if c == "jobs_45min" else c.removeprefix("jobs_45min_")),
                "method": "update", "args": [{"visible": [j == i for j in range(len(groups))]}]}
               for i, c in enumerate(groups)]
    fig.update_layout(updatemenus=[{"buttons": buttons, "x": 0, "y": 1.08, "xanchor": "left"}])
    fig.update_geos(fitbounds="locations", visible=False)
    network = reach.network_version.iloc[0] if "network_version" in reach else ""
    synthetic = bool(reach.get("synthetic_network", [False])[0]) if len(reach) else False
    q = reach.jobs_45min.quantile([0.1, 0.5, 0.9]).round(0).tolist()
    alt = (f"Map of {len(reach):,} EMCCA neighbourhoods (LSOAs) shaded by live job adverts reachable within 45 "
           f"minutes by public transport: 10th percentile {q[0]:.0f}, median {q[1]:.0f}, 90th percentile {q[2]:.0f}.")
    note = ("<p class='synthetic'><strong>Synthetic network.</strong> The travel times behind this map come from a "
            "stand-in bus network generated from real LSOA centroids and town centres, not from real timetables "
            "(no East Midlands GTFS feed is available offline). Use it to check the pipeline, not to plan.</p>"
            if synthetic else "")
    return "Reach map", (f"{note}<p>Network version {esc(network)}. Occupation group selector above the map.</p>"
                         + figure(fig, alt, div_id="reach-map", height=640))
