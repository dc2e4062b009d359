"""Recorded-format ONS "labour demand volumes by SOC 2020" release for tests: the website's `/data`
JSON for the dataset and edition pages, and a workbook laid out as the January 2017 to July 2026
edition (released 21 August 2026): notes above a header row in row 5, Table 5 quarterly by local
authority x SOC 4-digit, Table 3 monthly by region x SOC 4-digit, "[x]" for suppressed cells,
"Unknown" occupation rows, London as a region without a code.

The layout is ONS's; the counts written here are test values, not ONS figures.
"""

import io

# the dataset's page on ons.gov.uk, written out (not the connector's constant, so a wrong one fails)
DATASET_PAGE = (
    "/employmentandlabourmarket/peopleinwork/employmentandemployeetypes/datasets/"
    "labourdemandvolumesbystandardoccupationclassificationsoc2020uk"
)

EDITION = DATASET_PAGE + "/january2017tojuly2026"
RELEASE_DATE = "2026-08-20T23:00:00.000Z"
QUARTERS = ["2025Q3", "2025Q4", "2026Q1", "2026Q2"]
MONTHS = ["May-26", "Jun-26", "Jul-26"]
# (region, ITL2, LA name, SOC, SOC label, LA code, quarterly cells)
LA_ROWS = [
    (
        "East Midlands",
        "Derbyshire and Nottinghamshire",
        "Derby",
        "2134",
        "Programmers and software development professionals",
        "E06000015",
        [40, 38, 35, "[x]"],
    ),
    (
        "East Midlands",
        "Derbyshire and Nottinghamshire",
        "Derby",
        "6135",
        "Care workers and home carers",
        "E06000015",
        [410, 395, 380, 402],
    ),
    ("East Midlands", "Derbyshire and Nottinghamshire", "Derby", "Unknown", "Unknown", "E06000015", [55, 50, 47, 49]),
    (
        "East Midlands",
        "Derbyshire and Nottinghamshire",
        "Nottingham",
        "6135",
        "Care workers and home carers",
        "E06000018",
        [520, 505, 498, 510],
    ),
    (
        "East Midlands",
        "Derbyshire and Nottinghamshire",
        "Nottingham",
        "8214",
        "Delivery drivers and couriers",
        "E06000018",
        [60, 70, 66, 71],
    ),
    (
        "East Midlands",
        "Leicestershire, Rutland and Northamptonshire",
        "Leicester",
        "6135",
        "Care workers and home carers",
        "E06000016",
        [600, 610, 590, 605],
    ),
    ("London", None, "London", "6135", "Care workers and home carers", None, [9000, 8800, 8700, 8900]),
]
REGION_ROWS = [
    ("East Midlands", "6135", "Care workers and home carers", [1710, 1680, 1702]),
    ("East Midlands", "Unknown", "Unknown", [300, 310, 305]),
    ("West Midlands", "6135", "Care workers and home carers", [2100, 2050, 2080]),
]


def _table(ws, title: str, header: list, rows: list) -> None:
    ws.append([title])
    ws.append(
        ["This worksheet contains one table. Some cells refer to notes which can be found in the notes worksheet."]
    )
    ws.append(["Source: Office for National Statistics, Textkernel"])
    ws.append(["[x] = suppressed"])
    ws.append(header)
    for row in rows:
        ws.append(row)


def workbook(la_rows=LA_ROWS, region_rows=REGION_ROWS, quarters=QUARTERS, months=MONTHS, la_header=None) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    cover = wb.active
    cover.title = "Cover sheet"
    cover.append(["Labour demand volumes by Standard Occupation Classification (SOC 2020), UK"])
    _table(
        wb.create_sheet("Table 3"),
        "Table 3: Monthly new online job adverts by region and SOC 4 digit",
        ["Region", "SOC 4 digit code", "SOC 4 digit label", *months],
        [[r, soc, label, *cells] for r, soc, label, cells in region_rows],
    )
    _table(
        wb.create_sheet("Table 5"),
        "Table 5: Quarterly new online job adverts by local authority and SOC 4 digit",
        la_header
        or [
            "Region",
            "ITL2",
            "Local Authority District",
            "SOC 4 digit code",
            "SOC 4 digit label",
            "Local Authority Code",
            *quarters,
        ],
        [[r, itl, la, soc, label, code, *cells] for r, itl, la, soc, label, code, cells in la_rows],
    )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def dataset_page(editions=(EDITION,)) -> dict:
    return {
        "type": "dataset_landing_page",
        "uri": DATASET_PAGE,
        "description": {
            "title": "Labour demand volumes by Standard Occupation Classification (SOC 2020), UK",
            "releaseDate": RELEASE_DATE,
            "nextRelease": "18 September 2026",
        },
        "datasets": [{"uri": e} for e in editions],
    }


def edition_page(file: str = "labourdemandbyoccupation.xlsx", release_date: str = RELEASE_DATE) -> dict:
    return {
        "type": "dataset",
        "uri": EDITION,
        "description": {
            "title": "Labour demand volumes by Standard Occupation Classification (SOC 2020), UK",
            "edition": "January 2017 to July 2026",
            "releaseDate": release_date,
        },
        "downloads": [{"file": file, "size": "45123456"}],
    }


def serve(httpserver, content: bytes | None = None, release_date: str = RELEASE_DATE) -> None:
    """Answer the three ONS website requests the connector makes."""
    httpserver.expect_request(DATASET_PAGE + "/data").respond_with_json(dataset_page())
    httpserver.expect_request(EDITION + "/data").respond_with_json(edition_page(release_date=release_date))
    httpserver.expect_request(
        "/file", query_string={"uri": EDITION + "/labourdemandbyoccupation.xlsx"}
    ).respond_with_data(
        content if content is not None else workbook(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
