"""Replay programs give exactly what a full fold gives, on any dates of the same shape."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import sendflow
from sendflow.definitions.model import FieldType
from sendflow.engine import program_cache, programs
from sendflow.engine.events import Event
from sendflow.engine.machine import CompiledProcess
from sendflow.engine.shapes import ShapeReader, steering_fields
from sendflow.errors import SendflowError
from sendflow.testing.scenarios import load_scenario_file
from sendflow.testing.strategies import histories

PROCESSES = sendflow.packaged_processes()


def redate(history: list[Event], gaps: list[int]) -> list[Event]:
    """The same events in the same order, on new dates (``gaps`` days apart)."""
    day = history[0].on + timedelta(days=gaps[0] - 30)
    moved = []
    for given_event, gap in zip(history, [*gaps[1:], 0], strict=False):
        moved.append(attrs.evolve(given_event, on=day))
        day += timedelta(days=gap)
    return moved


def rename_free_text(process: sendflow.definitions.Process, history: list[Event]) -> list[Event]:
    """The same history with every free-text value renamed (one to one, so repeats stay)."""
    steering = steering_fields(CompiledProcess(process))
    renamed = []
    for original in history:
        fields = process.events[original.name].data
        data = {
            key: f"renamed {value}"
            if isinstance(value, str)
            and key in fields
            and fields[key].type is FieldType.TEXT
            and fields[key].one_of is None
            and key not in steering
            and value
            else value
            for key, value in original.data.items()
        }
        renamed.append(attrs.evolve(original, data=data))
    return renamed


def outcome(
    compiled: CompiledProcess,
    history: Sequence[Event | Mapping[str, Any]],
    as_of: date | None = None,
) -> object:
    """The evaluation as plain data, or the error's type and message."""
    try:
        return sendflow.evaluate(compiled, history, as_of=as_of).to_dict()
    except SendflowError as exc:
        return (type(exc).__name__, str(exc))


@pytest.mark.parametrize("pid", PROCESSES)
@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_a_program_replays_like_a_full_fold(pid: str, data: st.DataObject) -> None:
    """A program recorded from one history replays another of its shape as a full fold does.

    The second history has the first's events on other dates, with other free text, and
    is evaluated as of its last day or later (clocks still running then fall due).
    """
    process = sendflow.load_process(pid)
    first = data.draw(histories(process, max_events=14))
    gaps = data.draw(st.lists(st.integers(0, 60), min_size=len(first), max_size=len(first)))
    second = rename_free_text(process, redate(first, gaps))
    warm = CompiledProcess(process)
    sendflow.evaluate(warm, first)
    sendflow.evaluate(warm, first)  # a shape folded twice has its program recorded
    programs = warm.programs.programs
    recorded = len(programs)
    as_of = second[-1].on + timedelta(days=data.draw(st.sampled_from([0, 1, 30, 400])))
    got = outcome(warm, second, as_of)
    assert got == outcome(CompiledProcess(process), second, as_of)  # a fresh cache folds in full
    reader = ShapeReader(warm)
    if reader.shape(first) is not None and reader.shape(first) == reader.shape(second):
        assert len(programs) == recorded, "the same shape must replay the recorded program"
        event("replayed by a program")


def test_shapes_count_per_values_by_repetition() -> None:
    """Two histories that differ only in the names of the parties asked share a shape."""
    process = sendflow.load_process("ehc-needs-assessment")
    reader = ShapeReader(CompiledProcess(process))

    def history(a: str, b: str) -> list[Event]:
        base = sendflow.Event("request_received", on=date(2024, 1, 8))
        return [
            base,
            attrs.evolve(base, name="decided_to_assess"),
            sendflow.Event("advice_requested", base.on, data={"party": a}),
            sendflow.Event("advice_requested", base.on, data={"party": b}),
            sendflow.Event("advice_received", base.on, data={"party": a}),
        ]

    assert reader.shape(history("health", "school")) == reader.shape(history("x", "y"))
    assert reader.shape(history("health", "school")) != reader.shape(history("x", "x"))


def test_a_coronavirus_exception_is_always_folded_in_full() -> None:
    """An exception with a validity window has no shape: its dates decide whether it counts."""
    process = sendflow.load_process("ehc-needs-assessment")
    reader = ShapeReader(CompiledProcess(process))
    day = date(2020, 6, 1)
    history = [
        sendflow.Event("request_received", day),
        sendflow.Event("exception_recorded", day, data={"reason": "coronavirus"}),
    ]
    assert reader.shape(history) is None


