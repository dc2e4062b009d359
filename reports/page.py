"""The HTML shell every report shares: offline plotly.js (shipped beside the pages), accessible structure
(lang, skip link, landmarks, visible focus, text alternatives for charts), and the data-status strip."""

import html
from functools import cache

import plotly.graph_objects as go
import plotly.offline

PAGES = [
    ("index.html", "Overview"),
    ("tracker.html", "Indicator tracker"),
    ("explorer.html", "Escalator explorer"),
    ("reach.html", "Reach map"),
    ("quality.html", "Data quality"),
]
# Okabe-Ito colours for colour-blind readers; RAG status is always written out, never colour alone
COLOURS = {
    "green": "#006d2c",
    "amber": "#8a5300",
    "red": "#b00020",
    "grey": "#505050",
    "blue": "#0b5cad",
    "orange": "#c85200",
    "sky": "#56b4e9",
}
CSS = """
body{font-family:Arial,Helvetica,sans-serif;margin:0;color:#0b0c0c;background:#fff;line-height:1.45}
a{color:#1d4f91}a:focus,button:focus,input:focus,select:focus{outline:3px solid #ffbf47;outline-offset:0}
.skip{position:absolute;left:-999px}.skip:focus{left:8px;top:8px;background:#ffbf47;padding:6px;z-index:9}
header{background:#0b0c0c;color:#fff;padding:12px 24px}header a{color:#fff;margin-right:18px}
main{padding:16px 24px;max-width:1280px}h1{font-size:1.8rem;margin:.4em 0}h2{font-size:1.35rem;margin-top:1.6em}
.status{display:flex;flex-wrap:wrap;gap:8px 24px;background:#f3f2f1;border-left:6px solid #505050;
        padding:10px 16px;margin:12px 0}.status.failed{border-left-color:#b00020;background:#fbe9ea}
.status.ok{border-left-color:#006d2c}.status.stale{border-left-color:#b35c00;background:#fff4e5}.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(330px,1fr));gap:16px}
.card{border:1px solid #b1b4b6;border-radius:4px;padding:12px}.card h3{font-size:1.05rem;margin:0 0 6px}
.value{font-size:1.9rem;font-weight:bold}.rag{display:inline-block;padding:2px 8px;border-radius:3px;color:#fff;
font-weight:bold}.muted{color:#505a5f}.small{font-size:.88rem}table{border-collapse:collapse;margin:8px 0}
th,td{border-bottom:1px solid #b1b4b6;padding:4px 10px;text-align:left;vertical-align:top}
th{background:#f3f2f1}td.num{text-align:right}.fail{color:#b00020;font-weight:bold}.pass{color:#006d2c;font-weight:bold}
figure{margin:8px 0}figcaption{font-size:.9rem;color:#505a5f}.synthetic{background:#fff7e6;border:1px solid #8a5300;padding:8px}
button.result{display:block;margin:2px 0;padding:4px 8px;background:#f3f2f1;border:1px solid #b1b4b6;cursor:pointer;
text-align:left;width:100%;max-width:640px}
button.pick{margin:2px 4px 2px 0;padding:2px 8px;background:#f3f2f1;border:1px solid #b1b4b6;cursor:pointer}
"""


PLOTLY_FILE = "plotly.min.js"  # shipped beside the pages (one copy, no CDN): pages work from file:// offline


@cache
def plotly_js() -> str:
    return plotly.offline.get_plotlyjs()


def esc(value) -> str:
    return html.escape("" if value is None else str(value))


def figure(fig: go.Figure, alt: str, div_id: str | None = None, height: int | None = None) -> str:
    """A chart with its text alternative: aria-label on the figure and a visible caption."""
    fig.update_layout(
        font={"family": "Arial", "size": 13, "color": "#0b0c0c"},
        paper_bgcolor="white",
        plot_bgcolor="white",
        margin={"l": 50, "r": 20, "t": 30, "b": 40},
        **({"height": height} if height else {}),
    )
    body = fig.to_html(
        full_html=False, include_plotlyjs=False, div_id=div_id, config={"displaylogo": False, "responsive": True}
    )
    return f'<figure role="group" aria-label="{esc(alt)}">{body}<figcaption>{esc(alt)}</figcaption></figure>'


def status_strip(status: dict) -> str:
    cls = "failed" if status.get("failed") else "stale" if status.get("stale") else "ok"
    items = [
        f"<span><strong>Last refresh:</strong> {esc(status.get('last_refresh', 'never'))}</span>",
        f"<span><strong>Published version:</strong> {esc(status.get('publication', 'none yet'))}</span>",
        f"<span><strong>Checks:</strong> {esc(status.get('checks', 'not run'))}</span>",
        f"<span><strong>Feeds:</strong> {esc(status.get('freshness', ''))}</span>",
    ]
    if status.get("failed"):
        items.insert(
            0,
            f"<span class='fail' role='alert'>The latest refresh failed ({esc(status['failed'])}). "
            "The figures below are the last good publication, unchanged.</span>",
        )
    elif status.get("stale"):
        items.insert(
            0,
            f"<span class='fail'>Out of date: {esc(', '.join(status['stale']))} "
            "not updated within the feed's usual cadence.</span>",
        )
    return f'<section class="status {cls}" aria-label="Data status">{"".join(items)}</section>'


def page(filename: str, title: str, body: str, status: dict, with_plotly: bool = True, scripts: str = "") -> str:
    nav = "".join(f'<a href="{f}"{" aria-current=page" if f == filename else ""}>{esc(t)}</a>' for f, t in PAGES)
    js = f'<script src="{PLOTLY_FILE}"></script>' if with_plotly else ""
    return f"""<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>{esc(title)} - Get East Midlands Working</title><style>{CSS}</style>{js}</head>
<body><a class="skip" href="#main">Skip to main content</a>
<header><nav aria-label="Reports">{nav}</nav></header>
<main id="main"><h1>{esc(title)}</h1>{status_strip(status)}{body}
<p class="muted small">East Midlands Combined County Authority - Opportunity Escalator data platform. Sources and
licences: data/README.md. Contains ONS, DWP, O*NET and OS data; Crown copyright and database right.</p>
</main>{scripts}</body></html>"""
