"""Every public error, raised through the real API path that produces it: its class, its
category, its code and the HTTP status a service answers with; and every code documented.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

import sendflow
from sendflow import errors
from sendflow.files import CASE_FILE, FileAccessError, FileContentError, read_text
from sendflow.localoffer import FeedError, LocalOfferFileError, check_feed, load_topics
from sendflow.store import (
    CaseExistsError,
    CaseNotFoundError,
    CursorError,
    ImportRejectedError,
    Store,
    StoreBusyError,
    StoreError,
)
from sendflow.testing import ScenarioFileError, load_scenario_file
from sendflow.testing.mutants import UnknownOperatorError, mutants
from sendflow.testing.mutation import SuiteFailsError, mutate

from .helpers import PROCESS, request_on
from .test_errors import lock_held

CONTRACTS = Path(__file__).resolve().parents[2] / "docs" / "contracts.md"
DAY = date(2024, 1, 8)

Raiser = Callable[[str, Path], Any]


def _opened(url: str) -> Store:
    store = Store(url, busy_timeout=0.2)
    store.open_case(PROCESS, case_id="A1", events=request_on())
    return store


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _bad_definition(url: str, tmp: Path) -> Any:
    return sendflow.load_process(_write(tmp / "bad.yaml", "id: x\nstates: 3\n"))


def _bad_case_file(url: str, tmp: Path) -> Any:
    return sendflow.read_case_file(_write(tmp / "case.json", '{"process": "x", "evnts": []}'))


def _bad_import(url: str, tmp: Path) -> Any:
    bad = {"process": PROCESS, "case_id": "B1", "events": [{"event": "nope", "on": "2024-01-08"}]}
    with Store(url) as store:
        return store.import_cases([bad])


def _bad_date(url: str, tmp: Path) -> Any:
    return sendflow.evaluate(
        sendflow.load_process(PROCESS), [{"event": "request_received", "on": "2024-02-30"}]
    )


def _not_allowed(url: str, tmp: Path) -> Any:
    with _opened(url) as store:
        return store.record("A1", "final_plan_issued", on=date(2024, 2, 1))


def _party_list(url: str, tmp: Path) -> Any:
    with _opened(url) as store:
        store.record("A1", "decided_to_assess", on=date(2024, 2, 12))
        return store.record("A1", "advice_requested", on=date(2024, 2, 13), data={"party": ["a"]})


def _actor_number(url: str, tmp: Path) -> Any:
    with _opened(url) as store:
        return store.record("A1", "decided_to_assess", on=date(2024, 2, 12), actor=5)  # type: ignore[arg-type]


def _retract_missing(url: str, tmp: Path) -> Any:
    with _opened(url) as store:
        return store.retract("A1", 9, by="officer-3", reason="typo")


def _retract_breaking(url: str, tmp: Path) -> Any:
    with _opened(url) as store:
        store.record("A1", "decided_to_assess", on=date(2024, 2, 12))
        store.record("A1", "advice_requested", on=date(2024, 2, 13), data={"party": "health"})
        return store.retract("A1", 2, by="officer-3", reason="typo")


def _stale(url: str, tmp: Path) -> Any:
    with _opened(url) as store:
        return store.record("A1", "decided_to_assess", on=date(2024, 2, 12), expected_version=7)


def _exists(url: str, tmp: Path) -> Any:
    with _opened(url) as store:
        return store.open_case(PROCESS, case_id="A1", events=request_on())


def _not_found(url: str, tmp: Path) -> Any:
    with Store(url) as store:
        return store.record("NOPE", "decided_to_assess", on=date(2024, 2, 12))


def _busy(url: str, tmp: Path) -> Any:
    with _opened(url) as store, lock_held(url):
        return store.record("A1", "decided_to_assess", on=date(2024, 2, 12))


def _bad_cursor(url: str, tmp: Path) -> Any:
    with _opened(url) as store:
        return store.cases_page(cursor="not a cursor")


def _scenario_file(url: str, tmp: Path) -> Any:
    return load_scenario_file(_write(tmp / "s.scenarios.yaml", "process: 3\n"))


def _suite_fails(url: str, tmp: Path) -> Any:
    text = (
        f"process: {PROCESS}\nscenarios:\n  - name: wrong\n    events:\n"
        "      - {event: request_received, on: 2024-01-08}\n"
        "    expect: {state: assessing}\n"
    )
    return mutate(PROCESS, [_write(tmp / "w.scenarios.yaml", text)], jobs=1)


# (id, class, category, code, HTTP status, the call that raises it)
ROWS: list[tuple[str, type[errors.SendflowError], str, str, int, Raiser]] = [
    ("definition", errors.DefinitionError, "invalid_input", "definition_invalid", 400,
     _bad_definition),
    ("local offer file", LocalOfferFileError, "invalid_input", "local_offer_file_invalid", 400,
     lambda url, tmp: load_topics(tmp / "no-such-topics.yaml")),
    ("unknown process", errors.UnknownProcessError, "invalid_input", "process_unknown", 400,
     lambda url, tmp: sendflow.load_process("ehc-needs-assesment")),
    ("case file", errors.CaseFileError, "invalid_input", "case_file_invalid", 400,
     _bad_case_file),
    ("empty history", errors.CaseFileError, "invalid_input", "case_file_invalid", 400,
     lambda url, tmp: sendflow.evaluate(sendflow.load_process(PROCESS), [])),
    ("import rejected", ImportRejectedError, "invalid_input", "import_rejected", 400,
     _bad_import),
    ("as of before start", errors.AsOfDateError, "invalid_input", "as_of_before_start", 400,
     lambda url, tmp: sendflow.Case(PROCESS, events=request_on()).evaluate(as_of=date(2024, 1, 1))),
    ("process id to evaluate", errors.ArgumentError, "invalid_input", "argument_invalid", 400,
     lambda url, tmp: sendflow.evaluate(PROCESS, [])),  # type: ignore[arg-type]
    ("bad date", errors.EventDataError, "invalid_input", "event_invalid", 400, _bad_date),
    ("party as a list", errors.EventDataError, "invalid_input", "event_invalid", 400,
     _party_list),
    ("actor not text", errors.EventDataError, "invalid_input", "event_invalid", 400,
     _actor_number),
    ("file missing", FileAccessError, "invalid_input", "file_unreadable", 400,
     lambda url, tmp: read_text(tmp / "missing.json", CASE_FILE)),
    ("file not UTF-8", FileContentError, "invalid_input", "file_invalid", 400,
     lambda url, tmp: read_text(tmp / "latin.json", CASE_FILE)
     if (tmp / "latin.json").write_bytes(b'{"a": "\xe9"}') else None),
    ("feed", FeedError, "invalid_input", "feed_invalid", 400,
     lambda url, tmp: check_feed(tmp / "no-such-feed.json", as_of=DAY)),
    ("scenario file", ScenarioFileError, "invalid_input", "scenario_file_invalid", 400,
     _scenario_file),
    ("operator", UnknownOperatorError, "invalid_input", "operator_unknown", 400,
     lambda url, tmp: mutants(PROCESS, operators=("nope",))),
    ("not allowed", errors.EventNotAllowedError, "refused", "event_not_allowed", 422,
     _not_allowed),
    ("retract no such event", errors.EventDataError, "invalid_input", "event_invalid", 400,
     _retract_missing),
    ("retraction breaks history", errors.EventNotAllowedError, "refused", "event_not_allowed",
     422, _retract_breaking),
    ("suite fails", SuiteFailsError, "refused", "suite_fails", 422, _suite_fails),
    ("stale", errors.StaleCaseError, "conflict", "case_stale", 409, _stale),
    ("exists", CaseExistsError, "conflict", "case_exists", 409, _exists),
    ("not found", CaseNotFoundError, "not_found", "case_not_found", 404, _not_found),
    ("store unavailable", StoreError, "unavailable", "store_unavailable", 503,
     lambda url, tmp: Store("cases.db")),
    ("store busy", StoreBusyError, "unavailable", "store_busy", 503, _busy),
    ("bad cursor", CursorError, "invalid_input", "cursor_invalid", 400, _bad_cursor),
]  # fmt: skip

CATEGORIES = {
    "invalid_input": errors.InvalidInputError,
    "refused": errors.RefusedError,
    "conflict": errors.ConflictError,
    "not_found": errors.NotFoundError,
    "unavailable": errors.UnavailableError,
}


@pytest.mark.parametrize(
    ("kind", "category", "code", "status", "raiser"),
    [pytest.param(*row[1:], id=row[0]) for row in ROWS],
)
def test_each_error_has_its_class_category_code_and_status(
    kind: type[errors.SendflowError],
    category: str,
    code: str,
    status: int,
    raiser: Raiser,
    store_url: str,
    tmp_path: Path,
) -> None:
    """The real call raises exactly this class, in one category, with its code and status."""
    with pytest.raises(errors.SendflowError) as raised:
        raiser(store_url, tmp_path)
    error = raised.value
    assert type(error) is kind, f"{type(error).__name__}: {error}"
    assert (error.code, error.category) == (code, category)
    assert errors.http_status(error) == status == errors.HTTP_STATUS[code]
    assert isinstance(error, CATEGORIES[category])
    others = [c for name, c in CATEGORIES.items() if name != category]
    assert not isinstance(error, tuple(others))


def test_event_errors_still_catch_both_kinds() -> None:
    """``except EventError`` catches bad data and refusals; each is also its category."""
    assert issubclass(errors.EventDataError, errors.EventError)
    assert issubclass(errors.EventNotAllowedError, errors.EventError)
    assert issubclass(errors.EventDataError, ValueError)  # as EventError always was
    assert not issubclass(errors.EventNotAllowedError, errors.InvalidInputError)
    assert not issubclass(errors.UnknownProcessError, LookupError)
    assert issubclass(CaseNotFoundError, LookupError)


def test_allowed_tells_unknown_from_none() -> None:
    """``allowed`` is ``None`` when not known, ``()`` for a closed case, else the events."""
    process = sendflow.load_process(PROCESS)
    closed = [*request_on(), {"event": "request_withdrawn", "on": "2024-02-01"}]
    with pytest.raises(errors.EventNotAllowedError) as after_close:
        sendflow.evaluate(process, [*closed, {"event": "decided_to_assess", "on": "2024-02-02"}])
    assert after_close.value.allowed == ()
    bad_data = [*request_on(), {"event": "decided_to_assess", "on": "2024-02-12"}]
    bad_data.append({"event": "advice_requested", "on": "2024-02-13", "data": {"party": 3}})
    with pytest.raises(errors.EventDataError) as wrong_type:
        sendflow.evaluate(process, bad_data)
    assert wrong_type.value.allowed is None
    with pytest.raises(errors.EventDataError) as bad_day:
        sendflow.evaluate(process, [{"event": "request_received", "on": "2024-13-01"}])
    assert bad_day.value.allowed is None
    with pytest.raises(errors.EventNotAllowedError) as too_soon:
        sendflow.evaluate(
            process, [*request_on(), {"event": "final_plan_issued", "on": "2024-02-01"}]
        )
    assert too_soon.value.allowed is not None
    assert "decided_to_assess" in too_soon.value.allowed


def _error_classes() -> set[type[errors.SendflowError]]:
    found: set[type[errors.SendflowError]] = set()
    waiting: list[type[errors.SendflowError]] = [errors.SendflowError]
    while waiting:
        kind = waiting.pop()
        if kind.__module__.startswith("sendflow.") and kind not in found:
            found.add(kind)
            waiting.extend(kind.__subclasses__())
    return found


def _documented() -> dict[str, tuple[str, str, int]]:
    """The rows of the error table in docs/contracts.md: class -> (code, category, status)."""
    rows = re.findall(
        r"^\| `(\w+)` \| `(\w+)` \| `(\w+)` \| (\d{3}) \|", CONTRACTS.read_text(), re.MULTILINE
    )
    return {name: (code, category, int(status)) for name, code, category, status in rows}


def test_every_error_class_has_its_own_code_and_a_documented_row() -> None:
    """Every SendflowError class (exported or not) has a code of its own, a status, and a
    row in docs/contracts.md giving that code, category and status."""
    documented = _documented()
    classes = _error_classes()
    assert {c.__name__ for c in classes} >= {
        "StoreBusyError", "FeedError", "ScenarioFileError", "SuiteFailsError", "AsOfDateError",
    }  # fmt: skip
    codes: dict[str, str] = {}
    for kind in classes:
        assert "code" in vars(kind), f"{kind.__name__} has no code of its own"
        assert re.fullmatch(r"[a-z]+(_[a-z]+)*", kind.code), kind.code
        assert codes.setdefault(kind.code, kind.__name__) == kind.__name__, kind.code
        assert kind.code in errors.HTTP_STATUS, kind.code
        assert documented.get(kind.__name__) == (
            kind.code,
            kind.category,
            errors.HTTP_STATUS[kind.code],
        ), kind.__name__
        category_class = CATEGORIES.get(kind.category)
        if category_class is not None:
            assert issubclass(kind, category_class)
            assert errors.HTTP_STATUS[kind.code] == errors.HTTP_STATUS[kind.category]
    assert set(codes) == set(errors.HTTP_STATUS)


def test_every_public_error_name_is_exported_where_documented() -> None:
    """The error names of ``sendflow``, ``sendflow.errors`` and ``sendflow.store`` all
    have a documented row."""
    documented = _documented()
    for module in (sendflow, errors, sendflow.store):
        for name in module.__all__:
            value = getattr(module, name)
            if isinstance(value, type) and issubclass(value, errors.SendflowError):
                assert name in documented, name
