"""What evaluating a case gives: its state and a verdict for every time limit."""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any, NamedTuple

import attrs

__all__ = ["BREACHES", "Evaluation", "Standing", "Status", "TimeLimitResult", "Words"]


class Status(enum.StrEnum):
    """The verdict on one time limit as of a date."""

    PENDING = "pending"
    """Running and not yet due (or a conditional rule waiting for the case to resolve)."""
    OVERDUE = "overdue"
    """Running (or stopped) past its due date without being met."""
    MET = "met"
    """Met on or before the due date."""
    LATE = "late"
    """Met after the due date."""
    EXCUSED = "excused"
    """Late or overdue, but an exception the rule accepts was recorded while it ran."""
    VOID = "void"
    """Ended without a verdict: withdrawn, made moot, or closed before it fell due."""
    RESPECTED = "respected"
    """A minimum period that passed without the guarded event coming early."""
    VIOLATED = "violated"
    """A minimum period inside which the guarded event came."""


BREACHES = frozenset({Status.OVERDUE, Status.LATE, Status.VIOLATED})
"""The verdicts that count as a breach (``sendflow check --fail-on-breach``)."""


Words = tuple[Any, ...]
"""An explanation not yet put in words: a function, then the arguments that make them.

A result keeps this rather than a closure or a ``functools.partial``: a tuple is several
times cheaper to make, and most results' words are never read."""


class _ResultFields(NamedTuple):
    rule: str
    key: str | None
    kind: str
    duty: str
    started_on: date
    due_on: date | None
    met_on: date | None
    status: Status
    days_late: int
    exceptions: tuple[str, ...]
    reference: str
    explain: str | Callable[[], str] | Words | None = None
    local: bool = False
    target_of: str | None = None


class TimeLimitResult(_ResultFields):
    """One clock's verdict, with the dates and the reasoning behind it.

    A light immutable record: evaluating 100,000 cases makes about 700,000 of them, so it
    is a named tuple rather than a slotted class (a third of the cost to make). Equality
    and hashing leave out ``explain``, which only produces the words.

    Attributes:
        rule: The rule id (``final-plan``).
        key: The ``per`` value (the party asked, the institution consulted), or ``None``.
        kind: ``deadline``, ``minimum`` or ``lead_time``.
        duty: Who bears the duty (``local-authority``, ``parent``, ...).
        started_on: When the clock started.
        due_on: The due date: for a minimum period, the first day the guarded event may
            come; for a lead time, the last day the earlier event could come; ``None``
            while it cannot yet be known.
        met_on: When the meeting (or guarded) event came, if it did.
        status: The verdict.
        days_late: Days past the due date (frozen when the clock stopped), else 0.
        exceptions: The exception reasons recorded while the clock ran that it accepts.
        reference: The legal reference, as text.
        explain: The explanation, or what makes it when it is first read (a function,
            or a :data:`Words` tuple of a function and its arguments).
        local: Whether the rule is a council's own (a local target or notification from
            an overlay) rather than the law's; local results are never breaches.
        target_of: For a local target, the statutory rule it tightens.
    """

    __slots__ = ()

    @property
    def explanation(self) -> str:
        """How the due date and verdict were derived, in words, with the citation."""
        explain = self.explain
        if explain is None:
            return ""
        if isinstance(explain, str):
            return explain
        if isinstance(explain, tuple):
            make, *arguments = explain
            return str(make(*arguments))
        return explain()

    @property
    def breached(self) -> bool:
        """Whether the verdict is overdue, late or violated."""
        return self.status in BREACHES

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, TimeLimitResult):
            return NotImplemented
        return self[:11] == other[:11]

    def __ne__(self, other: object) -> bool:
        if not isinstance(other, TimeLimitResult):
            return NotImplemented
        return self[:11] != other[:11]

    def __hash__(self) -> int:
        return hash(self[:11])

    def __repr__(self) -> str:
        pairs = zip(self._fields[:11], self[:11], strict=True)
        shown = ", ".join(f"{name}={value!r}" for name, value in pairs)
        return f"TimeLimitResult({shown})"

    def to_dict(self) -> dict[str, Any]:
        """The JSON form of ``sendflow check``, through :data:`sendflow.contracts.converter`.

        Kept for the public API; the converter defines the shape.
        """
        from sendflow.contracts import converter  # noqa: PLC0415 (the layer above)

        data: dict[str, Any] = converter.unstructure(self, TimeLimitResult)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TimeLimitResult:
        """Read back the form :meth:`to_dict` writes, through the converter.

        Raises:
            CaseFileError: ``data`` is not a result's JSON form (each wrong field named).
        """
        from sendflow.contracts import structure  # noqa: PLC0415 (the layer above)

        return structure(data, TimeLimitResult)


