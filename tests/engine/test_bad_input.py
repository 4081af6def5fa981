"""Bad input is refused with a clear message: where, what is wrong, what is allowed, how to fix."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

import sendflow
from sendflow.definitions import load_definition
from sendflow.errors import ArgumentError, DefinitionError, EventError, Problem
from tests.definitions.test_loading import VALID, write

EHC = "ehc-needs-assessment"
REQUEST = {"event": "request_received", "on": "2024-01-08"}
DECIDED = {"event": "decided_to_assess", "on": "2024-02-12"}


def refused(*events: dict[str, Any]) -> EventError:
    """The error an EHC case made of ``events`` is refused with."""
    with pytest.raises(EventError) as caught:
        sendflow.evaluate(sendflow.load_process(EHC), list(events), case_id="A123")
    return caught.value


def definition_problem(tmp_path: Path, old: str, new: str) -> tuple[Path, Problem, str]:
    """Load the small valid process with ``old`` replaced by ``new``; return its one problem."""
    assert old in VALID
    path = write(tmp_path, VALID.replace(old, new, 1))
    with pytest.raises(DefinitionError) as caught:
        load_definition(path)
    [problem] = caught.value.problems
    return path, problem, str(caught.value)


def assert_says(message: str, *parts: str) -> None:
    """Check ``message`` contains every one of ``parts``."""
    missing = [part for part in parts if part not in message]
    assert not missing, f"{missing} not in {message!r}"


def test_malformed_yaml(tmp_path):
    """A process file that is not YAML names the file and line and says what to check."""
    path, problem, message = definition_problem(
        tmp_path, "{from: [deciding], to: assessing}", "{from: [deciding, to: assessing}"
    )
    assert (problem.line, problem.path) == (16, "")
    assert_says(
        message,
        f"{path}, line 16: this is not valid YAML",
        "Check the indentation and quoting near this line.",
    )


def test_duplicate_key(tmp_path):
    """A key given twice names both lines and asks to keep one."""
    path, problem, message = definition_problem(
        tmp_path, "    period: 20 weeks\n", "    period: 20 weeks\n    period: 19 weeks\n"
    )
    assert (problem.line, problem.path) == (29, "time_limits.final-plan.period")
    assert problem.message == (
        "duplicate key 'period': it was already given on line 28. Keep one of them."
    )
    assert_says(message, f"{path}, line 29, at time_limits.final-plan.period")


def test_unknown_event_in_a_process_file(tmp_path):
    """A rule naming an unknown event lists the known events and suggests the close one."""
    _, problem, _ = definition_problem(
        tmp_path, "void_by: [request_withdrawn]", "void_by: [request_withdrawal]"
    )
    assert (problem.line, problem.path) == (30, "time_limits.final-plan.void_by[0]")
    assert_says(
        problem.message,
        "void_by names the unknown event 'request_withdrawal'",
        "Known events are: decided_to_assess, exception_recorded,",
    )
    assert problem.message.endswith("Did you mean 'request_withdrawn'?")


def test_event_not_allowed_in_the_current_state():
    """An event the state does not allow is refused, listing the events allowed now."""
    error = refused(REQUEST, {"event": "draft_plan_issued", "on": "2024-02-01"})
    assert (error.case_id, error.index) == ("A123", 1)
    assert (error.state, error.event) == ("awaiting_decision_to_assess", "draft_plan_issued")
    assert error.allowed == (
        "decided_to_assess",
        "refused_to_assess",
        "request_withdrawn",
        "exception_recorded",
    )
    assert str(error).startswith("case A123, event 2: draft_plan_issued on Thu 1 Feb 2024")
    assert_says(
        str(error),
        "is not allowed while the case is in state 'awaiting_decision_to_assess'",
        "Allowed now: decided_to_assess, refused_to_assess, request_withdrawn, exception_recorded.",
        "draft_plan_issued can come only in: assessing.",
    )


def test_missing_required_event_data():
    """An event without a required field names the field and says to add it."""
    error = refused(REQUEST, DECIDED, {"event": "advice_requested", "on": "2024-02-13"})
    assert (error.index, error.event, error.state) == (2, "advice_requested", "assessing")
    assert str(error).startswith("case A123, event 3: advice_requested on 2024-02-13")
    assert_says(str(error), "needs data 'party'", "it is missing. Add it to the event's data.")


def test_impossible_date():
    """A date that does not exist (30 February) is refused and the format is shown."""
    error = refused(REQUEST, {"event": "decided_to_assess", "on": "2024-02-30"})
    assert error.index == 1
    assert str(error).startswith(
        "event 2: the date of decided_to_assess '2024-02-30' is not a date"
    )
    assert_says(
        str(error), "there is no such day", "Write dates as YYYY-MM-DD, for example 2024-02-29."
    )


def test_unknown_exception_reason():
    """An unknown exception reason lists the reasons allowed."""
    error = refused(
        REQUEST, {"event": "exception_recorded", "on": "2024-02-01", "data": {"reason": "covid"}}
    )
    assert (error.index, error.event) == (1, "exception_recorded")
    assert_says(
        str(error),
        "has reason 'covid', which is not allowed",
        "Allowed values (the list 'exception-reasons'): school-closure,",
        "absence-from-area",
        "missed-appointment",
        "coronavirus",
    )


def test_coronavirus_exception_outside_its_window():
    """A coronavirus exception on a clock that never ran in May-September 2020 is refused."""
    error = refused(
        {"event": "request_received", "on": "2020-10-05"},
        {"event": "exception_recorded", "on": "2020-11-02", "data": {"reason": "coronavirus"}},
    )
    assert (error.index, error.event) == (1, "exception_recorded")
    assert error.state == "awaiting_decision_to_assess"
    assert_says(
        str(error),
        "exception_recorded on 2020-11-02",
        "running some time between Fri 1 May 2020 and Fri 25 Sep 2020",
        "Remove it, or record the reason that applies.",
    )


def test_event_dated_before_the_case_began():
    """An event dated before the request is refused, naming it and the request's date."""
    error = refused(REQUEST, {"event": "decided_to_assess", "on": "2023-12-20"})
    assert error.index == 1
    assert error.allowed == ("request_received", "became_responsible")
    assert str(error).startswith("case A123, event 2: decided_to_assess on 2023-12-20")
    assert_says(
        str(error),
        "is dated before the case began (request_received on 2024-01-08)",
        "Check its date",
    )


