"""Choropleths drawn as filled polygons on plain axes: plotly's geo maps fetch a world topojson from a CDN
even when hidden, which offline pages cannot do. Values are grouped into classes (quantiles), one trace
per class, so the legend names each class's range in words - readable without colour."""

import json
import math

import numpy as np

# sequential, colour-blind safe (viridis stops), dark enough to see against white
PALETTE = ["#fde725", "#7ad151", "#22a884", "#2a788e", "#414487", "#440154"]


def _rings(geometry) -> list:
    g = json.loads(geometry) if isinstance(geometry, str) else geometry
    polys = g["coordinates"] if g["type"] == "MultiPolygon" else [g["coordinates"]]
    return [poly[0] for poly in polys]  # outer rings: holes are rare at LSOA scale and hidden by neighbours


def ring_points(ring) -> list[tuple[float, float]]:
    """A ring at ~10 m precision with repeated points dropped: a third of the bytes, no visible change, and
    the same rounding everywhere so neighbouring areas share their edges exactly."""
    pts = [(round(p[0], 4), round(p[1], 4)) for p in ring]
    return [p for i, p in enumerate(pts) if i == 0 or p != pts[i - 1]]


def ring_xy(geometry) -> tuple[list, list, list[int]]:
    """x and y of the geometry's outer rings, each ring closed by a gap (None), and each ring's length
    (with its gap): plotly draws them as one filled line trace."""
    xs, ys, lengths = [], [], []
    for ring in _rings(geometry):
        pts = ring_points(ring)
        xs += [p[0] for p in pts] + [None]
        ys += [p[1] for p in pts] + [None]
        lengths.append(len(pts) + 1)
    return xs, ys, lengths


def filled(xs: list, ys: list, colour: str, edges: float, **extra) -> dict:
    """A filled polygon trace as plain plotly data, white edges between neighbours."""
    return {
        "type": "scatter",
        "x": xs,
        "y": ys,
        "fill": "toself",
        "mode": "lines",
        "line": {"color": "white", "width": edges},
        "fillcolor": colour,
        **extra,
    }


def class_breaks(values: np.ndarray, classes: int) -> list[float]:
    qs = np.unique(np.nanquantile(values, np.linspace(0, 1, classes + 1)))
    return list(qs) if len(qs) > 1 else [qs[0], qs[0]]


def polygon_map(
    areas: list[tuple[str, str, object, float]],
    unit: str,
    classes: int = 5,
    fmt=lambda v: f"{v:,.0f}",
    edges: float = 0.4,
) -> dict:
    """areas: (code, name, geometry, value). One filled trace per value class; the figure as plain data
    (page.figure draws it without plotly's per-point validation)."""
    values = np.array([a[3] for a in areas], dtype=float)
    breaks = class_breaks(values, classes)
    n = len(breaks) - 1
    colours = PALETTE[:: max(1, len(PALETTE) // n)][:n] if n < len(PALETTE) else PALETTE
    traces = []
    lat_mid = 0.0
    for k in range(n):
        lo, hi = breaks[k], breaks[k + 1]
        members = [a for a in areas if (lo <= a[3] <= hi if k == n - 1 else lo <= a[3] < hi)]
        xs, ys, text = [], [], []
        for _code, name, geom, value in members:
            x, y, lengths = ring_xy(geom)
            xs += x
            ys += y
            text += [f"{name}: {fmt(value)} {unit}"] * sum(lengths)
            if lengths:  # the latitude of the last ring's first point sets the aspect ratio
                lat_mid = y[len(y) - lengths[-1]]
        traces.append(
            filled(
                xs,
                ys,
                colours[k],
                edges,
                name=f"{fmt(lo)} to {fmt(hi)} {unit}",
                text=text,
                hoverinfo="text",
                hoveron="fills+points",
            )
        )
    return {
        "data": traces,
        "layout": {
            "xaxis": {"visible": False},
            "yaxis": {"visible": False, "scaleanchor": "x", "scaleratio": 1 / math.cos(math.radians(lat_mid or 53))},
            "legend": {"title": {"text": unit}},
            "hovermode": "closest",
        },
    }
