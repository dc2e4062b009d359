"""The HTML reports as an asset."""

import dagster as dg

from reports.assets import html_reports

defs = dg.Definitions(assets=[html_reports])
