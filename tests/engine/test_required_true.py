"""A true-or-false data field that must be true: notice content the law requires."""

from __future__ import annotations

from typing import Any

import pytest

import sendflow
from sendflow.definitions.loading import parse_definition
from sendflow.definitions.model import Process
from sendflow.errors import DefinitionError, EventError

PROCESS = """
id: notices
title: Notices
version: "1"
start: opened
states:
  open: {title: Open}
  refused: {title: Refused, final: true}
events:
  opened: {to: open}
  refused:
    from: [open]
    to: refused
    data:
      reasons: {required: true, description: the reasons given}
      review_right_notified:
        required: true
        type: boolean
        one_of: [true]
        description: the family were told of their right to a review
"""


@pytest.fixture(scope="module")
def process() -> Process:
    """A process whose refusal must say the review right was given."""
    return parse_definition(PROCESS, file="notices.yaml")


def refuse(process: Process, data: dict[str, Any]) -> sendflow.Evaluation:
    """Evaluate a case refused with ``data``."""
    return sendflow.evaluate(
        process,
        [
            {"event": "opened", "on": "2024-01-08"},
            {"event": "refused", "on": "2024-02-01", "data": data},
        ],
    )


def test_true_is_accepted(process: Process) -> None:
    """A refusal with reasons and the review right given is recorded."""
    assert refuse(process, {"reasons": "x", "review_right_notified": True}).state == "refused"


def test_false_is_rejected_saying_it_must_be_true(process: Process) -> None:
    """A refusal that did not give the review right is rejected with what must be so."""
    with pytest.raises(EventError) as raised:
        refuse(process, {"reasons": "x", "review_right_notified": False})
    message = str(raised.value)
    assert "has review_right_notified false, but it must be true" in message
    assert "told of their right to a review" in message
    assert raised.value.index == 1


def test_missing_is_rejected_with_the_value_it_needs(process: Process) -> None:
    """A refusal that does not say whether the review right was given is rejected."""
    with pytest.raises(EventError) as raised:
        refuse(process, {"reasons": "x"})
    assert "needs data 'review_right_notified'" in str(raised.value)
    assert "One of: true." in str(raised.value)


def test_text_instead_of_true_is_rejected(process: Process) -> None:
    """The word 'yes' is not true: the field takes true or false only."""
    with pytest.raises(EventError, match="as true or false, not 'yes'"):
        refuse(process, {"reasons": "x", "review_right_notified": "yes"})


def test_a_boolean_can_only_require_true_or_false() -> None:
    """A definition that requires a boolean to be some other word is rejected."""
    with pytest.raises(DefinitionError, match="can only require true or false, not maybe"):
        parse_definition(PROCESS.replace("one_of: [true]", "one_of: [maybe]"), file="notices.yaml")
