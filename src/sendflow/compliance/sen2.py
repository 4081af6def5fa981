"""SEN2-style extracts: one row per request for an EHC needs assessment, in and out.

A council can import its existing extract into cases, or export the same shape from
stored histories, and check its own return against sendflow's figures. The columns
follow DfE's person-level SEN2 return (``docs/compliance.md``, "SEN2 extracts"):

``case_id, received_date, request_outcome, request_outcome_date, assessment_outcome,
assessment_outcome_date, week20, mediation, tribunal``

Outcomes use SEN2's codes: Y (yes), N (no), W (withdrawn), A (awaiting); dates are
``YYYY-MM-DD``; flags are 1 or 0. ``assessment_outcome_date`` is the day the final plan
was issued (Y) or the family was told no plan would be (N).
"""

from __future__ import annotations

import csv
from collections.abc import Collection, Iterable, Iterator
from datetime import date, timedelta
from typing import Any

from sendflow.compliance.periods import read_day
from sendflow.engine.casefiles import CaseSource
from sendflow.errors import SendflowError
from sendflow.store.records import StoredCase

__all__ = ["COLUMNS", "read_sen2", "sen2_rows"]

COLUMNS = (
    "case_id",
    "received_date",
    "request_outcome",
    "request_outcome_date",
    "assessment_outcome",
    "assessment_outcome_date",
    "week20",
    "mediation",
    "tribunal",
)
_DRAFT_BEFORE_FINAL = timedelta(days=15)
_FLAGS = {"1": True, "0": False, "": False}


def sen2_rows(
    cases: Iterable[StoredCase], *, mediation: Collection[str], tribunal: Collection[str]
) -> Iterator[dict[str, str]]:
    """One SEN2 row for each ``ehc-needs-assessment`` case among ``cases``.

    Args:
        cases: Stored cases (others than assessments are skipped), events up to the
            as-of date.
        mediation: Assessment ids whose appeal reached mediation.
        tribunal: Assessment ids whose appeal was registered with the tribunal.
    """
    for case in cases:
        if case.process != "ehc-needs-assessment" or not case.events:
            continue
        request, decided, assessment, settled = "A", None, "", None
        exception = False
        for event in case.events:
            name = event.name
            if name == "decided_to_assess" and request == "A":
                request, decided, assessment = "Y", event.on, "A"
            elif name == "refused_to_assess" and request == "A":
                request, decided = "N", event.on
            elif name == "refusal_reversed":
                assessment = "A"
            elif name == "request_withdrawn":
                if request == "A":
                    request, decided = "W", event.on
                elif assessment == "A":
                    assessment, settled = "W", event.on
            elif name in ("final_plan_issued", "decided_not_to_issue"):
                assessment, settled = ("Y" if name == "final_plan_issued" else "N"), event.on
            elif name == "exception_recorded":
                exception = True
        yield {
            "case_id": case.case_id,
            "received_date": case.events[0].on.isoformat(),
            "request_outcome": request,
            "request_outcome_date": "" if decided is None else decided.isoformat(),
            "assessment_outcome": assessment,
            "assessment_outcome_date": "" if settled is None else settled.isoformat(),
            "week20": str(int(exception)),
            "mediation": str(int(case.case_id in mediation)),
            "tribunal": str(int(case.case_id in tribunal)),
        }


def read_sen2(lines: Iterable[str], *, where: str) -> Iterator[CaseSource]:
    """The cases an SEN2-style CSV extract describes, each with where it came from.

    A row gives an ``ehc-needs-assessment`` case, and an ``appeal`` case when it is
    flagged for mediation or tribunal.

    Raises:
        SendflowError: The header lacks a column, or a row has a bad code, date or flag;
            the message gives the file, line and column.
    """
    reader = csv.DictReader(lines)
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or ())]
    if missing:
        raise SendflowError(
            f"{where}, line 1: the SEN2 extract lacks the column(s) {', '.join(missing)}; "
            f"its header must name {', '.join(COLUMNS)}."
        )
    for line, row in enumerate(reader, start=2):
        at = f"{where}, line {line}"
        yield from (CaseSource(at, case) for case in _cases(row, at))


