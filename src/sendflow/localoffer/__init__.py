"""Checking a council's local offer: its directory feed against Schedule 2, and its manifest.

``check_feed`` reads an Open Referral UK feed (3.0 JSON, 1.0 JSON or the 1.0 CSV tables),
streaming JSON one service at a time, and runs the ten feed checks and three lifecycle
checks of ``docs/local-offer.md``. The Schedule 2 topics are data (``topics.yaml``); a
council maps its taxonomy onto them with a taxonomy map.
"""

from sendflow.localoffer.errors import FeedError, LocalOfferFileError
from sendflow.localoffer.manifest import Manifest, load_manifest
from sendflow.localoffer.results import Report, Status, report_to_json
from sendflow.localoffer.run import check_feed
from sendflow.localoffer.taxonomy import load_taxonomy_map
from sendflow.localoffer.topics import Catalogue, load_topics, packaged_topics

__all__ = [
    "Catalogue",
    "FeedError",
    "LocalOfferFileError",
    "Manifest",
    "Report",
    "Status",
    "check_feed",
    "load_manifest",
    "load_taxonomy_map",
    "load_topics",
    "packaged_topics",
    "report_to_json",
]
