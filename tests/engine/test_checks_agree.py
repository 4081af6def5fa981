"""The quick acceptance of plainly valid data agrees with the full check of every field."""

from __future__ import annotations

from datetime import date
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

import sendflow
from sendflow.engine.events import Event
from sendflow.engine.machine import CompiledProcess
from sendflow.errors import EventDataError

PLANS = [
    plan
    for pid in sendflow.packaged_processes()
    for plan in CompiledProcess(sendflow.load_process(pid)).plans.values()
    if plan.fields
]


def values(plan: Any) -> st.SearchStrategy[Any]:
    """Values of every type, the event's own listed values among them."""
    listed = sorted({v for field in plan.fields.values() for v in field.one_of or ()})
    return st.one_of(
        st.none(),
        st.sampled_from(["", "2024-02-29", "2024-13-01", "8 weeks", "2025", " 7 ", *listed]),
        st.text(max_size=5),
        st.booleans(),
        st.integers(-3, 3000),
        st.dates(date(1890, 1, 1), date(2210, 1, 1)),
        st.lists(st.sampled_from(listed or ["x"]), max_size=2),
    )


def valid(field: Any) -> Any:
    """A value ``field`` accepts as it is."""
    kind = field.type.value
    if field.one_of and kind == "boolean":
        return field.one_of[0].lower() == "true"
    if field.one_of:
        return [field.one_of[0]] if kind == "list" else field.one_of[0]
    return {"date": date(2024, 1, 8), "integer": 2025, "boolean": True, "list": ["a"],
            "period": "8 weeks"}.get(kind, "some text")  # fmt: skip


def outcome(check: Any, event: Event) -> object:
    try:
        checked = check(event, 3, "case-1", "some-state")
    except EventDataError as exc:
        return ("refused", str(exc))
    return ("accepted", checked is event, dict(checked.data))


@settings(max_examples=400)
@given(data=st.data())
def test_plainly_valid_data_is_accepted_as_the_full_check_accepts_it(data: st.DataObject) -> None:
    plan = data.draw(st.sampled_from(PLANS))
    names = st.sampled_from([*plan.fields, "unexpected"])
    # Valid data, then some fields changed, added or left out.
    given_data = {name: valid(field) for name, field in plan.fields.items()}
    given_data.update(data.draw(st.dictionaries(names, values(plan), max_size=2)))
    for name in data.draw(st.lists(st.sampled_from(list(plan.fields)), max_size=1)):
        del given_data[name]
    event = Event(plan.name, date(2024, 3, 1), data=given_data)
    assert outcome(plan.check, event) == outcome(plan._check, event)
