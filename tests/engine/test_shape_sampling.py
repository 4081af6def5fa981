"""Where shapes rarely repeat, most histories are folded without reading their shape.

Whether a history's shape is read changes only how it is evaluated, never the result:
each test checks every evaluation against a full fold on a cache of its own.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

import sendflow
from sendflow.engine import program_cache
from sendflow.engine.events import Event
from sendflow.engine.machine import CompiledProcess

PROCESS = sendflow.load_process("ehc-needs-assessment")
START = date(2024, 1, 8)


def _asked(parties: int) -> list[Event]:
    """An assessment asking ``parties`` bodies for advice: one shape for each number."""
    return [
        sendflow.Event("request_received", START),
        sendflow.Event("decided_to_assess", START + timedelta(days=30)),
        *(
            sendflow.Event("advice_requested", START + timedelta(days=31), data={"party": f"p{i}"})
            for i in range(parties)
        ),
    ]


def _full_fold(history: list[Event] | list[dict[str, object]]) -> dict[str, object]:
    return sendflow.evaluate(CompiledProcess(PROCESS), history).to_dict()


@pytest.fixture
def window(monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr(program_cache, "_WINDOW", 20)
    return 20


def _sampling(window: int) -> tuple[CompiledProcess, program_cache.ProgramCache]:
    """A compiled process whose cache has met a window of shapes, none twice: sampling."""
    compiled = CompiledProcess(PROCESS)
    for n in range(window):
        sendflow.evaluate(compiled, _asked(n))
    cache = compiled.programs
    assert cache is not None
    assert cache.sampling
    return compiled, cache


def test_shapes_that_never_repeat_are_mostly_not_read(window: int) -> None:
    """A window of shapes none met before: after it, one history in _SAMPLE is read."""
    compiled = CompiledProcess(PROCESS)
    for n in range(window):
        assert sendflow.evaluate(compiled, _asked(n)).to_dict() == _full_fold(_asked(n))
    cache = compiled.programs
    assert cache is not None
    assert cache.sampling
    read_before = cache._read
    histories = [_asked(n) for n in range(window, window + 4 * program_cache._SAMPLE)]
    for history in histories:
        assert sendflow.evaluate(compiled, history).to_dict() == _full_fold(history)
    assert cache._read - read_before == 4
    assert cache.folded == window + len(histories)


def test_shapes_that_repeat_again_are_all_read_again(window: int) -> None:
    """While sampling, a caseload of repeated shapes is noticed and every shape read again."""
    compiled, cache = _sampling(window)
    expected = {n: _full_fold(_asked(n)) for n in range(3)}
    for turn in range(window * program_cache._SAMPLE):
        n = turn % 3
        assert sendflow.evaluate(compiled, _asked(n)).to_dict() == expected[n]
    assert not cache.sampling
    replayed = cache.replayed
    for _ in range(6):
        assert sendflow.evaluate(compiled, _asked(1)).to_dict() == expected[1]
    assert cache.replayed == replayed + 6


def test_histories_of_mappings_are_always_read(window: int) -> None:
    """Reading is how mappings are converted: while sampling, a repeated one still replays."""
    compiled, cache = _sampling(window)
    mapped = [
        {"event": "request_received", "on": "2024-01-08"},
        {"event": "refused_to_assess", "on": "2024-02-07"},
    ]
    expected = _full_fold(mapped)
    for _ in range(5):
        assert sendflow.evaluate(compiled, mapped).to_dict() == expected
    assert cache.replayed == 3  # folded twice (recorded on the second), then replayed


def test_a_caseload_with_some_repeats_is_read_in_full(window: int) -> None:
    """A shape met before in one read of five is enough to keep reading every shape."""
    compiled = CompiledProcess(PROCESS)
    for n in range(window):
        sendflow.evaluate(compiled, _asked(n))
        if n % 5 == 0:
            sendflow.evaluate(compiled, _asked(n))  # met before
    cache = compiled.programs
    assert cache is not None
    assert not cache.sampling