def test_a_program_is_recorded_the_second_time_a_shape_is_folded() -> None:
    """One-off histories cost no recording; a repeated shape is recorded, then replayed."""
    process = sendflow.load_process("ehc-needs-assessment")
    compiled = CompiledProcess(process)
    history = [
        sendflow.Event("request_received", date(2024, 1, 8)),
        sendflow.Event("decided_to_assess", date(2024, 2, 12)),
    ]
    sendflow.evaluate(compiled, history)
    assert compiled.programs.programs == {}
    sendflow.evaluate(compiled, history)
    assert len(compiled.programs.programs) == 1


def test_a_recorded_fold_is_built_into_a_program_on_the_next_sight() -> None:
    """The second fold is kept as it is; the third sight builds its program and replays it.

    What the history contributes is taken when the fold is recorded, so changing the
    caller's list afterwards changes nothing.
    """
    process = sendflow.load_process("ehc-needs-assessment")
    compiled = CompiledProcess(process)
    history = _assessment(date(2024, 1, 8))
    sendflow.evaluate(compiled, history)
    sendflow.evaluate(compiled, history)
    cache = compiled.programs
    [shape] = cache.programs
    assert not isinstance(cache.programs[shape], programs.Program)
    assert cache.folded == 2
    history.clear()
    moved = _assessment(date(2024, 2, 29))
    expected = outcome(CompiledProcess(process), moved)
    assert outcome(compiled, moved) == expected
    assert cache.replayed == 1
    assert isinstance(cache.programs[shape], programs.Program)
    assert outcome(compiled, moved, date(2025, 1, 1)) == outcome(
        CompiledProcess(process), moved, date(2025, 1, 1)
    )
    assert cache.replayed == 2


def test_a_missing_value_never_replays_the_program_of_a_given_one() -> None:
    """An event lacking required data is rejected even after its valid twin's program exists."""
    process = sendflow.load_process("ehc-needs-assessment")
    compiled = CompiledProcess(process)
    day = date(2024, 2, 13)
    opened = [
        sendflow.Event("request_received", date(2024, 1, 8)),
        sendflow.Event("decided_to_assess", date(2024, 2, 12)),
    ]
    valid = [*opened, sendflow.Event("advice_requested", day, data={"party": "health"})]
    sendflow.evaluate(compiled, valid)
    sendflow.evaluate(compiled, valid)
    reader = ShapeReader(compiled)
    for data in ({}, {"party": ""}):
        missing = [*opened, sendflow.Event("advice_requested", day, data=data)]
        assert reader.shape(missing) != reader.shape(valid)
        with pytest.raises(sendflow.EventError, match="needs data 'party'"):
            sendflow.evaluate(compiled, missing)


def test_data_that_cannot_be_hashed_is_folded_in_full() -> None:
    """A value that cannot be hashed (a mapping for a listed value) has no shape: a full fold."""
    process = sendflow.load_process("ehc-needs-assessment")
    compiled = CompiledProcess(process)
    history = [
        sendflow.Event("request_received", date(2024, 1, 8), data={"source": {"who": "x"}}),
    ]
    assert ShapeReader(compiled).shape(history) is None
    with pytest.raises(sendflow.errors.EventDataError, match="needs data 'source' as text"):
        sendflow.evaluate(compiled, history)


@pytest.mark.parametrize(
    ("first", "second"),
    [((2014, 2015), (2014, 2014)), (("a", "a"), ("a", "b"))],
    ids=["typed-key", "key-by-text"],
)
def test_clock_keys_that_repeat_never_share_a_shape_with_keys_that_do_not(
    first: tuple[object, object], second: tuple[object, object]
) -> None:
    """Two values that key one clock, and two that key two, make different shapes."""
    annual = sendflow.load_process("annual-review")
    ehc = sendflow.load_process("ehc-needs-assessment")
    day = date(2024, 2, 13)

    def transfers(years: tuple[object, object]) -> list[Event]:
        return [
            sendflow.Event("plan_issued", date(2024, 1, 8)),
            *(
                sendflow.Event(
                    "phase_transfer_identified",
                    day,
                    data={"transfer": "school", "transfer_year": year},
                )
                for year in years
            ),
        ]

    def advice(parties: tuple[object, object]) -> list[Event]:
        return [
            sendflow.Event("request_received", date(2024, 1, 8)),
            sendflow.Event("decided_to_assess", date(2024, 2, 12)),
            *(sendflow.Event("advice_requested", day, data={"party": p}) for p in parties),
        ]

    process, build = (annual, transfers) if isinstance(first[0], int) else (ehc, advice)
    reader = ShapeReader(CompiledProcess(process))
    assert reader.shape(build(first)) != reader.shape(build(second))
    compiled = CompiledProcess(process)
    for _ in range(2):
        sendflow.evaluate(compiled, build(second))
    replayed = sendflow.evaluate(compiled, build(first)).to_dict()
    assert replayed == sendflow.evaluate(CompiledProcess(process), build(first)).to_dict()


