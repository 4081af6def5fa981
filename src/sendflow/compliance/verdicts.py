"""What the indicators read of an evaluated case, and the same read from the store's rows.

:class:`Verdicts` is the part of a :class:`sendflow.Evaluation` the tally reads: the
state, whether it is final, and the time-limit results. The store keeps every clock's
result as of the case's latest event (the ``time_limits`` rows). For an as-of date on or
after that event nothing more happens to the case, so a result that is settled (met, void,
stopped) stands as stored, and a clock still running is due or overdue by the as-of date
exactly as the engine's verdict says (:class:`StoredVerdicts`): the case need not be
evaluated again. A case with events after the as-of date, a minimum period still
pending, or a definition whose version differs from the one stored is evaluated in full.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import NamedTuple, Protocol

from sendflow.engine.results import Status
from sendflow.store.settled import CaseHead, LimitRow

__all__ = [
    "REASONS_NOT_STORED",
    "StoredResult",
    "StoredVerdicts",
    "Verdict",
    "Verdicts",
    "needs_evaluating",
]


class Verdict(Protocol):
    """One clock's verdict, as the tally reads it (a :class:`TimeLimitResult` is one)."""

    @property
    def rule(self) -> str:
        """The rule id."""

    @property
    def key(self) -> str | None:
        """The ``per`` value, if any."""

    @property
    def started_on(self) -> date:
        """When the clock started."""

    @property
    def due_on(self) -> date | None:
        """The due date, if known."""

    @property
    def met_on(self) -> date | None:
        """When it was met, if it was."""

    @property
    def status(self) -> Status:
        """The verdict."""

    @property
    def exceptions(self) -> tuple[str, ...]:
        """The exception reasons the clock accepted."""


class Verdicts(Protocol):
    """A case's standing and verdicts as of a date (a :class:`sendflow.Evaluation` is one)."""

    @property
    def state(self) -> str:
        """The case's state."""

    @property
    def final(self) -> bool:
        """Whether the state closes the case."""

    @property
    def time_limits(self) -> Sequence[Verdict]:
        """One verdict per clock, in the order the clocks started."""

    def result(self, rule: str) -> Verdict:
        """The latest verdict for ``rule``; ``KeyError`` if no clock of it started."""


REASONS_NOT_STORED = ("reasons not stored",)
"""A stored result's ``exceptions`` when the clock accepted some: the store keeps only
that it did, not the reasons, so the tally reads stored results only when it writes no
trace (whose words would name them)."""


class StoredResult(NamedTuple):
    """A clock's verdict read from its stored row (see :class:`Verdict`)."""

    rule: str
    key: str | None
    started_on: date
    due_on: date | None
    met_on: date | None
    status: Status
    exceptions: tuple[str, ...]


class StoredVerdicts:
    """A case's verdicts as of a date on or after its latest event, from its stored rows."""

    __slots__ = ("final", "state", "time_limits")

    def __init__(self, head: CaseHead, limits: Sequence[LimitRow], as_of: date) -> None:
        self.state = head.state
        self.final = head.final
        self.time_limits = tuple(_verdict(row, as_of) for row in limits)

    def result(self, rule: str) -> StoredResult:
        """The latest verdict for ``rule``; ``KeyError`` if no clock of it started."""
        for found in reversed(self.time_limits):
            if found.rule == rule:
                return found
        raise KeyError(rule)


def needs_evaluating(head: CaseHead, limits: Sequence[LimitRow], version: str, as_of: date) -> bool:
    """Whether the stored rows cannot give the case's verdicts as of ``as_of``.

    They cannot when an event comes after ``as_of``, when the definition's ``version``
    is not the one the rows were made with, or when a minimum period is still pending (its
    verdict turns on the as-of date in its own way; a lead time's never does).
    """
    if head.last_event_on > as_of or head.process_version != version:
        return True
    return any(row.kind == "minimum" and row.status == "pending" for row in limits)


_STATUS = {status.value: status for status in Status}


def _verdict(row: LimitRow, as_of: date) -> StoredResult:
    """A row's verdict as of ``as_of``: a running deadline falls due; the rest stand."""
    status = _STATUS[row.status]
    due = row.due_on
    if row.is_open and due is not None and row.kind == "deadline":
        # The engine's verdict on a running clock (Clock.verdict): nothing has met, voided
        # or stopped it, so only the as-of date against the due date decides.
        if row.conditional or as_of <= due:
            status = Status.PENDING
        else:
            status = Status.EXCUSED if row.excused else Status.OVERDUE
    reasons = REASONS_NOT_STORED if row.excused else ()
    return StoredResult(row.rule, row.key, row.started_on, due, row.met_on, status, reasons)
