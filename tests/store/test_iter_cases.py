"""Streaming every stored case back with its legal history: Store.iter_cases."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import attrs
import pytest

import sendflow
from sendflow.store import Store, StoredCase

from .helpers import PROCESS, open_assessing, request_on

AS_OF = date(2024, 9, 1)


def _caseload(store: Store) -> None:
    """Cases of two processes, one with a retracted and one with a back-dated event."""
    for n in range(7):
        open_assessing(store, f"A{n}")
    store.record("A1", "advice_requested", on=date(2024, 2, 20), data={"party": "health"})
    store.record("A1", "advice_requested", on=date(2024, 2, 14), data={"party": "school"})
    store.record("A2", "advice_requested", on=date(2024, 2, 13), data={"party": "health"})
    store.retract("A2", 3, by="officer", reason="asked the wrong service")
    store.import_cases(
        [
            {
                "process": "annual-review",
                "case_id": "R1",
                "events": [{"event": "plan_issued", "on": "2023-05-01"}],
            }
        ]
    )


def test_every_case_comes_back_by_id_with_its_legal_history(store: Store) -> None:
    """Each stored case comes once, by id, with the fields the case list shows."""
    _caseload(store)
    found = list(store.iter_cases())
    assert [c.case_id for c in found] == sorted(s.case_id for s in store.cases())
    summaries = {s.case_id: s for s in store.cases()}
    for case in found:
        summary = summaries[case.case_id]
        assert (case.process, case.process_version, case.state, case.version) == (
            summary.process,
            summary.process_version,
            summary.state,
            summary.version,
        )
        assert case.related_case is None
        loaded = sorted(store.load(case.case_id).events, key=lambda e: e.on)
        assert list(case.events) == loaded


def test_events_leave_out_retractions_and_come_in_legal_order(store: Store) -> None:
    """A retracted event is left out; a back-dated one takes its place by date."""
    _caseload(store)
    cases = {c.case_id: c for c in store.iter_cases()}
    assert [e.name for e in cases["A2"].events] == ["request_received", "decided_to_assess"]
    assert [(e.on.isoformat(), dict(e.data)) for e in cases["A1"].events[2:]] == [
        ("2024-02-14", {"party": "school"}),
        ("2024-02-20", {"party": "health"}),
    ]
    assert cases["A2"].version == 4


def test_evaluating_the_stream_matches_the_store(store: Store) -> None:
    """sendflow.evaluate on each streamed case gives what Store.evaluate gives.

    The store's evaluation carries the version it read, which the stream's case has too.
    """
    _caseload(store)
    for case in store.iter_cases():
        streamed = sendflow.evaluate(
            store.process(case.process), case.events, as_of=AS_OF, case_id=case.case_id
        )
        stored = store.evaluate(case.case_id, as_of=AS_OF)
        assert stored.version == case.version
        assert attrs.evolve(streamed, version=case.version).to_dict() == stored.to_dict()


def test_filter_by_process_and_any_batch_size(store: Store) -> None:
    """process= keeps one process's cases; the batch size changes nothing but batching."""
    _caseload(store)
    whole = list(store.iter_cases())
    assert list(store.iter_cases(batch_size=1)) == whole
    assert list(store.iter_cases(batch_size=3)) == whole
    assert [c.case_id for c in store.iter_cases(process="annual-review", batch_size=2)] == ["R1"]
    assert len(list(store.iter_cases(process=PROCESS, batch_size=2))) == 7
    assert list(store.iter_cases(process="no-such-process")) == []
    with pytest.raises(ValueError, match="batch_size"):
        next(store.iter_cases(batch_size=0))


def test_streamed_events_carry_their_stamp_actor_and_own_data(store: Store) -> None:
    """Each event has its actor and an aware UTC recorded-at time; data is its own copy."""
    before = datetime.now(UTC) - timedelta(seconds=5)
    store.open_case(PROCESS, case_id="D1", events=request_on())
    store.open_case(PROCESS, case_id="D2", events=request_on())
    for case_id in ("D1", "D2"):
        store.record(case_id, "decided_to_assess", on=date(2024, 2, 12), actor="officer-3")
        store.record(case_id, "advice_requested", on=date(2024, 2, 13), data={"party": "x"})
    first, second = store.iter_cases()
    assert isinstance(first, StoredCase)
    assert attrs.has(StoredCase)
    stamp = first.events[1].recorded_at
    assert stamp is not None
    assert stamp.utcoffset() == timedelta(0)
    assert before <= stamp <= datetime.now(UTC) + timedelta(seconds=5)
    assert first.events[1].actor == "officer-3"
    first.events[2].data["party"] = "changed"  # type: ignore[index]
    assert second.events[2].data == {"party": "x"}


