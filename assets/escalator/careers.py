"""National Careers Service job profiles in SOC 2020: which unit group each profile describes, and how
alike two unit groups' day-to-day work is by the NCS task lists (a UK-native similarity facet).

NCS codes its profiles to SOC 2010. ONS's dual-coding proportions give the SOC 2020 unit groups each SOC
2010 group splits into; the profile's own title, run through the SOC coder, picks among them ("Senior care
worker" and "Care worker" share SOC 2010 6145's split but not a SOC 2020 code). A title the coder places
outside the split keeps the split's largest share.
"""

import numpy as np
import pandas as pd

from assets.jobads.soc_coder import SocCoder


def soc2010_splits(proportions: pd.DataFrame) -> dict[str, dict[str, float]]:
    """SOC 2010 unit group -> {SOC 2020 unit group: share of its workers (mean of the Census shares)}."""
    p = proportions.copy()
    shares = p[["men_census_perc_2020", "women_census_perc_2020"]].astype(float)
    p["share"] = shares.mean(axis=1, skipna=True).fillna(0)
    out: dict[str, dict[str, float]] = {}
    for soc2010, soc2020, share in p[["soc2010", "soc2020", "share"]].itertuples(index=False):
        out.setdefault(str(soc2010), {})[str(soc2020)] = float(share)
    return out


def map_profiles(profiles: pd.DataFrame, proportions: pd.DataFrame, coder: SocCoder) -> pd.DataFrame:
    """One row per profile: url_name, title, soc2010, soc2020, share (of the SOC 2010 group), method."""
    splits = soc2010_splits(proportions)
    rows = []
    for url, title, soc2010 in profiles[["url_name", "title", "soc2010"]].itertuples(index=False):
        split = splits.get(str(soc2010), {})
        coded = coder.code(title)
        if coded.soc2020 and coded.soc2020 in split:
            soc, method = coded.soc2020, "title coded within the SOC 2010 split"
        elif split:
            soc, method = max(split, key=split.get), "largest share of the SOC 2010 split"
        elif coded.soc2020 and not coded.needs_review:
            soc, method = coded.soc2020, "title coded (SOC 2010 code not in the ONS split)"
        else:
            soc, method = None, "unmapped"
        rows.append(
            {
                "url_name": url,
                "title": title,
                "soc2010": soc2010,
                "soc2020": soc,
                "share": round(split.get(soc, 0.0), 2) if soc else None,
                "method": method,
            }
        )
    return pd.DataFrame(rows)


def task_similarity(mapping: pd.DataFrame, profiles: pd.DataFrame, tasks: pd.DataFrame) -> pd.DataFrame:
    """Cosine of TF-IDF vectors of each unit group's NCS text (profile descriptions, day-to-day tasks,
    working environments), for every ordered pair of unit groups that NCS describes."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    text = tasks[tasks.kind.isin(["day_to_day_task", "working_environment"])].groupby("url_name").text.agg(" ".join)
    prof = profiles.set_index("url_name")
    m = mapping.dropna(subset=["soc2020"]).copy()
    m["text"] = [f"{prof.at[u, 'description'] if u in prof.index else ''} {text.get(u, '')}" for u in m.url_name]
    by_soc = m.groupby("soc2020").text.agg(" ".join)
    by_soc = by_soc[by_soc.str.strip().str.len() > 0]
    matrix = TfidfVectorizer(stop_words="english", sublinear_tf=True, min_df=2, ngram_range=(1, 2)).fit_transform(
        by_soc.values
    )
    sims = (matrix @ matrix.T).toarray()
    codes = by_soc.index.to_numpy()
    i, j = np.where(~np.eye(len(codes), dtype=bool))
    return pd.DataFrame(
        {"origin_soc2020": codes[i], "destination_soc2020": codes[j], "ncs_similarity": np.round(sims[i, j], 4)}
    )
