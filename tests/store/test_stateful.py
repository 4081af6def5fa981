"""A stateful property: the store and the in-memory engine always agree."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import hypothesis.strategies as st
import pytest
from hypothesis import HealthCheck, settings
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

import sendflow
from sendflow.store import Store

from .helpers import PROCESS

DEFINITION = sendflow.load_process(PROCESS)
NAMES = sorted(DEFINITION.events)
FIELD_VALUES = {
    "party": st.sampled_from(["health", "social-care"]),
    "institution": st.sampled_from(["school-1", "school-2"]),
    "reason": st.sampled_from(["absence-from-area", "missed-appointment"]),
    "source": st.sampled_from(["parent", "school"]),
}
RUNNING = {"pending", "overdue", "excused"}


class StoreAgreesWithEngine(RuleBasedStateMachine):
    """Random writes go to the store and to an in-memory model; both must agree."""

    url: str = ""

    def __init__(self) -> None:
        super().__init__()
        self.store = Store(self.url)
        self.prefix = uuid.uuid4().hex[:8]
        # case id -> [(event, retracted)]: the audit trail, as the model keeps it
        self.model: dict[str, list[tuple[sendflow.Event, bool]]] = {}

    def teardown(self) -> None:
        self.store.close()

    def _legal(self, case_id: str) -> list[sendflow.Event]:
        return [e for e, retracted in self.model[case_id] if not retracted]

    def _engine_case(self, case_id: str) -> sendflow.Case:
        return sendflow.Case(DEFINITION, case_id=case_id, events=self._legal(case_id))

    @initialize(start=st.dates(date(2019, 1, 1), date(2025, 1, 1)))
    def open_first(self, start: date) -> None:
        case_id = f"{self.prefix}-0"
        self.store.open_case(
            PROCESS, case_id=case_id, events=[{"event": "request_received", "on": start}]
        )
        self.model[case_id] = [(sendflow.Event("request_received", start), False)]

    @rule(number=st.integers(1, 2), offset=st.integers(0, 400))
    def open_case(self, number: int, offset: int) -> None:
        case_id = f"{self.prefix}-{number}"
        start = date(2019, 1, 1) + timedelta(days=offset)
        events = [{"event": "request_received", "on": start}]
        if case_id in self.model:
            with pytest.raises(sendflow.CaseExistsError):
                self.store.open_case(PROCESS, case_id=case_id, events=events)
            return
        self.store.open_case(PROCESS, case_id=case_id, events=events)
        self.model[case_id] = [(sendflow.Event("request_received", start), False)]

    @rule(data=st.data(), name=st.sampled_from(NAMES), shift=st.integers(-20, 60))
    def record(self, data: st.DataObject, name: str, shift: int) -> None:
        case_id = data.draw(st.sampled_from(sorted(self.model)))
        latest = max(e.on for e in self._legal(case_id))
        on = latest + timedelta(days=shift)
        fields = DEFINITION.events[name].data
        values = {f: data.draw(FIELD_VALUES[f]) for f in fields if f in FIELD_VALUES}
        event = sendflow.Event(name, on, data=values)
        try:
            sendflow.Case(DEFINITION, events=[*self._legal(case_id), event])
        except sendflow.SendflowError:
            version = self.store.version(case_id)
            with pytest.raises(sendflow.EventError):
                self.store.record(case_id, name, on=on, data=values)
            assert self.store.version(case_id) == version
            return
        version = self.store.version(case_id)
        assert self.store.record(case_id, name, on=on, data=values, expected_version=version) == (
            version + 1
        )
        self.model[case_id].append((event, False))

    @rule(data=st.data())
    def retract(self, data: st.DataObject) -> None:
        case_id = data.draw(st.sampled_from(sorted(self.model)))
        trail = self.model[case_id]
        sequence = data.draw(st.integers(1, len(trail)))
        event, retracted = trail[sequence - 1]
        remaining = [e for i, (e, r) in enumerate(trail, 1) if not r and i != sequence]
        try:
            if retracted or not remaining:
                raise sendflow.EventError("not allowed")
            sendflow.Case(DEFINITION, events=remaining)
        except sendflow.SendflowError:
            with pytest.raises(sendflow.EventError):
                self.store.retract(case_id, sequence, by="tester", reason="check")
            return
        self.store.retract(case_id, sequence, by="tester", reason="check")
        trail[sequence - 1] = (event, True)

    @rule(data=st.data())
    def stale_write_is_refused(self, data: st.DataObject) -> None:
        case_id = data.draw(st.sampled_from(sorted(self.model)))
        version = self.store.version(case_id)
        with pytest.raises(sendflow.StaleCaseError):
            self.store.record(
                case_id,
                "exception_recorded",
                on=date(2030, 1, 1),
                data={"reason": "absence-from-area"},
                expected_version=version - 1,
            )

    @invariant()
    def histories_agree(self) -> None:
        for case_id, trail in self.model.items():
            assert self.store.version(case_id) == len(trail) + sum(r for _, r in trail)
            stored = self.store.history(case_id)
            assert [(s.event.name, s.event.on, s.retraction is not None) for s in stored] == [
                (e.name, e.on, r) for e, r in trail
            ]

    @invariant()
    def evaluations_agree(self) -> None:
        for case_id in self.model:
            expected = self._engine_case(case_id).evaluate()
            version = self.store.version(case_id)
            stored = self.store.evaluate(case_id)
            assert stored.version == version
            assert stored.to_dict() == {**expected.to_dict(), "version": version}

    @invariant()
    def due_lists_agree(self) -> None:
        latest = max(max(e.on for e in self._legal(c)) for c in self.model)
        for as_of in (latest, latest + timedelta(days=45)):
            within = 30
            listed = self.store.due(as_of=as_of, within_days=within)
            paged, cursor = [], None
            while True:
                page = self.store.due_page(as_of=as_of, within_days=within, limit=2, cursor=cursor)
                paged.extend(page.items)
                cursor = page.next_cursor
                if cursor is None:
                    break
            # The pages are the whole list, each item once (in the database's text order).
            assert len(paged) == len(listed)
            assert set(paged) == set(listed)
            stored = {
                (i.case_id, i.rule, i.key, i.due_on, i.status)
                for i in listed
                if i.case_id.startswith(self.prefix)
            }
            expected = set()
            for case_id in self.model:
                evaluation = self._engine_case(case_id).evaluate(as_of=as_of)
                expected |= {
                    (case_id, r.rule, r.key, r.due_on, r.status.value)
                    for r in evaluation.time_limits
                    if not evaluation.final
                    and r.status.value in RUNNING
                    and r.met_on is None
                    and r.due_on is not None
                    and r.due_on <= as_of + timedelta(days=within)
                }
            assert stored == expected


def test_store_agrees_with_engine(store_url: str) -> None:
    """Under random opens, records, retractions and stale writes, store and engine agree."""
    StoreAgreesWithEngine.url = store_url
    run_state_machine_as_test(
        StoreAgreesWithEngine,
        settings=settings(
            max_examples=20,
            stateful_step_count=12,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
