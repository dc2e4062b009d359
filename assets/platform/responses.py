"""What every live feed checks in a 200 answer before trusting it: an error page served as data (HTML
with status 200), an empty body, a CSV cut off part way, a JSON document cut off or replaced. Each
fails loudly naming the feed, so the step fails and the warehouse keeps the previous release."""

import csv
import io
import json
from typing import Any

import requests

from assets.platform.http import FeedError, redact


def _looks_like_html(resp: requests.Response, text: str) -> bool:
    return "html" in resp.headers.get("Content-Type", "").lower() or text.lstrip()[:15].lower().startswith(
        ("<!doctype html", "<html")
    )


def csv_text(feed: str, resp: requests.Response, encoding: str = "utf-8-sig") -> str:
    """The body of a CSV answer, after checking it is a complete CSV: every record has the header's
    number of fields (a body cut part way leaves a short last record or an open quote)."""
    try:
        text = resp.content.decode(encoding)
    except UnicodeDecodeError as exc:
        raise FeedError(f"{feed}: the CSV is not {encoding} ({exc.reason} at byte {exc.start})") from None
    if _looks_like_html(resp, text):
        raise FeedError(f"{feed}: expected CSV, got an HTML page (status {resp.status_code}): {_snippet(text)}")
    if not text.strip():
        raise FeedError(f"{feed}: empty response")
    rows = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        width = len(next(rows))
        for record in rows:
            if record and len(record) != width:
                raise FeedError(
                    f"{feed}: record {rows.line_num} has {len(record)} of the header's {width} fields "
                    "(the response was cut off or is malformed)"
                )
    except csv.Error as exc:
        raise FeedError(f"{feed}: malformed CSV at line {rows.line_num} ({exc}); the response was cut off?") from None
    return text


def json_doc(feed: str, resp: requests.Response) -> Any:
    """The parsed body of a JSON answer; an HTML page or a truncated document fails naming the feed."""
    text = resp.text
    if _looks_like_html(resp, text):
        raise FeedError(f"{feed}: expected JSON, got an HTML page (status {resp.status_code}): {_snippet(text)}")
    try:
        return json.loads(text)
    except ValueError as exc:
        raise FeedError(f"{feed}: the JSON is incomplete or invalid ({exc}): {_snippet(text)}") from None


def _snippet(text: str) -> str:
    return redact(" ".join(text.split())[:120])
