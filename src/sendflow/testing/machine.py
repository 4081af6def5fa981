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
from sendflow.testing.strategies import next_events

__all__ = ["CaseMachine", "CaseSystem", "InMemoryCases", "case_machine"]

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
        """Fail unless ``actual`` agrees with ``expected`` on state and every clock."""
        want, got = _summary(expected), _summary(actual)
        if want != got:
            raise AssertionError(
                f"case {case_id} as of {expected.as_of}: the system says\n  {got}\n"
                f"but replaying its history gives\n  {want}\n"
                f"History: {[e.to_dict() for e in self.histories[case_id]]}"
            )

    @precondition(lambda self: len(self.histories) < self.max_cases)
    @rule(target=cases, data=st.data())
    def open_case(self, data: st.DataObject) -> str:
        """Open a new case with a start event."""
        case_id = f"case-{next(self._ids)}"
        first = data.draw(next_events(self.process, [], exceptions=self.exceptions))
        assert first is not None
        self.system.record(case_id, first)
        self.histories[case_id] = [first]
        return case_id

    @rule(case=cases, data=st.data())
    def record_next(self, case: str, data: st.DataObject) -> None:
        """Record a valid next event; the system must accept it."""
        history = self.histories[case]
        event = data.draw(next_events(self.process, history, exceptions=self.exceptions))
        if event is None:
            return
        self.system.record(case, event)
        history.append(event)

    @rule(case=cases, data=st.data())
    def offer_invalid(self, case: str, data: st.DataObject) -> None:
        """Offer an event replay rejects; the system must refuse it and change nothing."""
        bad = data.draw(invalid_next_events(self.process, self.histories[case]))
        try:
            self.system.record(case, bad.offending)
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

    def _check(self, case: str, as_of: date) -> None:
        expected = evaluate(self.process, self.histories[case], as_of=as_of, case_id=case)
        self.compare(case, expected, self.system.evaluate(case, as_of=as_of))


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
    return Machine