SCENARIO_FILES = sorted((Path(__file__).parents[1] / "scenarios").rglob("*.scenarios.yaml"))


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_scenario_replays_by_program_as_by_full_fold(path: Path) -> None:
    """The scenario files' edge dates (met on the due day, due as of today) through programs.

    Each scenario's history is folded in full, folded again (its program is recorded), then
    replayed by the program: all three give the same evaluation.
    """
    loaded = load_scenario_file(path)
    replayed = 0
    for scenario in loaded.scenarios:
        compiled = CompiledProcess(loaded.process)
        history = list(scenario.events)
        full = outcome(compiled, history, scenario.as_of)
        assert outcome(compiled, history, scenario.as_of) == full, scenario.name
        assert outcome(compiled, history, scenario.as_of) == full, scenario.name
        replayed += len(compiled.programs.programs) if compiled.programs else 0
    if not any(s.error is None for s in loaded.scenarios):
        return
    assert replayed, "no scenario of this file was replayed by a program"


def test_allowed_values_that_steer_nothing_share_a_shape_and_others_do_not() -> None:
    """Who made the request only has to be allowed: any allowed value replays one program."""
    process = sendflow.load_process("ehc-needs-assessment")
    compiled = CompiledProcess(process)
    reader = ShapeReader(compiled)

    def opened(source: object) -> list[Event]:
        return [sendflow.Event("request_received", date(2024, 1, 8), data={"source": source})]

    assert reader.shape(opened("parent")) == reader.shape(opened("school"))
    for wrong in ("nobody", "(allowed)", 1, ["parent", "nobody"], [], ""):
        assert reader.shape(opened(wrong)) != reader.shape(opened("parent")), wrong
    sendflow.evaluate(compiled, opened("parent"))
    sendflow.evaluate(compiled, opened("health"))  # the same shape: its program is recorded
    assert len(compiled.programs.programs) == 1
    with pytest.raises(sendflow.EventError, match="Allowed values"):
        sendflow.evaluate(compiled, opened("nobody"))


def test_a_full_cache_forgets_its_older_half(monkeypatch: pytest.MonkeyPatch) -> None:
    """The cache stays bounded: when full, the programs recorded first are forgotten."""
    monkeypatch.setattr(program_cache, "_MAX_PROGRAMS", 4)
    process = sendflow.load_process("ehc-needs-assessment")
    compiled = CompiledProcess(process)
    opened = sendflow.Event("request_received", date(2024, 1, 8))
    histories = [
        [opened],
        [opened, sendflow.Event("decided_to_assess", date(2024, 2, 1))],
        [opened, sendflow.Event("refused_to_assess", date(2024, 2, 1))],
        [opened, sendflow.Event("request_withdrawn", date(2024, 2, 1))],
        [
            opened,
            sendflow.Event(
                "exception_recorded", date(2024, 1, 9), data={"reason": "absence-from-area"}
            ),
        ],
    ]
    for history in histories:
        sendflow.evaluate(compiled, history)
        sendflow.evaluate(compiled, history)  # recorded
    cache = compiled.programs
    kept = [cache.reader.shape(h) in cache.programs for h in histories]
    assert kept == [False, False, True, True, True]
    again = sendflow.evaluate(compiled, histories[0])  # forgotten: folded in full again
    assert cache.folded == 2 * len(histories) + 1
    assert again.to_dict() == sendflow.evaluate(CompiledProcess(process), histories[0]).to_dict()


