"""Running a scenario and comparing what it gives with what it expects.

:func:`run_scenario` replays one scenario of a loaded file (``sendflow.testing.scenarios``)
and lists every field that differs, each as a :class:`Mismatch` naming the field, the
expected value and the actual one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import attrs

from sendflow.engine.replay import evaluate
from sendflow.engine.results import Evaluation, Status, TimeLimitResult
from sendflow.errors import SendflowError
from sendflow.testing.processes import ProcessLike, as_compiled
from sendflow.testing.scenarios import ErrorExpectation, LimitExpectation, Scenario

__all__ = ["Mismatch", "ScenarioMismatchError", "run_scenario"]


@attrs.frozen
class Mismatch:
    """One field whose actual value differs from the expected one."""

    path: str
    expected: str
    actual: str

    def __str__(self) -> str:
        return f"{self.path}: expected {self.expected}, got {self.actual}"


class ScenarioMismatchError(AssertionError):
    """A scenario gave results other than those it expects."""

    def __init__(self, scenario: Scenario, mismatches: Sequence[Mismatch]) -> None:
        self.scenario = scenario
        self.mismatches = tuple(mismatches)
        super().__init__("\n".join(f"{scenario.name}: {m}" for m in mismatches))


def _show(value: Any) -> str:
    if isinstance(value, date):
        return repr(value.isoformat())
    if isinstance(value, Status):
        return repr(value.value)
    if isinstance(value, tuple):
        return repr(list(value))
    return repr(value)


def run_scenario(scenario: Scenario, process: ProcessLike) -> list[Mismatch]:
    """Replay ``scenario`` under ``process``; list every field that differs from what it expects.

    Args:
        scenario: A scenario of a loaded file.
        process: The process (or its compiled form), a process id or a file path.
    """
    try:
        evaluation = evaluate(as_compiled(process), scenario.events, as_of=scenario.as_of)
    except SendflowError as exc:
        if scenario.error is None:
            return [Mismatch("error", "no error", f"{type(exc).__name__}: {exc}")]
        return _check_error(scenario.error, exc)
    if scenario.error is not None:
        return [Mismatch("error", "an error", f"none (the case is in state {evaluation.state!r})")]
    found: list[Mismatch] = []
    if scenario.state is not None and scenario.state != evaluation.state:
        found.append(Mismatch("state", _show(scenario.state), _show(evaluation.state)))
    if scenario.final is not None and scenario.final != evaluation.final:
        found.append(Mismatch("final", _show(scenario.final), _show(evaluation.final)))
    for expected in scenario.time_limits:
        found.extend(_check_limit(expected, evaluation))
    return found


def _check_limit(expected: LimitExpectation, evaluation: Evaluation) -> list[Mismatch]:
    where = f"time_limits.{expected.label}"
    clocks = [
        r
        for r in evaluation.time_limits
        if r.rule == expected.rule and (expected.key is None or r.key == expected.key)
    ]
    summary = ", ".join(f"{_label(r)} {r.status.value}" for r in clocks)
    if expected.absent:
        return [Mismatch(where, "no clock", f"{len(clocks)} ({summary})")] if clocks else []
    if not clocks:
        started = ", ".join(sorted({_label(r) for r in evaluation.time_limits})) or "none"
        return [Mismatch(where, "a clock", f"none (clocks started: {started})")]
    if not expected.every:
        return _check_fields(where, expected.clocks[0], clocks[-1])
    found: list[Mismatch] = []
    if len(clocks) != len(expected.clocks):
        found.append(
            Mismatch(where, f"{len(expected.clocks)} clock(s)", f"{len(clocks)} ({summary})")
        )
    for index, (fields, result) in enumerate(zip(expected.clocks, clocks, strict=False)):
        found.extend(_check_fields(f"{where}[{index}]", fields, result))
    return found


def _label(result: TimeLimitResult) -> str:
    return result.rule if result.key is None else f"{result.rule}[{result.key}]"


def _check_fields(where: str, fields: Mapping[str, Any], result: TimeLimitResult) -> list[Mismatch]:
    found: list[Mismatch] = []
    for name, wanted in fields.items():
        if name == "explanation_contains":
            texts = wanted if isinstance(wanted, list) else [wanted]
            found.extend(
                Mismatch(
                    f"{where}.explanation", f"text containing {text!r}", repr(result.explanation)
                )
                for text in texts
                if str(text) not in result.explanation
            )
            continue
        actual: Any = getattr(result, name)
        if name == "status":
            actual = actual.value
        elif name == "exceptions":
            actual = list(actual)
        if actual != (list(wanted) if name == "exceptions" else wanted):
            found.append(Mismatch(f"{where}.{name}", _show(wanted), _show(actual)))
    return found


def _check_error(expected: ErrorExpectation, exc: SendflowError) -> list[Mismatch]:
    found: list[Mismatch] = []
    names = [cls.__name__ for cls in type(exc).__mro__]
    if expected.type is not None and expected.type not in names:
        found.append(Mismatch("error.type", repr(expected.type), f"{type(exc).__name__!r} ({exc})"))
    if expected.event is not None:
        index = getattr(exc, "index", None)
        actual = None if index is None else index + 1
        if actual != expected.event:
            shown = "no event position" if actual is None else f"event {actual}"
            found.append(Mismatch("error.event", f"event {expected.event}", f"{shown} ({exc})"))
    message = str(exc)
    found.extend(
        Mismatch("error.contains", f"a message containing {text!r}", repr(message))
        for text in expected.contains
        if text not in message
    )
    return found
