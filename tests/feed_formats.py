"""Recorded-format payloads of the live feeds, shared by their tests and the fault harness
(tests/faults_live.py): Stat-Xplore /table, DfE EES summary + CSV, Adzuna search pages, ONS local
statistics CSVs. Values are test values in the real layouts unless a docstring says otherwise."""

import pandas as pd

from orchestration.settings import EMBEDDED_DIR

LAS = [("E06000015", "Derby"), ("E06000018", "Nottingham")]


# Stat-Xplore's UC_Monthly schema URIs, written out (never the connector's constants: a wrong constant
# there must fail the tests, not travel into the payload)
UC_MEASURE = "str:count:UC_Monthly:V_F_UC_CASELOAD_FULL"
UC_GEO_FIELD = "str:field:UC_Monthly:V_F_UC_CASELOAD_FULL:COA_CODE"
UC_GEO_VALUE = "str:value:UC_Monthly:V_F_UC_CASELOAD_FULL:COA_CODE:V_C_MASTERGEOG21_LA_TO_REGION:"
UC_DATE_FIELD = "str:field:UC_Monthly:F_UC_DATE:DATE_NAME"
UC_EMPLOYMENT_FIELD = "str:field:UC_Monthly:V_F_UC_CASELOAD_FULL:EMPLOYMENT_CODE"
EMPLOYMENT_VALUE = "str:value:UC_Monthly:V_F_UC_CASELOAD_FULL:EMPLOYMENT_CODE:C_UC_EMPLOYMENT_2023_BAND:"


def statxplore_response(employment_field=UC_EMPLOYMENT_FIELD, values=None) -> dict:
    """The shape Stat-Xplore returns: fields with items (labels, uris), cubes keyed by measure uri; one
    month, two LAs, and the employment indicator's three bands (unknown included)."""
    return {
        "query": {"database": "str:database:UC_Monthly"},
        "database": {"id": "str:database:UC_Monthly", "label": "People on Universal Credit"},
        "measures": [{"uri": UC_MEASURE, "label": "People on Universal Credit"}],
        "fields": [
            {
                "uri": UC_GEO_FIELD,
                "label": "National - Regional - LA - OAs",
                "items": [
                    {"type": "RecodeItem", "labels": [name], "uris": [UC_GEO_VALUE + code]} for code, name in LAS
                ],
            },
            {
                "uri": UC_DATE_FIELD,
                "label": "Month",
                "items": [
                    {
                        "type": "RecordItem",
                        "labels": ["October 2026"],
                        "uris": ["str:value:UC_Monthly:F_UC_DATE:DATE_NAME:C_UC_DATE:202610"],
                    }
                ],
            },
            {
                "uri": employment_field,
                "label": "Employment indicator",
                "items": [
                    {"type": "RecordItem", "labels": ["Not in employment"], "uris": [EMPLOYMENT_VALUE + "0"]},
                    {
                        "type": "RecordItem",
                        "labels": ["In employment (PAYE) or self-employment"],
                        "uris": [EMPLOYMENT_VALUE + "1"],
                    },
                    {"type": "RecordItem", "labels": ["Unknown or missing"], "uris": [EMPLOYMENT_VALUE + "99"]},
                ],
            },
        ],
        "cubes": {
            UC_MEASURE: {
                "values": values if values is not None else [[[11900.0, 6100.0, 0.0]], [[14700.0, 7300.0, 40.0]]]
            }
        },
    }


DATA_SET = "0a1b2c3d-0000-4000-8000-000000000001"
HEADER = (
    "time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,"
    "new_la_code,la_name,old_la_code,age_group,cohort,NEET_not_known,NEET_not_known_percent"
)


def dfe_csv(rows: list[str] | None = None) -> str:
    return (
        "\n".join(
            [
                HEADER,
                *(
                    rows
                    if rows is not None
                    else [
                        "2024,Calendar year,National,E92000001,England,,,,,,16-17,1200000,64800,5.4",
                        "2024,Calendar year,Regional,E92000001,England,E12000004,East Midlands,,,,16-17,100000,5500,5.5",
                        "2024,Calendar year,Local authority,E92000001,England,E12000004,East Midlands,E06000015,Derby,831,16-17,6000,420,7.0",
                        "2024,Calendar year,Local authority,E92000001,England,E12000004,East Midlands,E06000018,Nottingham,892,16-17,6500,c,c",
                        "2024,Calendar year,Local authority,E92000001,England,E12000001,North East,E06000047,County Durham,840,16-17,10000,600,6.0",
                        "2024,Calendar year,Local authority,E92000001,England,E12000004,East Midlands,E06000015,Derby,831,16-17 Q,1,1,1",
                    ]
                ),
            ]
        )
        + "\n"
    )


def dfe_summary(version: str) -> dict:
    return {
        "id": DATA_SET,
        "title": "NEET and participation: local authority figures",
        "status": "Published",
        "latestVersion": {"version": version, "published": "2026-06-05T09:30:00+01:00", "totalResults": 6},
    }


def adzuna_page(results, count):
    return {"count": count, "results": results, "__CLASS__": "Adzuna::API::Response::JobSearchResults"}


def adzuna_result(i, created: str | None = None):
    """One search result in Adzuna's layout; `created` defaults to 06:00 today (London): a new advert."""
    from assets.jobads.assets import today_london

    return {
        "id": str(4000 + i),
        "title": ["Care Worker", "Warehouse Operative", "HGV Driver"][i % 3],
        "description": "Apply to jobs@example.org",
        "created": created or f"{today_london()}T06:00:00Z",
        "company": {"display_name": f"Employer {i}"},
        "location": {
            "display_name": "Mansfield, Nottinghamshire",
            "area": ["UK", "East Midlands", "Nottinghamshire", "Mansfield"],
        },
        "latitude": 53.14,
        "longitude": -1.2,
        "salary_min": 24000,
        "salary_max": 26000,
        "salary_is_predicted": "0",
        "contract_time": "full_time",
        "category": {"label": "Healthcare & Nursing Jobs", "tag": "healthcare-nursing-jobs"},
    }


ONS = pd.read_csv(EMBEDDED_DIR / "ons/emcca_local_indicators_long.csv", dtype=str, keep_default_na=False)


def ons_csv(dataset: str) -> str:
    # the published per-dataset file has no `dataset` column; it is added by the connector
    return ONS[ONS.dataset == dataset].drop(columns=["dataset"]).to_csv(index=False)
