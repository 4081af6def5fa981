"""A hypothesis state machine that drives code wrapping sendflow with valid and invalid events.

The code under test (a case store, a vendor's case-management system, a council's
integration) is reached through a small :class:`CaseSystem` adapter. The machine opens
cases, records valid next events, offers events that must be refused, and after every step
checks that the system's view of each case (state and every clock's dates and verdict)
equals what :func:`sendflow.evaluate` gives for the history the system accepted::

    from sendflow.testing import case_machine

    TestMyStore = case_machine("ehc-needs-assessment", wrapper_factory=MyStoreAdapter).TestCase

Subclass the machine class to add rules of your own, or override :meth:`CaseMachine.compare`
to check fewer fields.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from datetime import date, timedelta
from typing import Any, ClassVar, Protocol

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, invariant, precondition, rule

from sendflow.definitions.model import Process
from sendflow.engine.case import Case
from sendflow.engine.events import Event
from sendflow.engine.replay import evaluate
from sendflow.engine.results import Evaluation
from sendflow.errors import SendflowError
from sendflow.testing.invalid import invalid_next_events
from sendflow.testing.processes import ProcessLike, as_process
from sendflow.testing.scenario_checks import Mismatch
from sendflow.testing.strategies import next_events
from sendflow.testing.suggestions import scenario_yaml

__all__ = [
    "DEFAULT_SETTINGS",
    "CaseMachine",
    "CaseSystem",
    "InMemoryCases",
    "SystemUnderTestError",
    "case_machine",
    "differences",
]

DEFAULT_SETTINGS = settings(
    max_examples=25,
    stateful_step_count=12,
    deadline=None,
    report_multiple_bugs=False,
    suppress_health_check=[HealthCheck.too_slow],
)
"""The machine's default settings: a failing run, shrinking included, stays under a minute.

25 runs of at most 12 steps find a wrong due date or an accepted invalid event in the
first few runs; ``report_multiple_bugs=False`` reports one failure, not a group of them.
Set ``TestCase.settings`` (or a hypothesis profile) for longer runs.
"""

_COMPARED = ("rule", "key", "started_on", "due_on", "met_on", "status", "days_late")


class CaseSystem(Protocol):
    """What the code under test offers the machine."""

    def record(self, case_id: str, event: Event) -> None:
        """Record ``event`` in the case (opening it on its first event).

        Raise :class:`~sendflow.errors.SendflowError` to refuse it, changing nothing.
        """

    def evaluate(self, case_id: str, *, as_of: date) -> Evaluation | Mapping[str, Any]:
        """The case as of a date: an :class:`Evaluation` or its ``to_dict()`` form."""


class InMemoryCases:
    """The reference system: one :class:`sendflow.Case` per case id, held in memory."""

    def __init__(self, process: Process) -> None:
        self.process = process
        self.cases: dict[str, Case] = {}

    def record(self, case_id: str, event: Event) -> None:
        """Record ``event``; a refused event leaves the case as it was."""
        case = self.cases.get(case_id) or Case(self.process, case_id=case_id)
        case.record(event.name, on=event.on, data=event.data, actor=event.actor)
        self.cases[case_id] = case

    def evaluate(self, case_id: str, *, as_of: date) -> Evaluation:
        """The case as of ``as_of``."""
        return self.cases[case_id].evaluate(as_of=as_of)


def _summary(found: Evaluation | Mapping[str, Any]) -> dict[str, Any]:
    data = found.to_dict() if isinstance(found, Evaluation) else dict(found)
    return {
        "state": data.get("state"),
        "final": data.get("final"),
        "time_limits": [
            {k: limit.get(k) for k in _COMPARED} for limit in data.get("time_limits", [])
        ],
    }


def _by_label(clocks: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Each clock by its scenario label, numbered when a rule and key has more than one."""
    found: dict[str, dict[str, Any]] = {}
    for clock in clocks:
        base = clock["rule"] if clock["key"] is None else f"{clock['rule']}[{clock['key']}]"
        label, nth = base, 1
        while label in found:
            label, nth = f"{base}#{nth + 1}", nth + 1
        found[label] = clock
    return found


