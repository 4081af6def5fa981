"""Tests for periods and the rules for counting them."""

from __future__ import annotations

import calendar as stdlib_calendar
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sendflow.time.calendars import EnglandCalendar, get_calendar
from sendflow.time.periods import (
    Counting,
    Period,
    Unit,
    add_months,
    day_before,
    describe_counting,
    format_day,
    period_end,
)
from tests.strategies_dates import dates, day_counts

ONE_DAY = timedelta(days=1)
ENGLAND = get_calendar("england")
AFTER = Counting.AFTER
BEGINNING_WITH = Counting.BEGINNING_WITH


# Parsing and writing periods


@pytest.mark.parametrize(
    ("text", "amount", "unit"),
    [
        ("6 weeks", 6, Unit.WEEKS),
        ("1 week", 1, Unit.WEEKS),
        ("15 days", 15, Unit.DAYS),
        ("1 day", 1, Unit.DAYS),
        ("3 working days", 3, Unit.WORKING_DAYS),
        ("1 working day", 1, Unit.WORKING_DAYS),
        ("2 months", 2, Unit.MONTHS),
        ("1 month", 1, Unit.MONTHS),
        ("12 months", 12, Unit.MONTHS),
        ("0 days", 0, Unit.DAYS),
        ("  20 WEEKS ", 20, Unit.WEEKS),
        ("5 Working  Days", 5, Unit.WORKING_DAYS),
    ],
)
def test_parse_reads_the_allowed_forms(text: str, amount: int, unit: Unit) -> None:
    """Periods are read in any case, with spaces around them ignored."""
    assert Period.parse(text) == Period(amount, unit)


@pytest.mark.parametrize(
    ("period", "text"),
    [
        (Period(6, Unit.WEEKS), "6 weeks"),
        (Period(1, Unit.WEEKS), "1 week"),
        (Period(3, Unit.WORKING_DAYS), "3 working days"),
        (Period(1, Unit.WORKING_DAYS), "1 working day"),
        (Period(1, Unit.MONTHS), "1 month"),
        (Period(0, Unit.DAYS), "0 days"),
    ],
)
def test_str_writes_the_period_in_words(period: Period, text: str) -> None:
    """A period is written as its amount and its unit, singular for one."""
    assert str(period) == text


@given(st.integers(min_value=0, max_value=10_000), st.sampled_from(Unit))
def test_str_and_parse_round_trip(amount: int, unit: Unit) -> None:
    """Parsing a period's text gives the same period back."""
    period = Period(amount, unit)
    assert Period.parse(str(period)) == period


def test_parse_suggests_the_unit_for_a_misspelling() -> None:
    """A misspelt unit is refused with the allowed forms and the likely period."""
    with pytest.raises(ValueError, match="'N weeks'") as caught:
        Period.parse("6 weks")
    message = str(caught.value)
    assert "'6 weks'" in message
    assert "did you mean '6 weeks'?" in message


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("six weeks", "'six weeks' is not a period"),
        ("-1 days", "'-1 days' is negative"),
        ("", "'' is not a period"),
        ("6", "'6' is not a period"),
        ("6 fortnights", "unknown unit 'fortnights'"),
        ("1.5 weeks", "'1.5 weeks' is not a period"),
    ],
)
def test_parse_rejects_other_text(text: str, words: str) -> None:
    """Text that is not a period is refused with what was given and the allowed forms."""
    with pytest.raises(ValueError, match="'N days', 'N weeks', 'N working days'") as caught:
        Period.parse(text)
    assert words in str(caught.value)


def test_a_period_cannot_be_negative() -> None:
    """A period built directly with a negative amount is refused."""
    with pytest.raises(ValueError, match="0 or more"):
        Period(-1, Unit.DAYS)


def test_a_period_amount_must_be_a_whole_number() -> None:
    """A period's amount must be an int, not a bool or a float."""
    with pytest.raises(TypeError):
        Period(True, Unit.DAYS)
    with pytest.raises(TypeError):
        Period(1.5, Unit.DAYS)  # type: ignore[arg-type]


# Worked examples from the rule catalogue


