"""Resolve an advert's place to a local authority and, where coordinates exist, an LSOA.

Order: coordinates (nearest EMCCA population-weighted LSOA centroid, kept only if it lies in the LA the
text names, when it names one), then the district name, then the town gazetteer. Adverts outside EMCCA
are kept and flagged, never dropped."""

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

# an advert further than this from every EMCCA LSOA centroid is outside EMCCA
MAX_KM_FROM_CENTROID = 5.0
COUNTIES = {"nottinghamshire": "E10000024", "derbyshire": "E10000007"}


@dataclass(frozen=True)
class Place:
    la_code: str | None
    lsoa21cd: str | None
    in_emcca: bool | None  # None: unknown
    method: str  # coordinates | district | town | county | unresolved


def _key(text: str) -> str:
    return re.sub(r"[^a-z]+", " ", text.lower().replace("&", " and ")).strip()


class PlaceResolver:
    def __init__(self, lsoa: pd.DataFrame, lads: pd.DataFrame, gazetteer: pd.DataFrame):
        self.emcca_lads = set(lads.loc[lads.in_emcca.astype(str).str.lower() == "true", "ladcd"])
        districts = {_key(n): (c, "district") for n, c in zip(lads.ladnm, lads.ladcd)}
        towns = {_key(p): (c, "town") for p, c in zip(gazetteer.place, gazetteer.lad_code)}
        self.names: dict[str, tuple[str, str]] = {**towns, **districts}
        # longest names first, so "Mansfield Woodhouse" wins over "Mansfield"
        self.ordered = sorted(self.names, key=len, reverse=True)
        self.lsoa_codes = lsoa.lsoa21cd.to_numpy()
        self.lsoa_lads = lsoa.lad_code.to_numpy()
        self.lat = np.radians(lsoa.pwc_lat.to_numpy(dtype=float))
        self.lon = np.radians(lsoa.pwc_lon.to_numpy(dtype=float))

    def _from_text(self, *texts: str) -> tuple[str | None, str]:
        for text in texts:
            key = f" {_key(text or '')} "
            for name in self.ordered:
                if f" {name} " in key:
                    return self.names[name]
        for text in texts:
            for county in COUNTIES:
                if county in (text or "").lower():
                    return None, "county"
        return None, "unresolved"

    def nearest_lsoa(self, lat: float, lon: float, la_code: str | None = None) -> tuple[str | None, str | None, float]:
        mask = self.lsoa_lads == la_code if la_code in self.emcca_lads else np.ones(len(self.lat), bool)
        la, lo = np.radians(lat), np.radians(lon)
        d = (
            2
            * 6371
            * np.arcsin(
                np.sqrt(
                    np.sin((self.lat[mask] - la) / 2) ** 2
                    + np.cos(la) * np.cos(self.lat[mask]) * np.sin((self.lon[mask] - lo) / 2) ** 2
                )
            )
        )
        i = int(np.argmin(d))
        return self.lsoa_codes[mask][i], self.lsoa_lads[mask][i], float(d[i])

    def resolve(self, *texts: str, lat: float | None = None, lon: float | None = None) -> Place:
        la, method = self._from_text(*texts)
        if lat is not None and lon is not None and not (pd.isna(lat) or pd.isna(lon)):
            lsoa, lsoa_la, km = self.nearest_lsoa(float(lat), float(lon), la)
            if km <= MAX_KM_FROM_CENTROID:
                return Place(la or lsoa_la, lsoa, True, "coordinates")
            if la is None:
                return Place(None, None, False, "coordinates")
        if la is not None:
            return Place(la, None, la in self.emcca_lads, method)
        if method == "county":
            return Place(None, None, True, "county")
        return Place(None, None, None, "unresolved")
