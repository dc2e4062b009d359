"""Publication of the checked marts to the `published` schema and files."""

import dagster as dg

from assets.publication.publish import tracker_publication

defs = dg.Definitions(assets=[tracker_publication])
