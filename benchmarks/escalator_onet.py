"""Sanity anchor for the escalator: agreement of our similarity with O*NET's own related-occupation links.

O*NET 29 lists, for each US occupation, up to 20 related occupations. Carried to SOC 2020 through the
derived crosswalk (a UK pair is "O*NET-related" when any O*NET code linked to the origin lists any code
linked to the destination, crosswalk weight >= 0.1), they give an independent reference. Printed:
  - precision@10: share of each origin's 10 most similar unit groups that O*NET relates to it
  - recall of the viable set: share of O*NET-related pairs our viable threshold keeps
  - the same for the skills-only, knowledge-only, ONS text and NCS task facets, and for a random ranking
Reads the warehouse built by `make run` (run that first).
"""

import duckdb
import numpy as np

from orchestration.settings import load_settings

RELATED_SQL = """
with xw as (select soc2020, onetsoc_code from staging.stg_onet__uk_crosswalk where weight >= 0.1),
rel as (select onetsoc_code, related_onetsoc_code from staging.stg_onet__related_occupations)
select distinct a.soc2020 as origin_soc2020, b.soc2020 as destination_soc2020
from xw as a
join rel on rel.onetsoc_code = a.onetsoc_code
join xw as b on b.onetsoc_code = rel.related_onetsoc_code
where a.soc2020 <> b.soc2020
"""


def main() -> None:
    path = load_settings().warehouse_path
    if not path.exists():
        raise SystemExit(f"no warehouse at {path}: run `make run` first")
    conn = duckdb.connect(str(path), read_only=True)
    sim = conn.execute("select * from intermediate.int_soc_similarity").df()
    related = conn.execute(RELATED_SQL).df()
    related["related"] = True
    sim = sim.merge(related, how="left", on=["origin_soc2020", "destination_soc2020"])
    sim["related"] = sim.related.eq(True)
    sim["random"] = np.random.default_rng(0).random(len(sim))
    from assets.transform.project import dbt_var

    viable = float(dbt_var("escalator_viable_similarity"))  # the setting, not the table's smallest value
    base = sim.related.mean()
    print(
        f"\n{len(sim):,} ordered pairs; {sim.related.sum():,} O*NET-related ({base:.1%}). "
        f"Viable threshold in use: {viable:.2f}"
    )
    print(f"{'ranking':<24}{'precision@10':>14}{'lift':>7}{'recall@viable':>15}")
    for facet in [
        "similarity",
        "skills_similarity",
        "knowledge_similarity",
        "text_similarity",
        "ncs_similarity",
        "random",
    ]:
        ranked = sim.dropna(subset=[facet]).sort_values(facet, ascending=False)
        top = ranked.groupby("origin_soc2020").head(10)
        precision = top.related.mean()
        recall = (
            ""
            if facet != "similarity"
            else f"{(sim.related & (sim.similarity >= viable)).sum() / sim.related.sum():.1%}"
        )
        print(f"{facet:<24}{precision:>14.1%}{precision / base:>7.1f}{recall:>15}")
    kept = (sim.similarity >= viable).mean()
    print(
        f"The viable set keeps {kept:.1%} of pairs. O*NET links are US occupations through an approximate "
        f"crosswalk: an anchor, not ground truth."
    )


if __name__ == "__main__":
    main()