@attrs.frozen
class Standing:
    """Where a case in one state of a process stands: the same for every case there.

    Attributes:
        process: The process id.
        process_version: The version of the definition.
        state: The state.
        final: Whether the state closes the case.
        outcome: The state's outcome, if it is final and has one.
        allowed_events: The events a case in the state can record next.
    """

    process: str
    process_version: str
    state: str
    final: bool
    outcome: str | None
    allowed_events: tuple[str, ...]


@attrs.frozen(eq=False, repr=False)
class Evaluation:
    """A case evaluated as of a date: where it stands and how every clock stands.

    Every due date and verdict is worked out when the case is evaluated; the result
    objects in ``time_limits`` are made when first read (reports over many cases often
    need only a few of them).

    Attributes:
        standing: The case's state on ``as_of`` and what the process says about it.
        case_id: The case's id, if it has one.
        as_of: The date the verdicts are given for.
        version: The stored case's version it was read at (``Store.evaluate``), to send
            back as ``expected_version``; ``None`` when not read from a store.
    """

    standing: Standing
    case_id: str | None
    as_of: date
    _time_limits: Sequence[TimeLimitResult] | Callable[[], Sequence[TimeLimitResult]] = attrs.field(
        alias="time_limits"
    )
    version: int | None = attrs.field(default=None, kw_only=True)
    _made: tuple[TimeLimitResult, ...] | None = attrs.field(init=False, default=None)

    @property
    def process(self) -> str:
        """The process id."""
        return self.standing.process

    @property
    def process_version(self) -> str:
        """The version of the definition used."""
        return self.standing.process_version

    @property
    def state(self) -> str:
        """The case's state on ``as_of``."""
        return self.standing.state

    @property
    def final(self) -> bool:
        """Whether that state closes the case."""
        return self.standing.final

    @property
    def outcome(self) -> str | None:
        """The final state's outcome, if the case is closed."""
        return self.standing.outcome

    @property
    def allowed_events(self) -> tuple[str, ...]:
        """The events the case can record next."""
        return self.standing.allowed_events

    @property
    def time_limits(self) -> tuple[TimeLimitResult, ...]:
        """One result per clock, in the order the clocks started."""
        made = self._made
        if made is None:
            source = self._time_limits
            made = tuple(source() if callable(source) else source)
            object.__setattr__(self, "_made", made)
        return made

    def __repr__(self) -> str:
        return (
            f"Evaluation(process={self.process!r}, process_version={self.process_version!r}, "
            f"case_id={self.case_id!r}, version={self.version!r}, as_of={self.as_of!r}, "
            f"state={self.state!r}, final={self.final!r}, outcome={self.outcome!r})"
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Evaluation):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def _key(self) -> tuple[object, ...]:
        return (self.standing, self.case_id, self.version, self.as_of, self.time_limits)

    def result(self, rule: str, key: str | None = None) -> TimeLimitResult:
        """The latest result for ``rule`` (and ``key``); ``KeyError`` if it never started."""
        for found in reversed(self.time_limits):
            if found.rule == rule and (key is None or found.key == key):
                return found
        started = sorted({r.rule for r in self.time_limits})
        raise KeyError(f"no clock for rule {rule!r} has started; started: {started}")

    @property
    def breaches(self) -> tuple[TimeLimitResult, ...]:
        """The statutory results that are overdue, late or violated (local targets aside)."""
        return tuple(r for r in self.time_limits if r.status in BREACHES and not r.local)

    @property
    def statutory(self) -> tuple[TimeLimitResult, ...]:
        """The results of the law's rules, without any local target or notification."""
        return tuple(r for r in self.time_limits if not r.local)

    @property
    def local(self) -> tuple[TimeLimitResult, ...]:
        """The results of a council's own rules (from an overlay), shown beside the law's."""
        return tuple(r for r in self.time_limits if r.local)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form of ``sendflow check``, through :data:`sendflow.contracts.converter`.

        Kept for the public API; the converter defines the shape.
        """
        from sendflow.contracts import converter  # noqa: PLC0415 (the layer above)

        data: dict[str, Any] = converter.unstructure(self, Evaluation)
        return data
