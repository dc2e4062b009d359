"""HTTP sessions for every live feed: bounded retries with exponential backoff on 429/5xx that honour
Retry-After, timeouts, and errors that name the feed, never the secret."""

import re

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

RETRY_STATUSES = (429, 500, 502, 503, 504)
_SECRET_PARAMS = re.compile(r"((?:app_key|app_id|uid|api_key|key|token)=)[^&\s]+", re.IGNORECASE)


class FeedError(RuntimeError):
    """A live feed failed: the message names the feed and what went wrong."""


def redact(text: str) -> str:
    return _SECRET_PARAMS.sub(r"\1***", text)


def make_session(
    retries: int = 4, backoff: float = 1.0, max_backoff: float = 60.0, timeout: float = 60.0, retry_post: bool = False
) -> requests.Session:
    """`timeout` bounds each attempt (connect and each read); a hung server fails after about
    (retries + 1) x timeout plus the backoff, never blocks a run. `retry_post` for APIs whose POST only
    reads (Stat-Xplore's /table query), so repeating it is safe."""
    retry = Retry(
        total=retries,
        connect=retries,
        read=retries,
        status=retries,
        backoff_factor=backoff,
        backoff_max=max_backoff,
        status_forcelist=RETRY_STATUSES,
        allowed_methods=frozenset({"GET", "HEAD", *(["POST"] if retry_post else [])}),
        respect_retry_after_header=True,
        raise_on_status=False,
    )
    session = requests.Session()
    adapter = HTTPAdapter(max_retries=retry)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers["User-Agent"] = "emcca-opportunity-escalator/0.1 (+data platform)"
    session.escalator_timeout = timeout  # read by get(): one place sets every request's timeout
    return session


def get(session: requests.Session, feed: str, url: str, *, timeout: float | None = None, **kwargs) -> requests.Response:
    """GET with the session's retries; raise FeedError (secrets redacted) on a final failure."""
    timeout = timeout or getattr(session, "escalator_timeout", 60.0)
    try:
        resp = session.get(url, timeout=timeout, **kwargs)
    except requests.RequestException as exc:
        raise FeedError(f"{feed}: request failed: {redact(str(exc))}") from None
    if resp.status_code >= 400:
        body = redact(resp.text[:300].strip())
        raise FeedError(f"{feed}: HTTP {resp.status_code} from {redact(resp.url)}: {body}")
    return resp