def differences(
    expected: Evaluation | Mapping[str, Any], actual: Evaluation | Mapping[str, Any]
) -> list[Mismatch]:
    """Every field where ``actual`` differs from ``expected``, as the scenario runner lists them.

    Compared: the state, whether the case is closed, and each clock's start, due and met
    dates, verdict and days late.
    """
    want, got = _summary(expected), _summary(actual)
    found = [
        Mismatch(field, repr(want[field]), repr(got[field]))
        for field in ("state", "final")
        if want[field] != got[field]
    ]
    ours, theirs = _by_label(want["time_limits"]), _by_label(got["time_limits"])
    for label in dict.fromkeys([*ours, *theirs]):
        where = f"time_limits.{label}"
        if label not in theirs:
            found.append(Mismatch(where, "a clock", "none"))
        elif label not in ours:
            found.append(Mismatch(where, "no clock", f"one ({theirs[label]['status']})"))
        else:
            found.extend(
                Mismatch(f"{where}.{field}", repr(ours[label][field]), repr(theirs[label][field]))
                for field in _COMPARED[2:]
                if ours[label][field] != theirs[label][field]
            )
    return found


class SystemUnderTestError(AssertionError):
    """The system under test gave other results than replay, or raised an error."""


def _as_scenario(
    process: Process, name: str, history: list[Event], as_of: date, want: Evaluation | None
) -> str:
    """The history as a scenario with what replay gives, ready to paste into a scenario file."""
    if want is None and history:
        want = evaluate(process, history, as_of=as_of)
    expect: dict[str, Any] = {}
    if want is not None:
        expect = {"state": want.state, "time_limits": {}}
        for label, clock in _by_label(_summary(want)["time_limits"]).items():
            if "#" not in label:
                fields = {k: clock[k] for k in ("due_on", "met_on", "status") if clock[k]}
                expect["time_limits"][label] = fields
    return scenario_yaml(name, history, expect, as_of=as_of)


