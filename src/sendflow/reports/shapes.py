"""The report's JSON and CSV shapes, registered on the project's converter.

Importing this module registers the hooks; :func:`report_json` and :func:`trace_record`
give the shapes ``docs/contracts.md`` documents ("The report").
"""

from __future__ import annotations

from datetime import date
from typing import Any

from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from sendflow.compliance.figures import OpenAssessments, Rate, Report, TraceRow, WeeksToIssue
from sendflow.compliance.periods import ReportPeriod
from sendflow.contracts import converter

__all__ = ["report_json", "trace_record"]


def _rate(rate: Rate) -> dict[str, Any]:
    return {"numerator": rate.numerator, "denominator": rate.denominator, "percent": rate.percent}


def _period(period: ReportPeriod) -> dict[str, str]:
    return {"from": period.first.isoformat(), "to": period.last.isoformat()}


def _read_period(data: dict[str, str], _: type) -> ReportPeriod:
    return ReportPeriod(
        converter.structure(data["from"], date), converter.structure(data["to"], date)
    )


converter.register_unstructure_hook(Rate, _rate)
converter.register_unstructure_hook(ReportPeriod, _period)
converter.register_structure_hook(ReportPeriod, _read_period)
_RENAME_20_52 = override(rename="20_to_52")
_RENAME_20_30 = override(rename="20_to_30")
_RENAME_30_52 = override(rename="30_to_52")
converter.register_unstructure_hook(
    WeeksToIssue, make_dict_unstructure_fn(WeeksToIssue, converter, from_20_to_52=_RENAME_20_52)
)
converter.register_structure_hook(
    WeeksToIssue, make_dict_structure_fn(WeeksToIssue, converter, from_20_to_52=_RENAME_20_52)
)
converter.register_unstructure_hook(
    OpenAssessments,
    make_dict_unstructure_fn(
        OpenAssessments, converter, from_20_to_30=_RENAME_20_30, from_30_to_52=_RENAME_30_52
    ),
)
converter.register_structure_hook(
    OpenAssessments,
    make_dict_structure_fn(
        OpenAssessments, converter, from_20_to_30=_RENAME_20_30, from_30_to_52=_RENAME_30_52
    ),
)


def report_json(report: Report) -> dict[str, Any]:
    """The report in its JSON form: ``period``, ``as_of``, ``indicators``, ``months``.

    ``converter.structure(report_json(report), Report)`` gives the report back.
    """
    data: dict[str, Any] = converter.unstructure(report)
    return data


def trace_record(row: TraceRow) -> dict[str, Any]:
    """One case behind a figure, as a CSV row: ``case_id``, ``on``, ``counted``."""
    data: dict[str, Any] = converter.unstructure(row)
    del data["indicator"]
    return data
