"""Rule variants: one rule id whose due date depends on the starting event's data."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

import sendflow
from sendflow.definitions.loading import parse_definition
from sendflow.definitions.model import Process
from sendflow.engine.results import Status
from sendflow.errors import DefinitionError, EventError

PROCESS = """
id: transfers
title: Phase transfers
version: "1"
references:
  regs: {title: Regulations, citation: SI 2014/1530}
start: plan_issued
lists:
  kinds: [school, post-16, post-16-to-post-16, other]
states:
  maintained: {title: Plan maintained}
  ceased: {title: Ceased, final: true}
events:
  plan_issued: {to: maintained}
  transfer_identified:
    from: [maintained]
    data:
      transfer: {required: true, one_of: kinds}
      transfer_year: {required: true, type: integer}
      transfer_on: {type: date, description: the day of the transfer}
  amended_plan_issued: {from: [maintained]}
  plan_ceased: {from: [maintained], to: ceased}
time_limits:
  phase-transfer:
    title: Amend the plan before the transfer
    starts: transfer_identified
    per: transfer_year
    met_by: [amended_plan_issued]
    description: Each kind of transfer has its own date.
    reference: {source: regs, provision: reg 18, evidence: primary}
    versions:
      - effective: {to: 2015-12-31}
        period: 10 weeks
      - effective: {from: 2016-01-01}
        period: 20 weeks
        variants:
          - when: {transfer: school}
            before: {month: 2, day: 15, year_from: transfer_year}
            reference: {source: regs, provision: reg 18(1)(b), evidence: primary}
          - when: {transfer: post-16}
            before: {month: 3, day: 31, year_from: transfer_year}
            reference: {source: regs, provision: reg 18(1)(a), evidence: primary}
          - when: {transfer: post-16-to-post-16}
            due_from: {field: transfer_on, period_before: 5 months}
"""


@pytest.fixture(scope="module")
def process() -> Process:
    """The small phase-transfer process, loaded once."""
    return parse_definition(PROCESS, file="transfers.yaml")


def transfer(process: Process, on: str, **data: Any) -> sendflow.TimeLimitResult:
    """The phase-transfer result for a transfer identified ``on`` with ``data``."""
    events = [
        {"event": "plan_issued", "on": "2014-03-15"},
        {"event": "transfer_identified", "on": on, "data": data},
    ]
    evaluation = sendflow.evaluate(process, events)
    [result] = evaluation.time_limits
    return result


def test_variant_chosen_by_data(process):
    """The variant whose 'when' matches the starting event's data gives the due date."""
    school = transfer(process, "2024-09-10", transfer="school", transfer_year=2025)
    post16 = transfer(process, "2024-09-10", transfer="post-16", transfer_year=2025)
    assert (school.due_on, school.reference) == (date(2025, 2, 14), "SI 2014/1530 reg 18(1)(b)")
    assert (post16.due_on, post16.reference) == (date(2025, 3, 30), "SI 2014/1530 reg 18(1)(a)")


def test_variant_without_reference_inherits_the_rules(process):
    """A variant with no reference of its own cites the rule's reference."""
    result = transfer(
        process,
        "2024-06-03",
        transfer="post-16-to-post-16",
        transfer_year=2025,
        transfer_on="2025-01-06",
    )
    assert result.reference == "SI 2014/1530 reg 18"


def test_plain_due_date_is_the_default(process):
    """Data that no variant names falls back to the plain due date beside the variants."""
    result = transfer(process, "2024-09-10", transfer="other", transfer_year=2025)
    assert result.due_on == date(2025, 1, 28)


def test_effective_version_is_chosen_before_the_variant(process):
    """A clock started under an older version ignores variants added later."""
    result = transfer(process, "2015-09-10", transfer="school", transfer_year=2016)
    assert result.due_on == date(2015, 11, 19)


def test_period_before_a_date_counts_back_calendar_months(process):
    """Five months before 31 July is the last day of February, not a day in March."""
    result = transfer(
        process,
        "2024-11-04",
        transfer="post-16-to-post-16",
        transfer_year=2025,
        transfer_on="2025-07-31",
    )
    assert result.due_on == date(2025, 2, 28)
    assert "at least 5 months before the date in transfer_on (Thu 31 Jul 2025)" in (
        result.explanation
    )


def test_explanation_names_the_variant_and_the_rules_note(process):
    """The explanation says which variant applied and ends with the rule's description."""
    result = transfer(process, "2024-09-10", transfer="school", transfer_year=2025)
    assert "for cases where transfer is school applies" in result.explanation
    assert result.explanation.endswith("Note: Each kind of transfer has its own date.")


def test_variant_date_field_is_required_when_it_applies(process):
    """A variant that reads its date from data refuses an event without that data."""
    with pytest.raises(EventError) as caught:
        transfer(process, "2024-09-10", transfer="post-16-to-post-16", transfer_year=2025)
    message = str(caught.value)
    assert "needs data 'transfer_on' (the day of the transfer)" in message
    assert "when transfer is post-16-to-post-16" in message
    assert "(phase-transfer)" in message
    assert caught.value.index == 1


def test_integer_field_written_as_text_is_read_as_a_number(process):
    """A year given as the text '2025' counts as the number 2025."""
    result = transfer(process, "2024-09-10", transfer="school", transfer_year="2025")
    assert (result.key, result.due_on) == ("2025", date(2025, 2, 14))


@pytest.mark.parametrize("year", ["next year", True, 2025.5])
def test_integer_field_refuses_other_values(process, year):
    """A year that is not a whole number is refused with what is allowed."""
    with pytest.raises(EventError, match="as a whole number"):
        transfer(process, "2024-09-10", transfer="school", transfer_year=year)


def test_met_variant_clock_is_met(process):
    """The event that meets the rule meets a variant's clock like any other."""
    events = [
        {"event": "plan_issued", "on": "2014-03-15"},
        {"event": "transfer_identified", "on": "2024-09-10",
         "data": {"transfer": "school", "transfer_year": 2025}},
        {"event": "amended_plan_issued", "on": "2025-02-16"},
    ]  # fmt: skip
    [result] = sendflow.evaluate(process, events).time_limits
    assert (result.status, result.days_late) == (Status.LATE, 2)


def test_variants_must_cover_a_required_field_without_a_default():
    """Without a plain due date, a value no variant covers is a definition error."""
    text = PROCESS.replace("        period: 20 weeks\n        variants:", "        variants:")
    with pytest.raises(DefinitionError, match="no variant covers transfer = other"):
        parse_definition(text, file="transfers.yaml")


def test_variants_by_an_optional_field_need_a_default():
    """Variants chosen by a field that may be missing need a plain due date as the default."""
    text = PROCESS.replace("        period: 20 weeks\n        variants:", "        variants:")
    text = text.replace("when: {transfer: school}", "when: {transfer_on: '2025-09-01'}")
    with pytest.raises(DefinitionError, match="Give a plain due date beside 'variants'"):
        parse_definition(text, file="transfers.yaml")


def test_empty_variants_list_is_refused():
    """'variants' must be a non-empty list, and the message shows its shape."""
    text = PROCESS.replace(
        "        period: 10 weeks\n", "        period: 10 weeks\n        variants: []\n"
    )
    with pytest.raises(DefinitionError, match=r"variants must be a list of \{when:"):
        parse_definition(text, file="transfers.yaml")
