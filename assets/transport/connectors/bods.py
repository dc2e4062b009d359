"""Bus Open Data Service (DfT) GTFS timetables: conditional downloads stored by feed version.

BODS publishes regional GTFS zips (e.g. https://data.bus-data.dft.gov.uk/timetable/download/gtfs-file/
east_midlands/), regenerated daily. A download sends If-None-Match / If-Modified-Since from the last
good fetch: 304 means nothing new; 200 stores the zip as <sha256[:12]>.zip so every network snapshot
stays reproducible. An API key (BODS_API_KEY) is sent when set, as the API's `api_key` parameter."""

import hashlib
from dataclasses import dataclass
from pathlib import Path

import requests

from assets.platform.http import FeedError, get

EAST_MIDLANDS_GTFS = "https://data.bus-data.dft.gov.uk/timetable/download/gtfs-file/east_midlands/"


@dataclass(frozen=True)
class Download:
    feed: str
    url: str
    status: str  # "new", "unchanged"
    path: Path | None
    sha256: str | None
    etag: str | None
    last_modified: str | None


class NotAZip(FeedError):
    """The server answered, but with something that is not a GTFS zip (an error page, a truncated file)."""


def fetch(
    session: requests.Session,
    feed: str,
    url: str,
    folder: Path,
    etag: str | None = None,
    last_modified: str | None = None,
    api_key: str | None = None,
) -> Download:
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    params = {"api_key": api_key} if api_key else None
    resp = get(session, f"BODS {feed}", url, headers=headers, params=params)
    if resp.status_code == 304:
        return Download(feed, url, "unchanged", None, None, etag, last_modified)
    content = resp.content
    if not content.startswith(b"PK"):
        raise NotAZip(f"BODS {feed}: {url} did not return a zip (got {content[:40]!r})")
    sha = hashlib.sha256(content).hexdigest()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{feed}-{sha[:12]}.zip"
    if not path.exists():
        tmp = path.with_suffix(".part")
        tmp.write_bytes(content)
        tmp.replace(path)
    return Download(feed, url, "new", path, sha, resp.headers.get("ETag"), resp.headers.get("Last-Modified"))