def _cases(row: dict[str, Any], at: str) -> list[dict[str, Any]]:
    case_id = (row["case_id"] or "").strip()
    if not case_id:
        raise SendflowError(f"{at}, case_id: every row needs a case id.")
    received = read_day(row["received_date"].strip(), where=f"{at}, received_date")
    request = _code(row, "request_outcome", "YNWA", at)
    decided = _optional_day(row, "request_outcome_date", at)
    assessment = _code(row, "assessment_outcome", "YNWA", at, blank=True)
    settled = _optional_day(row, "assessment_outcome_date", at)
    if request != "A" and decided is None:
        raise SendflowError(f"{at}, request_outcome_date: outcome {request} needs its date.")
    if assessment in ("Y", "N", "W") and settled is None:
        raise SendflowError(f"{at}, assessment_outcome_date: outcome {assessment} needs its date.")
    events: list[dict[str, Any]] = [_event("request_received", received)]
    if _flag(row, "week20", at):
        events.append(
            _event(
                "exception_recorded",
                received,
                reason="exceptional-personal-circumstances",
                note="SEN2 extract: 20-week exception flag set; the reason is not in the extract",
            )
        )
    decision = {"Y": "decided_to_assess", "N": "refused_to_assess", "W": "request_withdrawn"}
    if request in decision and decided is not None:
        events.append(_event(decision[request], decided))
    if request == "Y" and settled is not None:
        if assessment == "Y":
            events.append(
                _event("draft_plan_issued", max(decided or received, settled - _DRAFT_BEFORE_FINAL))
            )
            events.append(_event("final_plan_issued", settled))
        elif assessment == "N":
            events.append(_event("decided_not_to_issue", settled))
        elif assessment == "W":
            events.append(_event("request_withdrawn", settled))
    cases = [{"process": "ehc-needs-assessment", "case_id": case_id, "events": events}]
    mediation, tribunal = _flag(row, "mediation", at), _flag(row, "tribunal", at)
    if mediation or tribunal:
        cases.append(
            _appeal(case_id, request, assessment, decided or received, settled, mediation, tribunal)
        )
    return cases


def _appeal(
    case_id: str,
    request: str,
    assessment: str,
    decided: date,
    settled: date | None,
    mediation: bool,
    tribunal: bool,
) -> dict[str, Any]:
    """An appeal case standing for the extract's flags; its steps share one date."""
    if request == "N":
        decision, on = "refusal-to-assess", decided
    elif assessment == "Y" and settled is not None:
        decision, on = "plan-contents", settled
    else:
        decision, on = "refusal-to-issue", settled or decided
    events = [
        _event("decision_notice_sent", on, decision=decision),
        _event("mediation_adviser_contacted", on),
    ]
    if mediation:
        events += [_event("mediation_requested", on), _event("mediation_held", on)]
    else:
        events.append(_event("mediation_declined", on))
    if tribunal:
        events += [
            _event("mediation_certificate_issued", on),
            _event("appeal_registered", on, response_due=on.isoformat()),
        ]
    return {
        "process": "appeal",
        "case_id": f"{case_id}-appeal",
        "related_case": case_id,
        "events": events,
    }


def _event(name: str, on: date, **data: Any) -> dict[str, Any]:
    item: dict[str, Any] = {"event": name, "on": on.isoformat()}
    if data:
        item["data"] = data
    return item


def _code(row: dict[str, Any], column: str, allowed: str, at: str, *, blank: bool = False) -> str:
    value = (row[column] or "").strip().upper()
    if value in allowed and (value or blank):
        return value
    choices = ", ".join(allowed) + (" or blank" if blank else "")
    raise SendflowError(f"{at}, {column}: {value!r} is not a code it may hold ({choices}).")


def _optional_day(row: dict[str, Any], column: str, at: str) -> date | None:
    value = (row[column] or "").strip()
    return read_day(value, where=f"{at}, {column}") if value else None


def _flag(row: dict[str, Any], column: str, at: str) -> bool:
    value = (row[column] or "").strip()
    if value not in _FLAGS:
        raise SendflowError(f"{at}, {column}: {value!r} is not a flag; write 1 or 0.")
    return _FLAGS[value]
