"""Observed moves between occupations: US Current Population Survey (ASEC) year-on-year transition shares
(del Rio-Chanona et al. 2021, CC BY 4.0), carried to UK SOC 2020 unit groups.

The chain is UK SOC 2020 -> O*NET-SOC 2019 (the project's ISCO-08 crosswalk, weights summing to 1 per UK
code) -> O*NET-SOC 2010 (O*NET's taxonomy crosswalk) -> the BLS occupation the CPS file uses (its
detailed code, else the broad group XX-XXX0, else the minor group XX-XX00). Many-to-many links are kept
as weights rather than forced to one:

  W[u, a]  share of UK group u's crosswalk weight that reaches US occupation a (rows sum to 1)
  C[a, v]  share of US occupation a's crosswalk weight that lands in UK group v (rows sum to 1)
  S = W P C, with P the US transition shares with staying put removed (a US occupation's workers who
           stay are not movers between UK groups)

S[u, v] is the share of u's workers found in v a year later, as far as the US data can say; lift is S
divided by v's share of all moves into anywhere (how much more often than a random mover's destination).
Staying within one US occupation is invisible here, so two UK groups that share all their US codes get
no observed share: the features say so (`us_observed` false) instead of inventing one.
"""

import numpy as np
import pandas as pd


def _bls_code(onet2010: str, bls: set[str]) -> str | None:
    detailed = onet2010[:7]
    for code in (detailed, detailed[:6] + "0", detailed[:5] + "00"):
        if code in bls:
            return code
    return None


def uk_to_us_weights(crosswalk: pd.DataFrame, onet_2010_2019: pd.DataFrame, bls: set[str]) -> pd.DataFrame:
    """uk_soc2020, bls_code, weight (summed over the chain; rows for one UK code sum to <= 1)."""
    back = onet_2010_2019.groupby("soc2019_code").soc2010_code.apply(list).to_dict()
    rows = []
    for uk, code, weight in crosswalk[["uk_soc2020", "onet_soc2019_code", "weight"]].itertuples(index=False):
        olds = back.get(code, [code])  # a 2019 code absent from the crosswalk keeps its own digits
        for old in olds:
            bls_code = _bls_code(old, bls)
            if bls_code is not None:
                rows.append((str(uk), bls_code, float(weight) / len(olds)))
    out = pd.DataFrame(rows, columns=["uk_soc2020", "bls_code", "weight"])
    return out.groupby(["uk_soc2020", "bls_code"], as_index=False).weight.sum()


def uk_transition_shares(transitions: pd.DataFrame, weights: pd.DataFrame, unit_groups: list[str]) -> pd.DataFrame:
    """origin_soc2020, destination_soc2020, us_share, us_lift, us_observed for every ordered pair of the
    given unit groups (origin != destination)."""
    codes = sorted(set(transitions.OCC_source) | set(transitions.OCC_target))
    at = {c: i for i, c in enumerate(codes)}
    p = np.zeros((len(codes), len(codes)))
    t = transitions[transitions.OCC_source != transitions.OCC_target]
    p[t.OCC_source.map(at).to_numpy(), t.OCC_target.map(at).to_numpy()] = t.transition_prob_BLS_ASECnorm_corr
    ug = {u: i for i, u in enumerate(unit_groups)}
    w = weights[weights.uk_soc2020.isin(ug) & weights.bls_code.isin(at)]
    m = np.zeros((len(unit_groups), len(codes)))
    np.add.at(m, (w.uk_soc2020.map(ug).to_numpy(), w.bls_code.map(at).to_numpy()), w.weight.to_numpy())
    reached = m.sum(axis=1, keepdims=True)
    w_uk = np.divide(m, reached, out=np.zeros_like(m), where=reached > 0)  # W: UK -> US
    col = m.sum(axis=0, keepdims=True)
    c_us = np.divide(m, col, out=np.zeros_like(m), where=col > 0).T  # C: US -> UK
    shares = w_uk @ p @ c_us
    into = shares.sum(axis=0)
    base = into / into.sum() if into.sum() > 0 else into
    lift = np.divide(shares, base[None, :], out=np.zeros_like(shares), where=base[None, :] > 0)
    n = len(unit_groups)
    i, j = np.where(~np.eye(n, dtype=bool))
    observed = (reached[:, 0] > 0)[i] & (reached[:, 0] > 0)[j]
    return pd.DataFrame(
        {
            "origin_soc2020": np.asarray(unit_groups)[i],
            "destination_soc2020": np.asarray(unit_groups)[j],
            "us_share": np.round(shares[i, j], 7),
            "us_lift": np.round(lift[i, j], 4),
            "us_observed": observed,
        }
    )
