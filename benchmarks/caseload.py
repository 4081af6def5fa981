"""A seeded, realistic mixed caseload of every packaged process, for benchmarks.

A council's cases mostly follow each process's usual course, with some branching off it:
a request withdrawn, mediation declined, a refusal reviewed, an exception recorded. Each
process but the EHC needs assessment (``ehc_histories``, written out by hand) is walked
along its usual course (``USUAL``), taking another allowed event instead at one step in
ten, and recording an exception at one case in twelve where the process has them. Who is
asked for advice varies (two to four of seven bodies, answering in any order), as do the
listed values (who made the request, the kind of transfer, the tribunal's order) and the
dates. Histories that replay rejects (a rare combination of data) are dropped and made
again.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import sendflow
from ehc_histories import PARTIES, ehc_histories
from sendflow.definitions.model import DataField, FieldType, Process
from sendflow.engine.machine import INITIAL, MET, START, compile_process
from walks import accepted

USUAL: dict[str, tuple[str, ...]] = {
    "annual-review": (
        "plan_issued", "review_meeting_notice_sent", "review_advice_circulated",
        "review_meeting_held", "review_report_sent", "decided_to_maintain",
    ),
    "appeal": (
        "decision_notice_sent", "mediation_adviser_contacted", "mediation_requested",
        "mediation_held", "mediation_certificate_issued", "appeal_registered",
        "la_response_filed", "hearing_held", "tribunal_decided", "final_plan_issued",
    ),
    "ehc-reassessment": (
        "reassessment_requested", "decided_to_reassess", "advice_requested",
        "advice_requested", "advice_received", "advice_received", "draft_plan_issued",
        "final_plan_issued",
    ),
    "personal-budget": (
        "budget_requested", "budget_prepared", "direct_payments_requested",
        "direct_payments_agreed", "direct_payments_started", "direct_payments_reviewed",
    ),
    "local-offer": (
        "preparation_started", "young_people_and_parents_involved", "consultation_started",
        "consultees_consulted", "offer_published", "comments_sought", "comments_collected",
        "comment_triaged", "comments_anonymised", "response_prepared",
        "comments_and_response_published",
    ),
    "plan-transfer": ("move_learned_of", "plan_transferred", "family_informed"),
    "statement-transfer": (
        "transfer_review_notice_given", "transfer_review_started", "advice_requested",
        "advice_requested", "advice_received", "advice_received", "draft_plan_issued",
        "final_plan_issued",
    ),
}  # fmt: skip
"""Each process's usual course, as the event names most cases record in order."""

BRANCH = 0.1  # the share of steps that leave the usual course
EXCEPTIONS = 1 / 12  # the share of cases with an exception recorded


class _Case:
    """One case being written: its process, events, date and the keys still open."""

    def __init__(self, process: Process, rng: random.Random) -> None:
        self.process = process
        self.compiled = compile_process(process)
        self.rng = rng
        self.day = date(2015, 1, 1) + timedelta(days=rng.randrange(0, 10 * 365))
        self.state = INITIAL
        self.events: list[sendflow.Event] = []
        self.open: dict[str, list[str]] = {}  # per field: values started and not yet met

    def allowed(self) -> list[str]:
        if self.state == INITIAL:
            return list(self.process.start)
        spec = self.process.events
        return [e for e in self.compiled.allowed(self.state) if not spec[e].exception]

    def record(self, name: str) -> None:
        spec = self.process.events[name]
        plan = self.compiled.plans[name]
        data = {f.name: self._value(name, f, plan.ops) for f in spec.data.values()}
        data = {k: v for k, v in data.items() if v is not None}
        self.events.append(sendflow.Event(name, self.day, data=data))
        self.state = spec.target_for(data) or self.compiled.table[self.state][name]
        self.day += timedelta(days=self.rng.randint(1, 25))

    def record_exception(self) -> None:
        """An exception whose effect a shape settles (no dates or facts to weigh)."""
        reasons = self.process.exception_reasons
        usable = [
            r.id
            for r in reasons.values()
            if not r.check and r.clock_ran_from is None and r.clock_ran_to is None
        ]
        allowed = self.process.events["exception_recorded"].data["reason"].one_of or ()
        usable = [r for r in usable if r in allowed]
        if usable:
            reason = usable[0] if self.rng.random() < 0.7 else self.rng.choice(usable)
            self.events.append(
                sendflow.Event("exception_recorded", self.day, data={"reason": reason})
            )
        self.day += timedelta(days=self.rng.randint(1, 10))

    def _value(self, event: str, field: DataField, ops: Any) -> Any:
        rng = self.rng
        keyed = [op for op, plan in ops if plan.per == field.name]
        if keyed:
            waiting = self.open.setdefault(field.name, [])
            if MET in keyed and waiting:
                return waiting.pop(rng.randrange(len(waiting)))
            if START in keyed:
                fresh = [p for p in PARTIES if p not in waiting] or list(PARTIES)
                waiting.append(rng.choice(fresh))
                return waiting[-1]
        if field.type is FieldType.BOOLEAN:
            return True
        if field.one_of:
            # The first listed value is the usual one.
            return field.one_of[0] if rng.random() < 0.6 else rng.choice(field.one_of)
        if field.type is FieldType.DATE:
            return self.day + timedelta(days=rng.randint(14, 120))
        if field.type is FieldType.INTEGER:
            return self.day.year + 1
        if field.type is FieldType.LIST:
            return None
        if field.required:
            return rng.choice(("needs met elsewhere", "not in the child's interest"))
        return None


def case_history(process: Process, rng: random.Random) -> list[sendflow.Event]:
    """One case of ``process`` along its usual course, with branches (not yet checked)."""
    case = _Case(process, rng)
    usual = list(USUAL[process.id])
    exception_at = rng.randrange(2, 6) if rng.random() < EXCEPTIONS else -1
    while usual and len(case.events) < 16 and not case.compiled.final[case.state]:
        allowed = case.allowed()
        if len(case.events) == exception_at and "exception_recorded" in process.events:
            case.record_exception()
            exception_at = -1
            continue
        if usual[0] in allowed and rng.random() >= BRANCH:
            case.record(usual.pop(0))
        elif allowed:
            case.record(rng.choice(allowed))
            while usual and usual[0] not in case.allowed() and len(usual) > 1:
                usual.pop(0)  # the course goes on from where the branch allows
        else:
            break
    return case.events


def histories(process: Process, count: int, *, seed: int = 2014) -> Iterator[list[sendflow.Event]]:
    """``count`` valid histories of ``process``, generated lazily."""
    if process.id == "ehc-needs-assessment":
        yield from ehc_histories(count, seed=seed)
        return
    yield from accepted(process, lambda rng: case_history(process, rng), count, seed=seed)


def caseload(count: int) -> Iterator[tuple[Process, list[sendflow.Event]]]:
    """``count`` cases of every packaged process, in turn."""
    processes = [sendflow.load_process(pid) for pid in sendflow.packaged_processes()]
    share = -(-count // len(processes))
    streams = [
        zip(itertools.repeat(p), histories(p, share, seed=i)) for i, p in enumerate(processes)
    ]
    yield from itertools.islice(itertools.chain.from_iterable(zip(*streams, strict=False)), count)