def test_school_closure_facts_that_do_not_fit():
    """A school-closure exception whose dates do not fit is refused, naming the window."""
    data = {
        "reason": "school-closure",
        "closure_from": "2024-03-25",
        "reopens_on": "2024-04-29",
        "advice_requested_on": "2024-03-01",
    }
    error = refused(
        REQUEST, DECIDED, {"event": "exception_recorded", "on": "2024-04-01", "data": data}
    )
    assert error.index == 2
    assert_says(
        str(error),
        "advice was asked on Fri 1 Mar 2024, outside the window the exception covers",
        "from Mon 18 Mar 2024 (a week before the closure)",
        "to Mon 22 Apr 2024 (a week before it reopened)",
    )


def test_rejected_event_in_a_case_file_names_the_file(tmp_path):
    """A case file with a bad event is refused with the file's name in front of the reason."""
    path = tmp_path / "case.yaml"
    path.write_text(
        "process: ehc-needs-assessment\ncase_id: B7\nevents:\n"
        "  - {event: request_received, 'on': 2024-01-08}\n"
        "  - {event: final_plan_issued, 'on': 2024-02-01}\n",
        encoding="utf-8",
    )
    with pytest.raises(EventError) as caught:
        sendflow.read_case_file(path)
    assert str(caught.value).startswith(f"{path}: case B7, event 2: final_plan_issued")


@pytest.mark.parametrize(
    ("args", "data", "words"),
    [
        (("request_received", "2024-01-08"), {}, "'on' must be a datetime.date"),
        (("request_received", datetime(2024, 1, 8)), {}, "'on' must be a datetime.date"),
        ((5, date(2024, 1, 8)), {}, "an event's name must be text"),
        (("request_received", date(2024, 1, 8)), None, "'data' must be a mapping"),
    ],
    ids=["text-date", "datetime", "name-not-text", "data-none"],
)
def test_an_event_built_in_python_with_the_wrong_types_is_refused(
    args: tuple[object, object], data: object, words: str
) -> None:
    """Event checks its own fields, so a bad one never reaches replay as a traceback."""
    with pytest.raises(sendflow.EventError, match=words):
        sendflow.Event(*args, data=data)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changed", "words"),
    [
        ({"process": EHC}, "not its id or file name: load it first, with sendflow.load_process"),
        ({"process": None}, "evaluate takes a process definition"),
        ({"as_of": "2024-06-10"}, "as_of must be a datetime.date"),
        ({"as_of": datetime(2024, 6, 10)}, "as_of must be a datetime.date"),
        ({"case_id": 5}, "case_id must be text naming the case"),
    ],
    ids=["process-id", "process-none", "as-of-text", "as-of-datetime", "case-id-number"],
)
def test_evaluate_called_with_the_wrong_types_says_what_it_takes(
    changed: dict[str, object], words: str
) -> None:
    """A wrong argument to evaluate gets the engine's own message (in either build), not a
    comparison or weak-reference error from deep inside."""
    given: dict[str, Any] = {"process": sendflow.load_process(EHC), "as_of": date(2024, 6, 10)}
    given.update(changed)
    process = given.pop("process")
    with pytest.raises(ArgumentError, match=words):
        sendflow.evaluate(process, [REQUEST, DECIDED], **given)


@pytest.mark.parametrize(
    ("closures", "named"),
    [
        (5, "int 5"),
        ("2024-12-23", "str '2024-12-23'"),
        (["2024-12-23"], "str '2024-12-23'"),
        ([datetime(2024, 12, 23)], "datetime datetime.datetime(2024, 12, 23, 0, 0)"),
    ],
    ids=["number", "text", "text-in-a-list", "datetime-in-a-list"],
)
def test_evaluate_with_closures_that_are_not_dates_says_what_it_takes(
    closures: object, named: str
) -> None:
    """Closures are checked when a process is first compiled with them: the message names
    the wrong value and says how to give them."""
    with pytest.raises(ArgumentError) as caught:
        sendflow.evaluate(sendflow.load_process(EHC), [REQUEST, DECIDED], closures=closures)  # type: ignore[arg-type]
    assert_says(str(caught.value), "closures must be datetime.date values", named, "load_closures")
