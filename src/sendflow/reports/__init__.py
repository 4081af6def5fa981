"""Reports of the compliance figures: HTML for committees, Markdown, JSON and CSV.

The HTML report is one self-contained file with inline SVG charts and no script, fonts
or other files; ``docs/compliance.md`` describes each figure and ``docs/contracts.md``
the JSON and CSV shapes.
"""

from __future__ import annotations

from sendflow.reports.html import render_html
from sendflow.reports.shapes import report_json, trace_record
from sendflow.reports.text import render_markdown, summary_csv
from sendflow.reports.traces import CsvFolder, Drilldown, prepare_folder

__all__ = [
    "CsvFolder",
    "Drilldown",
    "prepare_folder",
    "render_html",
    "render_markdown",
    "report_json",
    "summary_csv",
    "trace_record",
]
