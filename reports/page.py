"""The HTML shell every report shares: offline plotly.js (shipped beside the pages), accessible structure
(lang, skip link, landmarks, visible focus, text alternatives for charts), and the data-status strip."""

import hashlib
import html
import re
from functools import cache
from pathlib import Path

import jinja2
import plotly.graph_objects as go
import plotly.io as pio
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
*,*::before,*::after{box-sizing:border-box}
body{font-family:Arial,Helvetica,sans-serif;margin:0;color:#0b0c0c;background:#fff;line-height:1.45;overflow-wrap:anywhere}
a{color:#1d4f91}a:visited{color:#4c2c92}
a:focus,button:focus,input:focus,select:focus,summary:focus,[tabindex]:focus{outline:3px solid #ffdd00;
outline-offset:0;box-shadow:0 4px #0b0c0c}
.skip{position:absolute;left:-999px}.skip:focus{left:8px;top:8px;background:#ffdd00;color:#0b0c0c;padding:6px;z-index:9}
.site-header{background:#0b0c0c;color:#fff;border-bottom:10px solid #1d70b8}
.site-header__inner{padding:10px 24px 4px}.site-header__name{color:#fff;font-weight:bold;font-size:1.25rem;
text-decoration:none;margin-right:12px}.site-header__service{color:#fff;font-size:1rem}
.site-nav ul{list-style:none;margin:0;padding:4px 24px 10px;display:flex;flex-wrap:wrap;gap:4px 20px}
.site-nav a{color:#fff;font-weight:bold}.site-nav a[aria-current=page]{text-decoration:underline 3px}
.phase-banner{padding:8px 24px;border-bottom:1px solid #b1b4b6;font-size:.9rem}
.tag{display:inline-block;background:#1d70b8;color:#fff;padding:2px 8px;margin-right:8px;font-size:.85rem;
text-transform:uppercase;letter-spacing:.5px}
main{padding:16px 24px;max-width:1280px}h1{font-size:1.9rem;margin:.4em 0}h2{font-size:1.4rem;margin-top:1.6em}
h3{font-size:1.1rem}
.site-footer{border-top:1px solid #b1b4b6;background:#f3f2f1;padding:16px 24px;font-size:.9rem;margin-top:32px}
.site-footer__links{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:4px 20px}
.status{display:flex;flex-wrap:wrap;gap:8px 24px;background:#f3f2f1;border-left:6px solid #505050;
padding:10px 16px;margin:12px 0}.status.failed{border-left-color:#b00020;background:#fbe9ea}
.status.ok{border-left-color:#006d2c}.status.stale{border-left-color:#b35c00;background:#fff4e5}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(330px,100%),1fr));gap:16px}
.card{border:1px solid #b1b4b6;border-radius:4px;padding:12px;min-width:0}.card h3{font-size:1.05rem;margin:0 0 6px}
.value{font-size:1.9rem;font-weight:bold}.rag{display:inline-block;padding:2px 8px;border-radius:3px;color:#fff;
font-weight:bold}.muted{color:#505a5f}.small{font-size:.88rem}
.table-scroll{overflow-x:auto;max-width:100%}table{border-collapse:collapse;margin:8px 0}
caption{text-align:left;font-weight:bold;padding:4px 0}
th,td{border-bottom:1px solid #b1b4b6;padding:4px 10px;text-align:left;vertical-align:top}
th{background:#f3f2f1}td.num{text-align:right}.fail{color:#b00020;font-weight:bold}.pass{color:#006d2c;font-weight:bold}
dl.summary-list{display:grid;grid-template-columns:minmax(8em,max-content) 1fr;gap:4px 16px}
dl.summary-list dt{font-weight:bold}dl.summary-list dd{margin:0}
figure{margin:8px 0;max-width:100%}figcaption{font-size:.9rem;color:#505a5f}
.synthetic{background:#fff7e6;border:1px solid #8a5300;padding:8px}
button.result{display:block;margin:2px 0;padding:4px 8px;background:#f3f2f1;border:1px solid #b1b4b6;cursor:pointer;
text-align:left;width:100%;max-width:640px;color:#0b0c0c;font-size:1rem}
button.pick{margin:2px 4px 2px 0;padding:2px 8px;background:#f3f2f1;border:1px solid #b1b4b6;cursor:pointer;color:#0b0c0c}
input,select{font-size:1rem;padding:4px;border:2px solid #0b0c0c;max-width:100%}
label{font-weight:bold}
ol.steps{padding-left:1.4em;max-width:880px}li.step{margin:0 0 12px;padding:8px 12px;border-left:4px solid #1d70b8;
background:#f8f8f8;overflow-wrap:anywhere}li.step h4{margin:0 0 4px;font-size:1.05rem}li.step p{margin:2px 0}
li.step .tag{font-size:.75rem;margin-left:6px}li.step .figures{font-weight:bold}
@media (max-width:640px){main{padding:12px}.site-header__inner,.site-nav ul,.phase-banner,.site-footer{padding-left:12px;
padding-right:12px}h1{font-size:1.5rem}}
"""


PLOTLY_FILE = "plotly.min.js"  # shipped beside the pages (one copy, no CDN): pages work from file:// offline


@cache
def plotly_js() -> str:
    return plotly.offline.get_plotlyjs()


@cache
def default_template() -> dict:
    return pio.templates[pio.templates.default].to_plotly_json()


def esc(value) -> str:
    return html.escape("" if value is None else str(value))


def figure(fig: go.Figure | dict, alt: str, div_id: str | None = None, height: int | None = None) -> str:
    """A chart with its text alternative: aria-label on the figure and a visible caption. `fig` may be plain
    data ({"data": [...], "layout": {...}}, as the maps are built): plotly's per-point validation of graph
    objects made the pages' build ~50% slower (3.1 s vs 2.0 s) for maps of ~1,400 polygons."""
    style = {
        "font": {"family": "Arial", "size": 13, "color": "#0b0c0c"},
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "margin": {"l": 50, "r": 20, "t": 30, "b": 40},
        **({"height": height} if height else {}),
    }
    options = {
        "full_html": False,
        "include_plotlyjs": False,
        # plotly names an unnamed figure's div with a random uuid: named from its caption (unique on a page:
        # it states the chart's subject and values), the same data build the same page
        "div_id": div_id or "fig-" + hashlib.sha1(alt.encode()).hexdigest()[:12],
        "config": {"displaylogo": False, "responsive": True, "displayModeBar": False},
    }
    if isinstance(fig, dict):  # the default template a graph-objects figure carries, for the same look
        layout = {"template": default_template(), **fig.get("layout", {}), **style}
        body = pio.to_html({**fig, "layout": layout}, validate=False, **options)
    else:
        fig.update_layout(**style)
        body = fig.to_html(**options)
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


_TEMPLATES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).with_name("templates")),
    autoescape=jinja2.select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


def page(
    filename: str,
    title: str,
    body: str,
    status: dict,
    with_plotly: bool = True,
    scripts: str = "",
    contact_email: str | None = None,
) -> str:
    """A report page in the shared layout (templates/base.html: GOV.UK-style header, navigation, phase
    banner, footer with licence, accessibility statement and contact). `body` is trusted HTML built by the
    page modules, which escape every value they insert."""
    # every table scrolls on its own on a small screen (keyboard-reachable), instead of widening the page
    body = re.sub(r"(<table\b.*?</table>)", r'<div class="table-scroll" tabindex="0">\1</div>', body, flags=re.S)
    return _TEMPLATES.get_template("base.html").render(
        title=title,
        css=CSS,
        with_plotly=with_plotly,
        plotly_file=PLOTLY_FILE,
        pages=PAGES,
        current=filename,
        status_strip=status_strip(status),
        body=body,
        scripts=scripts,
        contact_email=contact_email,
    )


def accessibility_statement(contact_email: str | None = None) -> str:
    return _TEMPLATES.get_template("accessibility.html").render(contact_email=contact_email)
