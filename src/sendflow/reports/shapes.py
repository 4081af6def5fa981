"""The report's JSON and CSV shapes, registered on the project's converter.

Importing this module registers the hooks; :func:`report_json` and :func:`trace_record`
give the shapes ``docs/contracts.md`` documents ("The report").
"""

from __future__ import annotations

from datetime import date
from typing import Any

from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from sendflow.compliance.figures import (
    OpenAssessments,
    OverdueReviews,
    Rate,
    Report,
    TraceRow,
    WeeksToIssue,
)
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


def _renamed(cls: type[Any], **names: str) -> None:
    """Register ``cls``'s JSON shape both ways, with the fields given renamed."""
    overrides: dict[str, Any] = {field: override(rename=name) for field, name in names.items()}
    converter.register_unstructure_hook(cls, make_dict_unstructure_fn(cls, converter, **overrides))
    converter.register_structure_hook(cls, make_dict_structure_fn(cls, converter, **overrides))


_renamed(WeeksToIssue, from_20_to_52="20_to_52")
_renamed(OpenAssessments, from_20_to_30="20_to_30", from_30_to_52="30_to_52")
_renamed(
    OverdueReviews,
    from_1_to_3="1_to_3",
    from_3_to_6="3_to_6",
    from_6_to_12="6_to_12",
    from_12="12_and_over",
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
