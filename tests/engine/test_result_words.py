"""A result's words: given as text, made by a function, or by a Words tuple when read."""

from __future__ import annotations

from datetime import date

import pytest

import sendflow
from sendflow.engine.machine import CompiledProcess
from sendflow.engine.results import Status, TimeLimitResult

_FIELDS = (
    "final-plan", None, "deadline", "local-authority", date(2024, 1, 8), date(2024, 5, 13),
    None, Status.PENDING, 0, (), "reg 13",
)  # fmt: skip


def _said(made: list[str]) -> str:
    made.append("made")
    return "in words"


@pytest.mark.parametrize(
    ("explain", "expected"),
    [
        (None, ""),
        ("already words", "already words"),
        (lambda: "from a function", "from a function"),
        ((str.upper, "from a tuple"), "FROM A TUPLE"),
    ],
)
def test_each_form_of_explain_reads_as_its_words(explain: object, expected: str) -> None:
    assert TimeLimitResult(*_FIELDS, explain).explanation == expected  # type: ignore[arg-type]


def test_a_words_tuple_is_made_only_when_read_and_leaves_equality_alone() -> None:
    made: list[str] = []
    result = TimeLimitResult(*_FIELDS, (_said, made))
    assert made == []
    assert result.explanation == "in words"
    assert made == ["made"]
    assert result == TimeLimitResult(*_FIELDS, "other words")


def test_a_replayed_result_explains_itself_as_a_folded_one_does() -> None:
    """The second history of a shape is replayed by its program, with Words for its
    explanations: they read as the first's, folded in full, on the same dates."""
    process = sendflow.load_process("ehc-needs-assessment")
    history = [
        {"event": "request_received", "on": "2024-01-08", "data": {"source": "parent"}},
        {"event": "decided_to_assess", "on": "2024-02-12"},
    ]
    compiled = CompiledProcess(process)
    first = sendflow.evaluate(compiled, history, as_of=date(2024, 3, 1))
    second = sendflow.evaluate(compiled, history, as_of=date(2024, 3, 1))
    third = sendflow.evaluate(compiled, history, as_of=date(2024, 3, 1))
    assert compiled.programs is not None
    assert compiled.programs.replayed >= 1
    assert isinstance(third.time_limits[0].explain, tuple)
    for ours, folded in zip(third.time_limits, first.time_limits, strict=True):
        assert ours.explanation == folded.explanation
    assert second == third