@pytest.mark.parametrize("batch_size", [1, 3, 2000])
def test_without_recording_the_histories_are_the_same(store: Store, batch_size: int) -> None:
    """recorded=False: the same cases, events, dates and data, without actor or recorded-at.

    In batches of any size, the retracted event is still left out, and evaluations agree.
    """
    _caseload(store)
    store.record(
        "A3", "advice_requested", on=date(2024, 2, 15), data={"party": "x"}, actor="officer-3"
    )
    whole = list(store.iter_cases(batch_size=batch_size))
    lean = list(store.iter_cases(batch_size=batch_size, recorded=False))
    assert [attrs.evolve(c, events=()) for c in lean] == [attrs.evolve(c, events=()) for c in whole]
    for plain, full in zip(lean, whole, strict=True):
        assert [(e.name, e.on, e.data) for e in plain.events] == [
            (e.name, e.on, e.data) for e in full.events
        ]
        assert all(e.actor is None and e.recorded_at is None for e in plain.events)
        process = store.process(plain.process)
        assert sendflow.evaluate(process, plain.events, as_of=AS_OF).to_dict() == (
            sendflow.evaluate(process, full.events, as_of=AS_OF).to_dict()
        )
    assert any(e.actor == "officer-3" for c in whole for e in c.events)
    shown = {c.case_id: [e.name for e in c.events] for c in lean}
    assert shown["A2"] == ["request_received", "decided_to_assess"]
    (review,) = store.iter_cases(process="annual-review", recorded=False)
    assert review.case_id == "R1"
    first = lean[0].events[0]
    first.data["x"] = 1  # type: ignore[index]
    assert "x" not in lean[1].events[0].data


def test_an_empty_store_streams_nothing(store: Store) -> None:
    """No cases: an empty stream, and an empty export."""
    assert list(store.iter_cases()) == []
    assert list(store.export()) == []


@pytest.mark.parametrize("parts", [1, 2, 3, 8, 20])
def test_shards_hold_every_case_once(store: Store, parts: int) -> None:
    """``shard=(i, n)`` for i from 0 to n - 1 streams every case exactly once, in id
    order, in parts of nearly equal size (some empty when there are more parts than cases)."""
    _caseload(store)
    everything = [c.case_id for c in store.iter_cases()]
    shards = [[c.case_id for c in store.iter_cases(shard=(i, parts))] for i in range(parts)]
    assert [case_id for shard in shards for case_id in shard] == everything
    sizes = [len(shard) for shard in shards]
    assert max(sizes) - min(sizes) <= 1
    first = [c.case_id for c in store.iter_cases(shard=(0, parts), batch_size=1)]
    assert first == shards[0]


def test_shards_of_one_process(store: Store) -> None:
    """With ``process=`` the shards split that process's cases only."""
    _caseload(store)
    wanted = [c.case_id for c in store.iter_cases(process=PROCESS)]
    got = [c.case_id for i in range(2) for c in store.iter_cases(process=PROCESS, shard=(i, 2))]
    assert got == wanted
    assert [c.case_id for c in store.iter_cases(process="no-such", shard=(0, 2))] == []


def test_shards_of_an_empty_store(store: Store) -> None:
    """An empty store has empty shards."""
    assert list(store.iter_cases(shard=(1, 2))) == []


@pytest.mark.parametrize("shard", [(2, 2), (-1, 2), (0, 0), (1,), "0/2", (0.0, 2), (True, 2)])
def test_a_bad_shard_is_refused_at_once(store: Store, shard: object) -> None:
    """A shard that is not (i, n) with 0 <= i < n is refused when asked for, not later."""
    with pytest.raises(ValueError, match=r"shard must be \(i, n\)"):
        store.iter_cases(shard=shard)  # type: ignore[arg-type]