def _asked(parties: int) -> list[Event]:
    """An assessment asking ``parties`` bodies for advice: one shape for each number."""
    start = date(2024, 1, 8)
    return [
        sendflow.Event("request_received", start),
        sendflow.Event("decided_to_assess", start + timedelta(days=30)),
        *(
            sendflow.Event("advice_requested", start + timedelta(days=31), data={"party": f"p{i}"})
            for i in range(parties)
        ),
    ]


def test_a_cache_that_forgets_its_folds_unbuilt_records_shapes_later(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """More repeated shapes than the cache holds: recording waits for more sights, exactly."""
    monkeypatch.setattr(program_cache, "_MAX_PROGRAMS", 4)
    process = sendflow.load_process("ehc-needs-assessment")
    compiled = CompiledProcess(process)
    expected = {n: outcome(CompiledProcess(process), _asked(n)) for n in range(10)}
    for _ in range(2):
        for n in range(10):  # each shape twice in a row: recorded, never built, forgotten
            for _ in range(2):
                assert outcome(compiled, _asked(n)) == expected[n]
    cache = compiled.programs
    assert 2 < cache.sights <= program_cache._MOST_SIGHTS
    for _ in range(program_cache._MOST_SIGHTS + 2):  # a shape that keeps coming is still replayed
        assert outcome(compiled, _asked(3)) == expected[3]
    assert cache.replayed > 0


def test_a_cache_whose_programs_are_used_records_shapes_sooner_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """When the shapes forgotten had been built and replayed, recording comes a sight sooner."""
    monkeypatch.setattr(program_cache, "_MAX_PROGRAMS", 4)
    process = sendflow.load_process("ehc-needs-assessment")
    compiled = CompiledProcess(process)
    for n in range(4):
        for _ in range(3):  # folded twice (recorded), then built and replayed
            sendflow.evaluate(compiled, _asked(n))
    cache = compiled.programs
    assert all(isinstance(found, programs.Program) for found in cache.programs.values())
    cache.sights = 4
    for _ in range(4):
        got = outcome(compiled, _asked(7))
    assert got == outcome(CompiledProcess(process), _asked(7))
    assert cache.sights == 3
    assert len(cache.programs) == 3


def test_threads_sharing_one_compiled_process_get_what_a_full_fold_gives(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Evaluations in several threads share programs and a small cache that keeps filling."""
    monkeypatch.setattr(program_cache, "_MAX_PROGRAMS", 4)
    process = sendflow.load_process("ehc-needs-assessment")
    rng = random.Random(7)
    cases = []
    for _ in range(300):
        day = date(2024, 1, 1) + timedelta(days=rng.randrange(300))
        parties = rng.sample(["health", "school", "social-care", "psychology"], rng.randint(1, 4))
        history = [
            sendflow.Event("request_received", day),
            sendflow.Event("decided_to_assess", day + timedelta(days=rng.randint(10, 60))),
            *(
                sendflow.Event("advice_requested", day + timedelta(days=61), data={"party": p})
                for p in parties
            ),
            *(
                sendflow.Event(
                    "advice_received", day + timedelta(days=rng.randint(62, 120)), data={"party": p}
                )
                for p in parties[: rng.randint(0, len(parties))]
            ),
        ]
        cases.append(sorted(history, key=lambda e: e.on))
    expected = [outcome(CompiledProcess(process), h) for h in cases]
    shared = CompiledProcess(process)
    with ThreadPoolExecutor(max_workers=4) as pool:
        for _ in range(3):
            assert list(pool.map(lambda h: outcome(shared, h), cases)) == expected
    assert shared.programs.replayed > 0


def _assessment(start: date) -> list[Event]:
    return [
        sendflow.Event("request_received", start),
        sendflow.Event("decided_to_assess", start + timedelta(days=30)),
        sendflow.Event("advice_requested", start + timedelta(days=31), data={"party": "health"}),
        sendflow.Event("advice_received", start + timedelta(days=60), data={"party": "health"}),
    ]


@pytest.mark.parametrize(
    "given",
    [
        pytest.param(lambda h: [e.to_dict() for e in h], id="case-file-mappings"),
        pytest.param(lambda h: [h[0], h[2], h[1], h[3]][::-1], id="not-in-order"),
        pytest.param(iter, id="an-iterator"),
        pytest.param(tuple, id="a-tuple"),
    ],
)
def test_every_form_of_a_history_gives_what_a_full_fold_gives(given: Any) -> None:
    """Mappings, unordered events, iterators and tuples reach the same evaluation."""
    process = sendflow.load_process("ehc-needs-assessment")
    compiled = CompiledProcess(process)
    for start in (date(2024, 1, 8), date(2024, 3, 4)):  # the second is replayed by program
        sendflow.evaluate(compiled, _assessment(start))
    history = _assessment(date(2023, 5, 2))
    expected = outcome(CompiledProcess(process), history)
    assert outcome(compiled, given(history)) == expected


def test_an_as_of_inside_the_history_uses_the_shape_of_what_had_happened() -> None:
    """Evaluated before its last events, a history is the shorter one it then was."""
    process = sendflow.load_process("ehc-needs-assessment")
    compiled = CompiledProcess(process)
    for start in (date(2024, 1, 8), date(2024, 3, 4), date(2024, 5, 6)):
        sendflow.evaluate(compiled, _assessment(start))  # the full shape has a program
        sendflow.evaluate(compiled, _assessment(start)[:2])  # and so has its first half
    history = _assessment(date(2023, 5, 2))
    as_of = history[1].on  # before the advice was asked for
    assert outcome(compiled, history, as_of) == outcome(CompiledProcess(process), history, as_of)
    assert sendflow.evaluate(compiled, history, as_of=as_of).state == "assessing"
    shorter = outcome(CompiledProcess(process), history[:2], as_of)
    assert outcome(compiled, history, as_of) == shorter


def _warm_assessment() -> tuple[sendflow.definitions.Process, CompiledProcess]:
    """The EHC process, compiled with the program of :func:`_assessment`'s shape recorded."""
    process = sendflow.load_process("ehc-needs-assessment")
    compiled = CompiledProcess(process)
    for start in (date(2024, 1, 8), date(2024, 3, 4)):
        sendflow.evaluate(compiled, _assessment(start))
    return process, compiled


def test_changing_the_list_given_later_does_not_change_an_evaluation() -> None:
    """Results are made when first read, from the evaluation's own copy of the events."""
    process, compiled = _warm_assessment()
    history = _assessment(date(2023, 5, 2))
    evaluation = sendflow.evaluate(compiled, history)  # replayed by the program
    expected = outcome(CompiledProcess(process), _assessment(date(2023, 5, 2)))
    history[:] = _assessment(date(2020, 1, 6))
    assert evaluation.to_dict() == expected


def test_data_given_to_an_event_that_takes_none_is_refused_by_a_program_too() -> None:
    """An event declaring no data, given some, is refused even when its shape has a program."""
    process, compiled = _warm_assessment()
    history = _assessment(date(2023, 5, 2))
    history[1] = attrs.evolve(history[1], data={"sorce": "parent"})
    expected = outcome(CompiledProcess(process), history)
    assert expected[0] == "EventDataError"  # type: ignore[index]
    assert outcome(compiled, history) == expected


def _review(start: date, notice_days: int, report_days: int) -> list[Event]:
    meeting = start + timedelta(days=330)
    return [
        sendflow.Event("plan_issued", start),
        sendflow.Event("review_meeting_notice_sent", meeting - timedelta(days=notice_days)),
        sendflow.Event("review_meeting_held", meeting),
        sendflow.Event("review_report_sent", meeting + timedelta(days=report_days)),
    ]


def _direct_payments(started: date, reviewed_after: int) -> list[Event]:
    requested = started - timedelta(days=75)
    return [
        sendflow.Event("budget_requested", requested, data={"stage": "review"}),
        sendflow.Event("budget_prepared", requested + timedelta(days=19)),
        sendflow.Event("direct_payments_requested", requested + timedelta(days=20)),
        sendflow.Event("direct_payments_agreed", started - timedelta(days=10)),
        sendflow.Event("direct_payments_started", started),
        sendflow.Event("direct_payments_reviewed", started + timedelta(days=reviewed_after)),
    ]


@pytest.mark.parametrize("later", [0, 1, 45, 400])
def test_lead_times_and_months_replay_without_a_clock_as_a_full_fold_does(later: int) -> None:
    """Lead times and periods counted in months are settled by the program, exactly."""
    cases = [
        # Two weeks' notice before a review meeting (lead times).
        ("annual-review", _review, (date(2023, 1, 31), 20, 5), (date(2023, 6, 15), 20, 5)),
        # Three months of direct payments, counted to the corresponding date.
        ("personal-budget", _direct_payments, (date(2023, 11, 30), 60), (date(2024, 1, 15), 60)),
    ]
    ways: set[int] = set()
    for pid, make, *starts in cases:
        process = sendflow.load_process(pid)
        compiled = CompiledProcess(process)
        for start in starts:
            sendflow.evaluate(compiled, make(*start))
        [shape] = compiled.programs.programs
        program = compiled.programs.program(shape)
        assert program is not None
        ways |= {step.how for *_, step in program.steps}
        for varied in [(date(2024, 2, 29), 10), (date(2022, 8, 31), 95)]:
            history = make(*varied, *starts[0][2:])
            as_of = history[-1].on + timedelta(days=later)
            expected = outcome(CompiledProcess(process), history, as_of)
            assert outcome(compiled, history, as_of) == expected
        assert compiled.programs.replayed == 2
    assert {programs._LEAD, programs._COUNTED} <= ways


def _unanswered(start: date, final_after: int) -> list[Event]:
    consulted = start + timedelta(days=100)
    return [
        *_assessment(start - timedelta(days=60)),
        sendflow.Event("draft_plan_issued", consulted),
        sendflow.Event("institution_consulted", consulted, data={"institution": "Hill Academy"}),
        sendflow.Event("final_plan_issued", consulted + timedelta(days=final_after)),
    ]


@pytest.mark.parametrize("final_after", [10, 14, 15, 40])
def test_a_deadline_closed_with_the_case_replays_as_a_full_fold_does(final_after: int) -> None:
    """A consultation never answered before the case closed: void, or overdue if closed late."""
    process = sendflow.load_process("ehc-needs-assessment")
    compiled = CompiledProcess(process)
    for start in (date(2023, 1, 31), date(2023, 6, 15)):
        sendflow.evaluate(compiled, _unanswered(start, 30))
    [shape] = compiled.programs.programs
    program = compiled.programs.program(shape)
    assert program is not None
    assert programs._CLOSED in {step.how for *_, step in program.steps}
    history = _unanswered(date(2024, 2, 29), final_after)
    assert outcome(compiled, history) == outcome(CompiledProcess(process), history)
    assert compiled.programs.replayed == 1


def _registered(start: date, directions: str, filed_after: int | None) -> list[Event]:
    """An appeal registered with the tribunal's directions for the response, perhaps met."""
    registered = start + timedelta(days=30)
    data: dict[str, object] = {
        "date": {"response_due": registered + timedelta(days=20)},
        "period": {"response_period": "30 days"},
        "none": {},
    }[directions]
    history = [
        sendflow.Event("decision_notice_sent", start, data={"decision": "refusal-to-amend"}),
        sendflow.Event("mediation_declined", start + timedelta(days=6)),
        sendflow.Event("mediation_certificate_issued", start + timedelta(days=7)),
        sendflow.Event("appeal_registered", registered, data=data),
    ]
    if filed_after is not None:
        history.append(
            sendflow.Event("la_response_filed", registered + timedelta(days=filed_after))
        )
    return history


@pytest.mark.parametrize("directions", ["date", "period", "none"])
@pytest.mark.parametrize("filed_after", [None, 19, 20, 45])
@pytest.mark.parametrize("later", [0, 1, 90])
def test_due_dates_read_from_the_history_replay_as_a_full_fold_does(
    directions: str, filed_after: int | None, later: int
) -> None:
    """A due date read from the event's data (or none given) is settled as a full fold does.

    The program is recorded from histories in summer and winter; the history replayed
    starts on other days, so its response falls due in August, at Christmas or not.
    """
    process = sendflow.load_process("appeal")
    compiled = CompiledProcess(process)
    for start in (date(2023, 6, 20), date(2023, 11, 20)):
        sendflow.evaluate(compiled, _registered(start, directions, filed_after))
    [shape] = compiled.programs.programs
    program = compiled.programs.program(shape)
    assert program is not None
    assert programs._DATED in {step.how for *_, step in program.steps}
    for start in (date(2024, 2, 29), date(2024, 7, 1), date(2024, 11, 29)):
        history = _registered(start, directions, filed_after)
        as_of = history[-1].on + timedelta(days=later)
        expected = outcome(CompiledProcess(process), history, as_of)
        assert outcome(compiled, history, as_of) == expected
        mapped = [event.to_dict() for event in history]
        assert outcome(compiled, mapped, as_of) == expected
    assert compiled.programs.replayed == 6
