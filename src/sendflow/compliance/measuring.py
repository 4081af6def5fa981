"""Measuring a caseload: which assessments DfE leaves out, then every case tallied once."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from datetime import date

import attrs

from sendflow.compliance.counting import LEFT_OUT_EVENTS, add_settled, counting
from sendflow.compliance.figures import Report
from sendflow.compliance.indicators import (
    EVENTS_READ,
    MEDIATION,
    ORDERS,
    RULES_READ,
    TRIBUNAL,
    Tally,
    Trace,
)
from sendflow.compliance.periods import ReportPeriod
from sendflow.compliance.transfers import TransferPlan
from sendflow.compliance.verdicts import StoredVerdicts, needs_evaluating
from sendflow.definitions.model import Process
from sendflow.engine.replay import evaluate
from sendflow.store import Store
from sendflow.store.records import StoredCase
from sendflow.store.settled import CaseHead, LimitRow

__all__ = [
    "MEDIATION",
    "TRIBUNAL",
    "appeal_stages",
    "measure",
    "measure_store",
    "went_to_mediation_or_tribunal",
]


def appeal_stages(
    appeals: Iterable[StoredCase], *, as_of: date
) -> tuple[frozenset[str], frozenset[str]]:
    """The assessment case ids whose appeal reached mediation, and the tribunal, by ``as_of``.

    An appeal names its assessment as its related case; cases of other processes are
    ignored.
    """
    mediation: set[str] = set()
    tribunal: set[str] = set()
    for case in appeals:
        if case.process != "appeal" or case.related_case is None:
            continue
        names = {e.name for e in case.events if e.on <= as_of}
        if names & MEDIATION:
            mediation.add(case.related_case)
        if names & TRIBUNAL:
            tribunal.add(case.related_case)
    return frozenset(mediation), frozenset(tribunal)


def went_to_mediation_or_tribunal(appeals: Iterable[StoredCase], *, as_of: date) -> frozenset[str]:
    """The assessment case ids named by an appeal that reached mediation or the tribunal.

    An appeal counts when, by ``as_of``, mediation took place (or an agreement was reached
    at mediation) or the appeal was registered.
    """
    mediation, tribunal = appeal_stages(appeals, as_of=as_of)
    return mediation | tribunal


def measure(
    cases: Iterable[StoredCase],
    *,
    process: Callable[[str], Process],
    period: ReportPeriod,
    as_of: date,
    left_out: Collection[str] = frozenset(),
    plan: TransferPlan | None = None,
    trace: Trace | None = None,
    progress: Callable[[int], None] | None = None,
) -> Report:
    """Every indicator over ``cases``, each evaluated as of ``as_of``.

    Args:
        cases: The cases, streamed; those begun after ``as_of`` are skipped, and events
            after it are left out.
        process: Gives the process definition for a process id.
        period: The reporting period.
        as_of: The date the verdicts are for.
        left_out: Assessments that went to mediation or tribunal (see
            :func:`went_to_mediation_or_tribunal`).
        plan: The council's transfer plan, if any.
        trace: Called with each case behind each figure.
        progress: Called with 1 after each case read.
    """
    tally = Tally(period, as_of, left_out=left_out, plan=plan, trace=trace)
    for given in cases:
        if progress is not None:
            progress(1)
        _evaluated(tally, given, process, as_of)
    return tally.report()


def _evaluated(
    tally: Tally, given: StoredCase, process: Callable[[str], Process], as_of: date
) -> None:
    """Evaluate one case as of ``as_of`` and count it (unless it began after that day)."""
    if not given.events or given.events[0].on > as_of:
        return
    case = given
    if given.events[-1].on > as_of:
        case = attrs.evolve(given, events=tuple(e for e in given.events if e.on <= as_of))
    evaluation = evaluate(process(case.process), case.events, as_of=as_of, case_id=case.case_id)
    tally.add(case, evaluation)


def measure_store(
    store: Store,
    period: ReportPeriod,
    *,
    as_of: date,
    plan: TransferPlan | None = None,
    trace: Trace | None = None,
    progress: Callable[[int], None] | None = None,
    stored_results: bool = True,
) -> Report:
    """Every indicator over every case in ``store``.

    With ``stored_results`` (the default) and no ``trace``, the cases settled as of
    ``as_of`` (no event after it, stored under the definition version in force) are
    counted by grouped queries over the store's time-limit rows and events
    (:meth:`Store.count_settled`), without reading them one by one; the others are read
    whole and evaluated. With a ``trace``, which names every case behind every figure,
    each settled case is read with its time-limit rows and the few events the figures
    read (:meth:`Store.iter_case_limits`) and counted from them; the cases not settled,
    and those whose 20-week clock accepted exceptions (whose reasons the rows do not keep),
    are read whole and evaluated. The figures and
    the trace are the same as evaluating every case (``stored_results=False``).
    """
    if not stored_results:
        left_out = went_to_mediation_or_tribunal(
            store.iter_cases(process="appeal", recorded=False), as_of=as_of
        )
        return measure(
            store.iter_cases(recorded=False),
            process=store.process,
            period=period,
            as_of=as_of,
            left_out=left_out,
            plan=plan,
            trace=trace,
            progress=progress,
        )
    tally = Tally(period, as_of, plan=plan, trace=trace)
    if trace is not None:
        tally.left_out = store.left_out_assessments(as_of, events=LEFT_OUT_EVENTS)
        _count_traced(tally, store, progress)
        return tally.report()
    asked = counting(tally)
    counts = store.count_settled(asked)
    counted = add_settled(tally, counts)
    if progress is not None:
        progress(counted)
    if counted == sum(head[-1] for head in counts.heads):
        return tally.report()  # every case settled: none to read
    # The queries leave out what mediation or tribunal took out; an evaluated case needs
    # the list of those assessments.
    tally.left_out = store.left_out_assessments(as_of, events=LEFT_OUT_EVENTS)
    for case in store.iter_unsettled(asked):
        if progress is not None:
            progress(1)
        _evaluated(tally, case, store.process, as_of)
    return tally.report()


def _count_traced(tally: Tally, store: Store, progress: Callable[[int], None] | None) -> None:
    """Count every case in id order, from its rows where they give the trace too."""
    as_of = tally.as_of

    def whole(head: CaseHead, limits: Sequence[LimitRow]) -> bool:
        if head.opened_on > as_of:
            return False  # not counted at all
        if any(r.rule == "final-plan" and r.excused for r in limits):
            return True  # the trace names the exceptions, whose reasons rows do not keep
        return needs_evaluating(head, limits, store.process(head.process).version, as_of)

    for item in store.iter_case_limits(
        rules=RULES_READ, rule_prefix=ORDERS, events=EVENTS_READ, whole=whole
    ):
        if progress is not None:
            progress(1)
        head = item.head
        case = head.with_events(item.events)
        if item.whole:
            _evaluated(tally, case, store.process, as_of)
        elif item.events and head.opened_on <= as_of:
            tally.add(case, StoredVerdicts(head, item.limits, as_of))
