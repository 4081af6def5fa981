"""The settled cases' grouped rows (:meth:`sendflow.Store.count_settled`) into a tally.

Each grouped row is handed to the same ``count_*`` method of :class:`Tally` that an
evaluated case goes through, with its number of cases, so the two paths cannot count
differently.
"""

from __future__ import annotations

from sendflow.compliance.indicators import (
    APPEAL_OUTCOMES,
    ASSESSMENT,
    CLOCK_RULES,
    LEFT_OUT_ROUTES,
    MEDIATION,
    ORDERS,
    RULES_READ,
    TRIBUNAL,
    TWENTY_WEEKS,
    Tally,
    appeal_outcome,
)
from sendflow.compliance.transfers import TRANSFER_DEADLINES
from sendflow.compliance.verdicts import REASONS_NOT_STORED
from sendflow.store.counting import Counting, SettledCounts

__all__ = ["LEFT_OUT_EVENTS", "add_settled", "counting"]

LEFT_OUT_EVENTS = MEDIATION | TRIBUNAL
"""An appeal's events that leave the assessment it names out of DfE's 20-week measure."""


def counting(tally: Tally) -> Counting:
    """What to ask the store for the tally's period and date."""
    assert ORDERS == "order-"  # the queries count every rule with this start
    return Counting(
        tally.period.first,
        tally.period.last,
        tally.as_of,
        CLOCK_RULES,
        RULES_READ,
        LEFT_OUT_EVENTS,
        LEFT_OUT_ROUTES,
        frozenset(TRANSFER_DEADLINES),
        APPEAL_OUTCOMES,
    )


def add_settled(tally: Tally, counts: SettledCounts) -> int:
    """Count the settled cases' rows; return how many cases they stand for."""
    cases = 0
    for process, requested_on, final, state, later, settled, n in counts.heads:
        if not settled:
            continue
        cases += n
        if later:
            continue  # begun after the as-of date: not counted at all
        if process == ASSESSMENT and requested_on is not None:
            tally.count_request(requested_on, n)
            if not final:
                tally.count_open(requested_on, n)
        elif state is not None:
            tally.count_budget(state, n)
    for rule, party, met, n in counts.clocks:
        tally.count_clock(rule, party, met, n)
    for month, days, left_out, verdict, excused, excepted, n in counts.plans:
        # The store keeps whether the 20-week clock accepted exceptions, not their reasons.
        accepted = excepted if excused is None else excused
        tally.count_plan(
            month,
            days,
            left_out=left_out,
            on_time=days <= TWENTY_WEEKS if verdict is None else verdict == "met",
            exceptions=REASONS_NOT_STORED if accepted else (),
            n=n,
        )
    for due_on, n in counts.reviews:
        tally.count_overdue_review(due_on, n)
    if counts.refusals:
        tally.count_refusals(None, counts.refusals)
    transfers = tally.transfers
    if counts.transfer_deadline is not None:
        transfers.count_deadline(counts.transfer_deadline)
    for final, done_on, n in counts.transfers:
        transfers.count(final, done_on, n)
    for decision, outcome, order, n in counts.appeals:
        tally.count_appeal(decision, appeal_outcome(outcome, order), n)
    return cases
