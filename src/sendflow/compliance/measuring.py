"""Measuring a caseload: which assessments DfE leaves out, then every case tallied once."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from datetime import date

import attrs

from sendflow.compliance.figures import Report
from sendflow.compliance.indicators import EVENTS_READ, ORDERS, RULES_READ, Tally, Trace
from sendflow.compliance.periods import ReportPeriod
from sendflow.compliance.transfers import TransferPlan
from sendflow.compliance.verdicts import StoredVerdicts, needs_evaluating
from sendflow.definitions.model import Process
from sendflow.engine.replay import evaluate
from sendflow.store import Store
from sendflow.store.records import StoredCase
from sendflow.store.settled import CaseHead, CaseLimits, LimitRow

__all__ = [
    "MEDIATION",
    "TRIBUNAL",
    "appeal_stages",
    "measure",
    "measure_store",
    "went_to_mediation_or_tribunal",
]

MEDIATION = frozenset({"mediation_held", "mediation_agreement_reached"})
"""Events that show an appeal reached mediation."""
TRIBUNAL = frozenset({"appeal_registered"})
"""Events that show an appeal was registered with the tribunal."""


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
    """Every indicator over every case in ``store``: appeals read first, then every case.

    With ``stored_results`` (the default) and no ``trace``, a case with no event after
    ``as_of`` is counted from the store's time-limit rows and the few events the
    indicators read, without evaluating it again (see :mod:`sendflow.compliance.verdicts`);
    the figures are the same as evaluating every case. A trace names exception reasons,
    which the store does not keep, so with one every case is evaluated.
    """
    left_out = went_to_mediation_or_tribunal(store.iter_cases(process="appeal"), as_of=as_of)
    if trace is not None or not stored_results:
        return measure(
            store.iter_cases(),
            process=store.process,
            period=period,
            as_of=as_of,
            left_out=left_out,
            plan=plan,
            trace=trace,
            progress=progress,
        )
    tally = Tally(period, as_of, left_out=left_out, plan=plan)
    for item in store.iter_case_limits(
        rules=RULES_READ, rule_prefix=ORDERS, events=EVENTS_READ, whole=_whole(store, as_of)
    ):
        if progress is not None:
            progress(1)
        _count_stored(tally, item, store.process, as_of)
    return tally.report()


def _whole(store: Store, as_of: date) -> Callable[[CaseHead, Sequence[LimitRow]], bool]:
    """Which cases must be read whole and evaluated: appeals, and those rows cannot give."""

    def whole(head: CaseHead, limits: Sequence[LimitRow]) -> bool:
        if head.opened_on > as_of:
            return False  # not counted at all
        if head.process == "appeal":
            return True  # the tally reads an appeal's history
        return needs_evaluating(head, limits, store.process(head.process).version, as_of)

    return whole


def _count_stored(
    tally: Tally, item: CaseLimits, process: Callable[[str], Process], as_of: date
) -> None:
    """Count one case read with its rows: from them, or evaluated if read whole."""
    head = item.head
    case = StoredCase(
        head.case_id,
        head.process,
        head.process_version,
        head.state,
        head.version,
        head.related_case,
        item.events,
    )
    if item.whole:
        _evaluated(tally, case, process, as_of)
    elif item.events and head.opened_on <= as_of:
        tally.add(case, StoredVerdicts(head, item.limits, as_of))
