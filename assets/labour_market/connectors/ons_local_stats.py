"""ONS Explore Local Statistics: one CSV and one JSON metadata file per dataset, published at
`<base>/<dataset>/<dataset>.csv|.json` (ONSdigital/explore-local-statistics-data). The embedded
file data/embedded/ons/emcca_local_indicators_long.csv is a snapshot of the same format."""

import io

import pandas as pd
import requests

from assets.platform.http import FeedError, get, make_session
from assets.platform.responses import csv_text, json_doc

BASE_URL = "https://raw.githubusercontent.com/ONSdigital/explore-local-statistics-data/main"
DATASETS = [
    "employment-rate",
    "claimant-count",
    "modelled-unemployment",
    "gross-median-weekly-pay",
    "gross-disposable-household-income-per-head",
    "qualifications-level-3-or-above",
    "qualifications-none-gb",
    "apprenticeships",
    "average-travel-time",
    "gross-value-added",
    "children-in-relative-poverty",
    "further-education-and-skills-participation",
    "further-education-and-skills-learner-achievements",
]
COLUMNS = [
    "areacd",
    "areanm",
    "geography",
    "indicator",
    "period",
    "observation",
    "measure",
    "unit",
    "lci_95",
    "uci_95",
    "status",
    "notes",
]
REQUIRED = ["areacd", "indicator", "period", "observation"]


class OnsLocalStatsClient:
    def __init__(self, base_url: str = BASE_URL, session: requests.Session | None = None):
        self.base_url = base_url.rstrip("/")
        self.session = session or make_session()

    def fetch_csv(
        self, dataset: str, keep_areas: set[str] | None = None, keep_geographies: set[str] | None = None
    ) -> pd.DataFrame:
        resp = get(self.session, f"ONS local statistics {dataset}", f"{self.base_url}/{dataset}/{dataset}.csv")
        text = csv_text(f"ONS local statistics {dataset}", resp)
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
        missing = [c for c in REQUIRED if c not in frame.columns]
        if missing:
            raise FeedError(f"ONS local statistics {dataset}: response lacks column(s) {', '.join(missing)}")
        if frame.empty:
            raise FeedError(f"ONS local statistics {dataset}: no data rows")
        for col in COLUMNS:
            if col not in frame.columns:
                frame[col] = ""
        frame["dataset"] = dataset
        keep = pd.Series(False, index=frame.index)
        if keep_areas:
            keep |= frame.areacd.isin(keep_areas)
        if keep_geographies:
            keep |= frame.geography.isin(keep_geographies)
        if keep_areas or keep_geographies:
            frame = frame[keep]
        return frame[["dataset", *COLUMNS]].reset_index(drop=True)

    def release(self, dataset: str) -> str | None:
        """The CSV's ETag (or Last-Modified) from a HEAD request: the file changes only on a new release."""
        url = f"{self.base_url}/{dataset}/{dataset}.csv"
        try:
            resp = self.session.head(url, timeout=30, allow_redirects=True)
        except requests.RequestException as exc:
            raise FeedError(f"ONS local statistics {dataset}: release check failed: {exc}") from None
        if resp.status_code >= 400:
            raise FeedError(f"ONS local statistics {dataset}: HTTP {resp.status_code} on the release check")
        return resp.headers.get("ETag") or resp.headers.get("Last-Modified")

    def fetch_metadata(self, dataset: str) -> dict:
        resp = get(
            self.session, f"ONS local statistics {dataset} metadata", f"{self.base_url}/{dataset}/{dataset}.json"
        )
        return json_doc(f"ONS local statistics {dataset} metadata", resp)
