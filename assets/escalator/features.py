"""The evidence for every ordered pair of SOC 2020 unit groups (412 x 411), as the ranker's features.

One row per (origin, destination); every column is known for occupations the careers-path labels never
mention, so the model scores them the same way:
  similarity facets      O*NET skills / knowledge, ONS text, NCS tasks and their mean (int_soc_similarity)
  structure              same minor / sub-major / major group; origin and destination major group; the
                         destination supervises or manages the origin's work (`structure.oversight`)
  pay and preparation    log pay ratio (ASHE medians), job-zone change (O*NET), destination size (UK jobs,
                         estimated from the parent group where ASHE gives no count)
  routes in              the destination's NCS entry routes name the origin ("start as a ..."); it has a
                         route needing no prior degree (apprenticeship, incl. degree apprenticeship, direct
                         application, work your way up, Access course); graduate entry; degree only
  observed moves         US CPS share of the origin's workers found in the destination a year later, and its
                         lift over the destination's share of all moves (`mobility`)
  apprenticeships        an NCS-listed apprenticeship standard trains for both; one of the destination's
                         continues one of the origin's at a higher level (`apprenticeships`)
"""

import numpy as np
import pandas as pd

FEATURES = (
    "similarity",
    "skills_similarity",
    "knowledge_similarity",
    "text_similarity",
    "ncs_similarity",
    "same_minor",
    "same_sub_major",
    "same_major",
    "origin_major",
    "destination_major",
    "oversees_origin",
    "destination_lead",
    "origin_lead",
    "log_pay_ratio",
    "job_zone_change",
    "destination_job_zone",
    "destination_log_jobs",
    "route_names_origin",
    "destination_no_degree_route",
    "destination_graduate_entry",
    "destination_degree_only",
    "us_log_share",
    "us_log_lift",
    "shared_standard",
    "standard_ladder",
)


def pair_features(
    occupations: pd.DataFrame,
    similarity: pd.DataFrame,
    careers: pd.DataFrame,
    oversight: np.ndarray,
    lead_kind: pd.Series,
    route_pairs: pd.DataFrame,
    us: pd.DataFrame,
    standards: pd.DataFrame,
) -> pd.DataFrame:
    """occupations: int_soc_occupations, ordered as `oversight`'s rows; similarity:
    int_soc_similarity; careers: int_soc_careers + no_degree_route; route_pairs: origin/destination named
    by entry routes; us: mobility.uk_transition_shares; standards: apprenticeships.pair_evidence (its
    standard_route is kept beside the features, as the step's reason)."""
    occ = occupations.reset_index(drop=True)
    codes = occ.soc2020.to_numpy()
    n = len(codes)
    i, j = np.where(~np.eye(n, dtype=bool))
    f = pd.DataFrame({"origin_soc2020": codes[i], "destination_soc2020": codes[j]})
    f = f.merge(
        similarity[
            [
                "origin_soc2020",
                "destination_soc2020",
                "similarity",
                "skills_similarity",
                "knowledge_similarity",
                "text_similarity",
                "ncs_similarity",
            ]
        ],
        on=["origin_soc2020", "destination_soc2020"],
        how="left",
    )
    o, d = occ.iloc[i].reset_index(drop=True), occ.iloc[j].reset_index(drop=True)
    f["same_minor"] = (o.soc2020_minor.to_numpy() == d.soc2020_minor.to_numpy()).astype(int)
    f["same_sub_major"] = (o.soc2020_sub_major.to_numpy() == d.soc2020_sub_major.to_numpy()).astype(int)
    f["same_major"] = (o.soc2020_major.to_numpy() == d.soc2020_major.to_numpy()).astype(int)
    f["origin_major"] = o.soc2020_major.astype(int).to_numpy()
    f["destination_major"] = d.soc2020_major.astype(int).to_numpy()
    f["oversees_origin"] = oversight[i, j].round(4)
    kind = lead_kind.reindex(codes).fillna("").to_numpy()
    rank = {"": 0, "supervisor": 1, "manager": 2}
    f["destination_lead"] = [rank[k] for k in kind[j]]
    f["origin_lead"] = [rank[k] for k in kind[i]]
    f["log_pay_ratio"] = np.log(d.median_annual_pay.to_numpy(float) / o.median_annual_pay.to_numpy(float)).round(4)
    f["job_zone_change"] = (d.job_zone.to_numpy(float) - o.job_zone.to_numpy(float)).round(3)
    f["destination_job_zone"] = d.job_zone.to_numpy(float)
    # ASHE's count, or the share of its parent group's count where ASHE gives none (int_soc_occupations):
    # a missing count is not zero jobs
    f["destination_log_jobs"] = np.log1p(d.uk_jobs_estimated.to_numpy(float)).round(4)
    named = set(zip(route_pairs.origin_soc2020, route_pairs.destination_soc2020))
    f["route_names_origin"] = [int((a, b) in named) for a, b in zip(f.origin_soc2020, f.destination_soc2020)]
    c = careers.set_index("soc2020")
    for col, src in (("destination_no_degree_route", "no_degree_route"), ("destination_degree_only", "degree_only")):
        f[col] = f.destination_soc2020.map(c[src].astype("boolean")).fillna(False).astype(int)
    f["destination_graduate_entry"] = d.graduate_entry.fillna(False).astype(int).to_numpy()
    f = f.merge(us, on=["origin_soc2020", "destination_soc2020"], how="left")
    # a share of 0 is "not seen in the survey", a floor 10x below the smallest observed share
    f["us_log_share"] = np.log10(f.us_share.fillna(0) + 1e-6).round(4)
    f["us_log_lift"] = np.log10(f.us_lift.fillna(0) + 1e-3).round(4)
    f = f.merge(standards, on=["origin_soc2020", "destination_soc2020"], how="left")
    f[["shared_standard", "standard_ladder"]] = f[["shared_standard", "standard_ladder"]].fillna(0.0)
    return f