def test_twenty_weeks_ending_on_a_bank_holiday_does_not_move() -> None:
    """A 20-week limit from Mon 8 Jan 2024 ends on Spring bank holiday, 27 May 2024."""
    due = period_end(date(2024, 1, 8), Period.parse("20 weeks"))
    assert due == date(2024, 5, 27)
    assert not ENGLAND.is_working_day(due)


def test_days_after_exclude_the_start_day() -> None:
    """N days after X end on X + N."""
    assert period_end(date(2024, 1, 8), Period.parse("15 days")) == date(2024, 1, 23)


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (date(2024, 12, 31), 2, date(2025, 2, 28)),
        (date(2023, 12, 31), 2, date(2024, 2, 29)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2024, 3, 31), 1, date(2024, 4, 30)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2024, 1, 15), 0, date(2024, 1, 15)),
        (date(2024, 3, 31), -1, date(2024, 2, 29)),
        (date(2024, 1, 15), -13, date(2022, 12, 15)),
    ],
)
def test_add_months_uses_the_corresponding_date(start: date, n: int, expected: date) -> None:
    """Months end on the corresponding date, or the month's last day if it has none."""
    assert add_months(start, n) == expected
    if n >= 0:
        assert period_end(start, Period(n, Unit.MONTHS)) == expected


def test_fifteen_days_beginning_with_the_day_served() -> None:
    """A draft served on 1 March opens a window of 15 days beginning with it: 1 to 15 March."""
    assert period_end(date(2024, 3, 1), Period.parse("15 days"), counting=BEGINNING_WITH) == (
        date(2024, 3, 15)
    )


@pytest.mark.parametrize(
    ("made", "expected"),
    [
        (date(2024, 3, 15), date(2025, 3, 14)),
        (date(2023, 3, 1), date(2024, 2, 29)),
        (date(2024, 2, 29), date(2025, 2, 28)),
        (date(2024, 1, 31), date(2025, 1, 30)),
    ],
)
def test_twelve_months_starting_with_the_day_made(made: date, expected: date) -> None:
    """Twelve months starting with X end the day before the corresponding date."""
    assert period_end(made, Period.parse("12 months"), counting=BEGINNING_WITH) == expected


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (date(2024, 1, 31), date(2024, 2, 29)),  # 31 Feb does not exist: Feb's last day
        (date(2023, 1, 30), date(2023, 2, 28)),
        (date(2023, 1, 28), date(2023, 2, 27)),
    ],
)
def test_one_month_starting_with_a_late_day(start: date, expected: date) -> None:
    """When the later month has no corresponding date, the period ends on its last day."""
    assert period_end(start, Period.parse("1 month"), counting=BEGINNING_WITH) == expected


def test_before_fifteen_february_means_by_fourteen_february() -> None:
    """The last day "before 15 February" is 14 February."""
    assert day_before(2, 15, 2025) == date(2025, 2, 14)
    assert day_before(3, 1, 2024) == date(2024, 2, 29)


def test_working_days_after_skip_days_off() -> None:
    """Three working days after a Friday before a bank holiday Monday end on Thursday."""
    assert period_end(date(2024, 5, 24), Period.parse("3 working days")) == date(2024, 5, 30)


def test_working_days_beginning_with_a_working_day_count_it_as_day_one() -> None:
    """Three working days beginning with a Wednesday end on the Friday."""
    assert period_end(
        date(2024, 1, 10), Period.parse("3 working days"), counting=BEGINNING_WITH
    ) == date(2024, 1, 12)


def test_working_days_beginning_with_a_day_off_start_on_the_next_working_day() -> None:
    """Working days beginning with a Saturday make the Monday day 1."""
    assert period_end(
        date(2024, 1, 6), Period.parse("1 working day"), counting=BEGINNING_WITH
    ) == date(2024, 1, 8)


def test_working_days_use_the_calendar_given() -> None:
    """A council closure given through the calendar is skipped."""
    closed = EnglandCalendar([date(2024, 1, 9)])
    period = Period.parse("1 working day")
    assert period_end(date(2024, 1, 8), period) == date(2024, 1, 9)
    assert period_end(date(2024, 1, 8), period, calendar=closed) == date(2024, 1, 10)


