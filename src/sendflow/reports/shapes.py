"""The report's JSON and CSV shapes, registered on the project's converter.

Importing this module registers the hooks; :func:`report_json` and :func:`trace_record`
give the shapes ``docs/contracts.md`` documents ("The report").
"""

from __future__ import annotations

from collections.abc import Mapping
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


_RATE_KEYS = ("numerator", "denominator", "percent")


def _read_rate(data: Mapping[str, Any], _: type) -> Rate:
    """A rate read back: its counts, with ``percent`` checked against them."""
    if not isinstance(data, Mapping):
        raise TypeError(f"expected a rate ({', '.join(_RATE_KEYS)}), not {type(data).__name__}")
    extra = set(data) - set(_RATE_KEYS)
    missing = [key for key in _RATE_KEYS if key not in data]
    if extra or missing:
        raise ValueError(
            f"a rate has the keys {', '.join(_RATE_KEYS)}"
            + (f"; extra: {', '.join(sorted(extra))}" if extra else "")
            + (f"; missing: {', '.join(missing)}" if missing else "")
        )
    rate = Rate(
        converter.structure(data["numerator"], int), converter.structure(data["denominator"], int)
    )
    if data["percent"] != rate.percent:
        raise ValueError(
            f"percent {data['percent']!r} is not {rate.numerator} of {rate.denominator} "
            f"({rate.percent!r}): give percent to 2 places, or null when the denominator is 0"
        )
    return rate


def _period(period: ReportPeriod) -> dict[str, str]:
    return {"from": period.first.isoformat(), "to": period.last.isoformat()}


def _read_period(data: dict[str, str], _: type) -> ReportPeriod:
    return ReportPeriod(
        converter.structure(data["from"], date), converter.structure(data["to"], date)
    )


converter.register_unstructure_hook(Rate, _rate)
converter.register_structure_hook(Rate, _read_rate)
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
