"""Responses in the Nomis API's CSV layout (columns as `select=` returns them, upper case), built from
the real APS employment-rate values in the embedded ONS file (Jan-Dec 2023; CI half-width = (uci-lci)/2)."""

import pandas as pd

from orchestration.settings import EMBEDDED_DIR

HEADER = [
    "DATE_NAME",
    "DATE_CODE",
    "GEOGRAPHY_CODE",
    "GEOGRAPHY_NAME",
    "GEOGRAPHY_TYPE",
    "MEASURES",
    "MEASURES_NAME",
    "OBS_VALUE",
    "OBS_STATUS",
    "OBS_STATUS_NAME",
    "RECORD_COUNT",
]
STATUS_NAMES = {"A": "Normal Value", "Q": "Missing value; suppressed", "U": "Low reliability"}


def employment_rate_rows(codes: list[str]) -> list[dict]:
    ons = pd.read_csv(EMBEDDED_DIR / "ons/emcca_local_indicators_long.csv")
    sel = ons[(ons.indicator == "Employment rate") & (ons.period == "2023-01-01/P1Y") & ons.areacd.isin(codes)]
    rows = []
    for r in sel.itertuples():
        for measure, name, value in [
            (20599, "Variable", r.observation),
            (21003, "Confidence", round((r.uci_95 - r.lci_95) / 2, 1)),
        ]:
            rows.append(
                {
                    "DATE_NAME": "Jan 2023-Dec 2023",
                    "DATE_CODE": "2023-12",
                    "GEOGRAPHY_CODE": r.areacd,
                    "GEOGRAPHY_NAME": r.areanm,
                    "GEOGRAPHY_TYPE": "local authorities: district / unitary",
                    "MEASURES": measure,
                    "MEASURES_NAME": name,
                    "OBS_VALUE": value,
                    "OBS_STATUS": "A",
                    "OBS_STATUS_NAME": STATUS_NAMES["A"],
                    "VARIABLE": "45",  # selected back because the query picks it
                    "VARIABLE_NAME": "Employment rate - aged 16-64",
                }
            )
    return rows


def to_csv(
    rows: list[dict], record_count: int | None = None, drop: str | None = None, extra: tuple[str, ...] = ()
) -> str:
    beyond = [k for row in rows for k in row if k not in HEADER]  # dimensions the query selected back
    frame = pd.DataFrame(rows, columns=list(dict.fromkeys([*HEADER, *extra, *beyond])))
    frame["RECORD_COUNT"] = record_count if record_count is not None else len(rows)
    if drop:
        frame = frame.drop(columns=[drop])
    return frame.to_csv(index=False)


def definition(dataset: str, last_updated: str) -> dict:
    """`/dataset/{id}.def.sdmx.json` as Nomis serves it (trimmed to the parts the client reads)."""
    return {
        "structure": {
            "header": {"id": "none", "prepared": "2026-11-24T05:30:00Z"},
            "keyfamilies": {
                "keyfamily": [
                    {
                        "id": dataset,
                        "agencyid": "NOMIS",
                        "version": 1.0,
                        "name": {"value": "annual population survey"},
                        "annotations": {
                            "annotation": [
                                {"annotationtitle": "Status", "annotationtext": "Current (being actively updated)"},
                                {"annotationtitle": "Units", "annotationtext": "Persons"},
                                {"annotationtitle": "LastUpdated", "annotationtext": last_updated},
                            ]
                        },
                    }
                ]
            },
        }
    }