def test_a_zero_period_beginning_with_a_day_ends_the_day_before() -> None:
    """An empty period counted beginning with X ends on the day before X, in every unit."""
    for unit in Unit:
        assert period_end(date(2024, 1, 10), Period(0, unit), counting=BEGINNING_WITH) == (
            date(2024, 1, 9)
        )


# Words


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (date(2024, 1, 8), "Mon 8 Jan 2024"),
        (date(2024, 5, 27), "Mon 27 May 2024"),
        (date(2024, 12, 1), "Sun 1 Dec 2024"),
        (date(2020, 9, 25), "Fri 25 Sep 2020"),
    ],
)
def test_format_day(day: date, text: str) -> None:
    """Days are written as short weekday, day without a leading zero, short month, year."""
    assert format_day(day) == text


@given(dates())
def test_format_day_matches_the_c_locale(day: date) -> None:
    """format_day writes what strftime writes in the C locale."""
    assert format_day(day) == f"{day:%a} {day.day} {day:%b %Y}"


@pytest.mark.parametrize(
    ("period", "counting", "text"),
    [
        ("20 weeks", AFTER, "20 weeks after"),
        ("15 days", BEGINNING_WITH, "15 days beginning with"),
        ("12 months", BEGINNING_WITH, "12 months starting with"),
        ("2 months", AFTER, "2 months after"),
        ("1 working day", BEGINNING_WITH, "1 working day beginning with"),
    ],
)
def test_describe_counting(period: str, counting: Counting, text: str) -> None:
    """Counting is described in the law's words."""
    assert describe_counting(Period.parse(period), counting) == text


# Properties


@given(dates(), st.integers(min_value=0, max_value=60))
def test_add_months_stays_in_the_target_month(start: date, n: int) -> None:
    """Adding months lands in the expected month, on the same day or an earlier one."""
    end = add_months(start, n)
    year, month0 = divmod(start.year * 12 + start.month - 1 + n, 12)
    assert (end.year, end.month) == (year, month0 + 1)
    assert end.day <= start.day
    last_day = stdlib_calendar.monthrange(end.year, end.month)[1]
    assert end.day == min(start.day, last_day)


@given(dates(), st.integers(min_value=0, max_value=60))
def test_months_beginning_with_end_by_the_corresponding_date(start: date, n: int) -> None:
    """Months starting with X end the day before the corresponding date, or on it when cut short."""
    after = period_end(start, Period(n, Unit.MONTHS))
    beginning = period_end(start, Period(n, Unit.MONTHS), counting=BEGINNING_WITH)
    if after.day == start.day:
        assert beginning == after - ONE_DAY
    else:
        assert beginning == after


@given(dates(), day_counts(max_value=400), st.sampled_from([Unit.DAYS, Unit.WEEKS]))
def test_beginning_with_ends_one_day_before_after(start: date, n: int, unit: Unit) -> None:
    """For days and weeks, counting beginning with the start ends one day earlier than after."""
    period = Period(n, unit)
    after = period_end(start, period)
    assert after == start + ONE_DAY * n * (7 if unit is Unit.WEEKS else 1)
    assert period_end(start, period, counting=BEGINNING_WITH) == after - ONE_DAY


@given(dates(), day_counts())
def test_working_day_periods_end_on_working_days(start: date, n: int) -> None:
    """A period of one or more working days ends on a working day, one more never earlier."""
    period = Period(n, Unit.WORKING_DAYS)
    longer = Period(n + 1, Unit.WORKING_DAYS)
    for counting in Counting:
        end = period_end(start, period, counting=counting)
        assert period_end(start, longer, counting=counting) > end
        if n:
            assert ENGLAND.is_working_day(end)


@given(dates(), day_counts())
def test_working_days_beginning_with_count_the_first_working_day(start: date, n: int) -> None:
    """N working days beginning with X end N - 1 working days after the first working day."""
    first = ENGLAND.next_working_day(start)
    end = period_end(start, Period(n + 1, Unit.WORKING_DAYS), counting=BEGINNING_WITH)
    assert end == ENGLAND.add_working_days(first, n)
