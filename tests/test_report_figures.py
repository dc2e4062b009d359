"""The pages draw the large maps from plain plotly data (reports/page.figure skips plotly's validation):
such a figure must reach the page exactly as the same figure built from graph objects would."""

import json
import re

import plotly.graph_objects as go

from reports.maps import filled, polygon_map, ring_xy
from reports.page import figure

SQUARE = {"type": "Polygon", "coordinates": [[[-1.2, 52.9], [-1.1, 52.9], [-1.1, 53.0], [-1.2, 53.0], [-1.2, 52.9]]]}
TWO = {
    "type": "MultiPolygon",
    "coordinates": [SQUARE["coordinates"], [[[-1.0, 52.8], [-0.9, 52.8], [-0.9, 52.85], [-1.0, 52.8]]]],
}


def _plotted(html: str) -> tuple[list, dict]:
    m = re.search(r"Plotly\.newPlot\(\s*\"[^\"]+\",\s*(\[.*?\]),\s*(\{.*?\}),\s*\{", html, re.S)
    return json.loads(m.group(1)), json.loads(m.group(2))


def test_a_plain_data_figure_reaches_the_page_as_its_graph_objects_twin():
    xs, ys, lengths = ring_xy(TWO)
    assert lengths == [6, 5] and xs[5] is None and xs[-1] is None  # each ring closed by a gap
    trace = filled(xs, ys, "#440154", 0.3, name="two squares", hoverinfo="text", text="area")
    layout = {"xaxis": {"visible": False}, "hovermode": "closest"}
    plain = figure({"data": [trace], "layout": layout}, "a map", div_id="m", height=300)
    objects = figure(
        go.Figure(data=[go.Scatter(**{k: v for k, v in trace.items() if k != "type"})], layout=layout),
        "a map",
        div_id="m",
        height=300,
    )
    assert _plotted(plain) == _plotted(objects)  # the same data and the same styled layout, template included
    assert "template" in _plotted(plain)[1]


def test_the_polygon_map_puts_each_area_in_its_value_class():
    areas = [("A", "Area A", SQUARE, 70.0), ("B", "Area B", TWO, 80.0)]
    fig = polygon_map(areas, "%", classes=2, fmt=lambda v: f"{v:.0f}")
    names = [t["name"] for t in fig["data"]]
    assert names == ["70 to 75 %", "75 to 80 %"]
    assert fig["data"][0]["text"][0] == "Area A: 70 %" and len(fig["data"][1]["x"]) == 11  # B's two rings
    assert fig["layout"]["yaxis"]["scaleratio"] > 1  # a degree of longitude is shorter than one of latitude


def test_a_figure_without_a_name_is_built_the_same_each_time_and_apart_from_other_captions():
    trace = {"type": "scatter", "x": [1, 2], "y": [3, 4]}
    first, again = (figure({"data": [trace]}, "Trend of A for B") for _ in range(2))
    other = figure({"data": [trace]}, "Trend of A for C")
    ids = [re.search(r'<div id="([^"]+)"', page).group(1) for page in (first, again, other)]
    assert first == again and ids[0] == ids[1] != ids[2]