class CaseMachine(RuleBasedStateMachine):
    """Drive a :class:`CaseSystem` with generated cases; compare it with replay after each step.

    Set ``process`` and override :meth:`make_system` in a subclass, or use
    :func:`case_machine`.
    """

    process: ClassVar[Process]
    max_cases: ClassVar[int] = 3
    exceptions: ClassVar[bool] = True

    cases = Bundle("cases")

    def __init__(self) -> None:
        super().__init__()
        self.histories: dict[str, list[Event]] = {}
        self._ids = itertools.count(1)
        self.system: CaseSystem = self.make_system()

    def make_system(self) -> CaseSystem:
        """Build a fresh system under test for one run (default: :class:`InMemoryCases`)."""
        return InMemoryCases(self.process)

    def compare(
        self, case_id: str, expected: Evaluation, actual: Evaluation | Mapping[str, Any]
    ) -> None:
        """Fail unless ``actual`` agrees with ``expected`` on state and every clock.

        The failure lists each field that differs (``time_limits.final-plan.due_on:
        expected '2024-05-27', got '2024-05-28'``) and the case's history as a scenario
        with what replay gives, ready to paste into a scenario file.
        """
        found = differences(expected, actual)
        if found:
            lines = [f"case {case_id} as of {expected.as_of}: the system differs from replay:"]
            lines.extend(f"  {m}" for m in found)
            history = self.histories[case_id]
            lines.append("The history, as a scenario (with what replay gives):")
            lines.append(
                _as_scenario(self.process, f"case {case_id}", history, expected.as_of, expected)
            )
            raise SystemUnderTestError("\n".join(lines))

    def _call(self, case_id: str, what: str, call: Callable[[], Any]) -> Any:
        """Call the system; an error it raises is reported once, plainly, with the history."""
        try:
            return call()
        except SendflowError:
            raise
        except Exception as exc:
            history = self.histories.get(case_id, [])
            as_of = max((e.on for e in history), default=date(2000, 1, 1))
            raise SystemUnderTestError(
                f"case {case_id}: the system raised {type(exc).__name__}: {exc}\n"
                f"  while {what}.\nThe history before it, as a scenario:\n"
                + _as_scenario(self.process, f"case {case_id}", history, as_of, None)
            ) from None

    @precondition(lambda self: len(self.histories) < self.max_cases)
    @rule(target=cases, data=st.data())
    def open_case(self, data: st.DataObject) -> str:
        """Open a new case with a start event."""
        case_id = f"case-{next(self._ids)}"
        first = data.draw(next_events(self.process, [], exceptions=self.exceptions))
        assert first is not None
        self.histories[case_id] = []
        self._record(case_id, first)
        self.histories[case_id] = [first]
        return case_id

    @rule(case=cases, data=st.data())
    def record_next(self, case: str, data: st.DataObject) -> None:
        """Record a valid next event; the system must accept it."""
        history = self.histories[case]
        event = data.draw(next_events(self.process, history, exceptions=self.exceptions))
        if event is None:
            return
        self._record(case, event)
        history.append(event)

    @rule(case=cases, data=st.data())
    def offer_invalid(self, case: str, data: st.DataObject) -> None:
        """Offer an event replay rejects; the system must refuse it and change nothing."""
        bad = data.draw(invalid_next_events(self.process, self.histories[case]))
        try:
            self._call(
                case,
                f"offered {bad.offending.to_dict()}",
                lambda: self.system.record(case, bad.offending),
            )
        except SendflowError:
            return
        raise AssertionError(
            f"case {case}: the system accepted {bad.offending.to_dict()}, which must be "
            f"refused ({bad.fault})."
        )

    @rule(case=cases, days=st.sampled_from([0, 1, 7, 42, 140, 400]))
    def check_later(self, case: str, days: int) -> None:
        """The system agrees with replay as of a later date too."""
        self._check(case, self.histories[case][-1].on + timedelta(days=days))

    @invariant()
    def agrees_with_replay(self) -> None:
        """Every case agrees with replay as of its latest event."""
        for case, history in self.histories.items():
            self._check(case, max(e.on for e in history))

    def _record(self, case: str, event: Event) -> None:
        """Record a valid event; the system must accept it."""
        try:
            self._call(
                case, f"recording {event.to_dict()}", lambda: self.system.record(case, event)
            )
        except SendflowError as exc:
            raise SystemUnderTestError(
                f"case {case}: the system refused {event.to_dict()}, which replay accepts: "
                f"{type(exc).__name__}: {exc}\nThe history before it, as a scenario:\n"
                + _as_scenario(self.process, f"case {case}", self.histories[case], event.on, None)
            ) from None

    def _check(self, case: str, as_of: date) -> None:
        expected = evaluate(self.process, self.histories[case], as_of=as_of, case_id=case)
        actual = self._call(
            case, f"evaluating as of {as_of}", lambda: self.system.evaluate(case, as_of=as_of)
        )
        self.compare(case, expected, actual)


def case_machine(
    process: ProcessLike,
    *,
    wrapper_factory: Callable[[Process], CaseSystem] | None = None,
    max_cases: int = 3,
    exceptions: bool = True,
) -> type[CaseMachine]:
    """A :class:`CaseMachine` subclass for ``process``; use its ``TestCase`` with pytest.

    Args:
        process: The process (or its compiled form), a process id or a file path.
        wrapper_factory: Builds the system under test from the process, once per run
            (default: :class:`InMemoryCases`, sendflow's own cases).
        max_cases: The most cases one run opens.
        exceptions: Whether to record exceptions.
    """
    loaded = as_process(process)
    factory = wrapper_factory or InMemoryCases

    class Machine(CaseMachine):
        def make_system(self) -> CaseSystem:
            return factory(loaded)

    Machine.process = loaded
    Machine.max_cases = max_cases
    Machine.exceptions = exceptions
    Machine.__name__ = Machine.__qualname__ = f"CaseMachine[{loaded.id}]"
    Machine.TestCase.settings = DEFAULT_SETTINGS
    return Machine
