"""Tests for working-day calendars, the tribunal's r.12 rules and closure files."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import holidays
import pytest
from hypothesis import given

from sendflow.time import bank_holidays
from sendflow.time.calendars import (
    CALENDAR_NAMES,
    Calendar,
    EnglandCalendar,
    TribunalCalendar,
    get_calendar,
    load_closures,
)
from tests.strategies_dates import EDGE_DATES, dates, day_counts

ONE_DAY = timedelta(days=1)
ENGLAND = EnglandCalendar()
TRIBUNAL = TribunalCalendar()


def _uncounted(day: date) -> bool:
    """Reference rule: the r.12(3)(b) days that are not counted."""
    return day.month == 8 or (day.month, day.day) >= (12, 25) or (day.month, day.day) == (1, 1)


# Working days


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (date(2024, 3, 29), "Good Friday"),
        (date(2024, 4, 1), "Easter Monday"),
        (date(2024, 12, 25), "Christmas Day"),
        (date(2024, 12, 26), "Boxing Day"),
        (date(2025, 1, 1), "New Year's Day"),
        (date(2024, 5, 6), "Early May bank holiday"),
        (date(2024, 5, 27), "Spring bank holiday"),
        (date(2024, 8, 26), "Summer bank holiday"),
        (date(2021, 12, 27), "Christmas Day (substitute day)"),
        (date(2021, 12, 28), "Boxing Day (substitute day)"),
        (date(2022, 1, 3), "New Year's Day (substitute day)"),
        (date(2024, 3, 9), "Saturday"),
        (date(2024, 3, 10), "Sunday"),
    ],
)
def test_holidays_and_weekends_are_not_working_days(day: date, name: str) -> None:
    """Weekends, bank holidays, substitute days, Christmas Day and Good Friday are days off."""
    assert not ENGLAND.is_working_day(day)
    assert ENGLAND.holiday_name(day) == name


def test_christmas_day_on_a_saturday_is_named_as_christmas() -> None:
    """A holiday that falls at a weekend is named as the holiday, not the weekday."""
    assert ENGLAND.holiday_name(date(2021, 12, 25)) == "Christmas Day"


def test_an_ordinary_weekday_is_a_working_day() -> None:
    """An ordinary Monday is a working day and has no holiday name."""
    assert ENGLAND.is_working_day(date(2024, 1, 8))
    assert ENGLAND.holiday_name(date(2024, 1, 8)) is None


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (date(2024, 3, 28), 1, date(2024, 4, 2)),  # Easter: Good Friday to Easter Monday
        (date(2024, 12, 24), 1, date(2024, 12, 27)),  # Christmas Day, Boxing Day
        (date(2024, 12, 31), 1, date(2025, 1, 2)),  # New Year's Day
        (date(2021, 12, 24), 1, date(2021, 12, 29)),  # substitute days 27 and 28 Dec
        (date(2021, 12, 31), 1, date(2022, 1, 4)),  # substitute day 3 Jan 2022
        (date(2024, 5, 24), 3, date(2024, 5, 30)),  # Friday before Spring bank holiday
        (date(2024, 1, 5), 5, date(2024, 1, 12)),  # a Friday plus a working week
        (date(2024, 1, 6), 0, date(2024, 1, 6)),  # no days: the start, even a Saturday
    ],
)
def test_add_working_days_skips_days_off(start: date, n: int, expected: date) -> None:
    """Adding working days skips weekends, bank holidays and substitute days."""
    assert ENGLAND.add_working_days(start, n) == expected


def test_add_working_days_rejects_a_negative_count() -> None:
    """A negative number of working days is refused."""
    with pytest.raises(ValueError, match="0 or more"):
        ENGLAND.add_working_days(date(2024, 1, 8), -1)


def test_next_working_day_moves_past_a_long_weekend() -> None:
    """The next working day after Good Friday is the Tuesday after Easter Monday."""
    assert ENGLAND.next_working_day(date(2024, 3, 29)) == date(2024, 4, 2)
    assert ENGLAND.next_working_day(date(2024, 4, 2)) == date(2024, 4, 2)


def test_good_friday_rule_matches_the_holidays_package() -> None:
    """The fallback Easter calculation gives the holidays package's Good Friday."""
    fridays = {
        day
        for day, name in holidays.country_holidays("GB", years=range(1900, 2101)).items()
        if name == "Good Friday"
    }
    easter = bank_holidays._easter_sunday
    assert {easter(year) - 2 * ONE_DAY for year in range(1900, 2101)} == fridays


# Closures


def test_closure_dates_are_not_working_days() -> None:
    """A council closure date is not a working day and is named as a closure."""
    closed = EnglandCalendar([date(2024, 12, 23)])
    assert not closed.is_working_day(date(2024, 12, 23))
    assert closed.holiday_name(date(2024, 12, 23)) == "council closure"
    assert closed.add_working_days(date(2024, 12, 20), 1) == date(2024, 12, 24)
    assert ENGLAND.is_working_day(date(2024, 12, 23))


def test_with_closures_adds_to_the_existing_closures() -> None:
    """with_closures keeps the earlier closures, adds the new ones and keeps the kind."""
    first = TribunalCalendar([date(2024, 12, 23)])
    both = first.with_closures([date(2024, 12, 24)])
    assert isinstance(both, TribunalCalendar)
    assert both.name == "tribunal"
    assert both.closures == {date(2024, 12, 23), date(2024, 12, 24)}
    assert first.is_working_day(date(2024, 12, 24))
    assert not both.is_working_day(date(2024, 12, 24))


def test_closures_must_be_dates() -> None:
    """A closure given as a datetime is refused, since it would never match a day."""
    with pytest.raises(TypeError, match="datetime"):
        EnglandCalendar([datetime(2024, 12, 23, 9, 0)])


def test_calendars_compare_by_kind_name_and_closures() -> None:
    """Calendars of the same kind with the same name and closures are equal."""
    assert EnglandCalendar() == ENGLAND
    assert hash(EnglandCalendar()) == hash(ENGLAND)
    assert EnglandCalendar([date(2024, 12, 23)]) != ENGLAND
    assert TribunalCalendar(name="england") != ENGLAND


def test_load_closures_reads_dates_and_ranges(tmp_path: Path) -> None:
    """A closures file may hold quoted dates, bare dates and inclusive ranges."""
    path = tmp_path / "closures.yaml"
    path.write_text('- "2024-12-23"\n- 2024-12-27\n- 2024-12-30..2025-01-02\n', encoding="utf-8")
    assert load_closures(path) == {
        date(2024, 12, 23),
        date(2024, 12, 27),
        date(2024, 12, 30),
        date(2024, 12, 31),
        date(2025, 1, 1),
        date(2025, 1, 2),
    }


def test_an_empty_closures_file_has_no_closures(tmp_path: Path) -> None:
    """An empty closures file means no closures."""
    path = tmp_path / "closures.yaml"
    path.write_text("", encoding="utf-8")
    assert load_closures(str(path)) == frozenset()


@pytest.mark.parametrize(
    ("text", "item", "problem"),
    [
        (
            "- 2024-12-23\n- 23/12/2024\n",
            2,
            "'23/12/2024' is not a date: it is not written YYYY-MM-DD",
        ),
        ("- 2024-12-23\n- 2024-02-30\n", 2, "'2024-02-30' is not a date: there is no such day"),
        ("- 2025-01-02..2024-12-30\n", 1, "ends before it starts"),
        ("- 2024-01-01..2025-12-31\n", 1, "731 days"),
        ("- 2024-12-23\n- 2024-12-24\n- 17\n", 3, "is a int"),
        ("- 2024-12-23 09:00:00\n", 1, "'2024-12-23 09:00:00' is not a date: it is not written"),
        ("- !!timestamp 2024-12-23 09:00:00\n", 1, "has a time of day"),
        ("- 2024-12-23..\n", 1, "'' is not a date: it is not written"),
    ],
)
def test_load_closures_names_the_file_and_the_bad_item(
    tmp_path: Path, text: str, item: int, problem: str
) -> None:
    """A bad item is reported with the file, the item's number, the problem and the forms."""
    path = tmp_path / "closures.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=r"closures\.yaml") as caught:
        load_closures(path)
    message = str(caught.value)
    assert f"item {item}:" in message
    assert problem in message
    assert "YYYY-MM-DD..YYYY-MM-DD" in message


@pytest.mark.parametrize("text", ["closures: [2024-12-23]\n", "- [unclosed\n"])
def test_load_closures_rejects_a_file_that_is_not_a_list(tmp_path: Path, text: str) -> None:
    """A file that is not a YAML list is reported with the file name and the allowed form."""
    path = tmp_path / "closures.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=r"closures\.yaml.*list"):
        load_closures(path)


# Shared calendars


def test_get_calendar_returns_shared_instances() -> None:
    """Each calendar name gives the same shared instance every time."""
    for name in CALENDAR_NAMES:
        calendar: Calendar = get_calendar(name)
        assert calendar is get_calendar(name)
        assert calendar.name == name
    assert isinstance(get_calendar("tribunal"), TribunalCalendar)


def test_get_calendar_lists_the_names_for_an_unknown_one() -> None:
    """An unknown calendar name is refused with the allowed names and a suggestion."""
    with pytest.raises(ValueError, match="'england', 'tribunal'") as caught:
        get_calendar("tribunl")
    assert "did you mean 'tribunal'?" in str(caught.value)


# Tribunal rule 12


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2024, 12, 24), False),
        (date(2024, 12, 25), True),
        (date(2025, 1, 1), True),
        (date(2025, 1, 2), False),
        (date(2024, 7, 31), False),
        (date(2024, 8, 1), True),
        (date(2024, 8, 31), True),
        (date(2024, 9, 1), False),
    ],
)
def test_christmas_and_august_have_exact_edges(day: date, expected: bool) -> None:
    """The special days run from 25 December to 1 January and through August."""
    assert TribunalCalendar.in_christmas_or_august(day) is expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2024, 12, 27), date(2025, 1, 2)),  # Christmas week: first working day after 1 Jan
        (date(2021, 12, 27), date(2022, 1, 4)),  # 2 Jan is Sunday, 3 Jan a substitute day
        (date(2022, 1, 1), date(2022, 1, 4)),
        (date(2024, 8, 15), date(2024, 9, 2)),  # 31 Aug Sat, 1 Sep Sun, so Mon 2 Sep
        (date(2024, 8, 1), date(2024, 9, 2)),
        (date(2024, 3, 9), date(2024, 3, 11)),  # a Saturday: the Monday
        (date(2024, 3, 12), date(2024, 3, 12)),  # a working day stays
        (date(2024, 3, 29), date(2024, 4, 2)),  # Good Friday: Tuesday after Easter
    ],
)
def test_proceedings_end(day: date, expected: date) -> None:
    """A period for starting proceedings that ends at Christmas, in August or off work moves."""
    assert TRIBUNAL.proceedings_end(day) == expected


def test_proceedings_end_moves_once_into_august() -> None:
    """A period ending on Saturday 31 July moves to Monday 2 August, not on to September."""
    assert TRIBUNAL.proceedings_end(date(2021, 7, 31)) == date(2021, 8, 2)


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (date(2024, 7, 25), 14, date(2024, 9, 9)),  # 6 July days, 8 September days, Sun
        (date(2024, 12, 20), 10, date(2025, 1, 7)),  # 21-24 Dec, then 2-7 Jan
        (date(2024, 8, 10), 1, date(2024, 9, 2)),  # from inside August: 1 Sep is a Sunday
        (date(2024, 3, 1), 14, date(2024, 3, 15)),  # nothing skipped
        (date(2024, 3, 1), 0, date(2024, 3, 1)),
        (date(2024, 3, 2), 0, date(2024, 3, 4)),  # 0 days from a Saturday: the Monday
    ],
)
def test_add_counted_days_skips_christmas_and_august(start: date, n: int, expected: date) -> None:
    """Counted days skip 25 December to 1 January and August, then move to a working day."""
    assert TRIBUNAL.add_counted_days(start, n) == expected


def test_add_counted_days_rejects_a_negative_count() -> None:
    """A negative number of days is refused."""
    with pytest.raises(ValueError, match="0 or more"):
        TRIBUNAL.add_counted_days(date(2024, 1, 8), -1)


# Properties

BANK_HOLIDAYS = holidays.country_holidays("GB", subdiv="ENG", years=range(2013, 2042))


@given(dates())
def test_is_working_day_matches_the_definition(day: date) -> None:
    """A working day is a weekday that is not a bank holiday in England."""
    assert ENGLAND.is_working_day(day) is (day.weekday() < 5 and day not in BANK_HOLIDAYS)
    assert (ENGLAND.holiday_name(day) is None) is ENGLAND.is_working_day(day)


@given(dates(), day_counts())
def test_one_more_working_day_never_ends_earlier(start: date, n: int) -> None:
    """N + 1 working days end later than N working days."""
    assert ENGLAND.add_working_days(start, n + 1) > ENGLAND.add_working_days(start, n)


@given(dates(), day_counts())
def test_adding_working_days_counts_exactly_n_working_days(start: date, n: int) -> None:
    """The result is a working day with exactly n working days after the start up to it."""
    end = ENGLAND.add_working_days(start, n)
    span = [start + ONE_DAY * offset for offset in range(1, (end - start).days + 1)]
    assert sum(ENGLAND.is_working_day(day) for day in span) == n
    if n:
        assert ENGLAND.is_working_day(end)


@given(dates())
def test_next_working_day_is_the_first_working_day_from_the_input(day: date) -> None:
    """The next working day is a working day, not before the input, with none between."""
    found = ENGLAND.next_working_day(day)
    assert found >= day
    assert ENGLAND.is_working_day(found)
    assert not any(ENGLAND.is_working_day(day + ONE_DAY * k) for k in range((found - day).days))


@given(dates())
def test_proceedings_end_is_a_working_day_on_or_after_the_end(day: date) -> None:
    """Proceedings end on a working day no earlier than the period, outside the special days."""
    found = TRIBUNAL.proceedings_end(day)
    assert found >= day
    assert TRIBUNAL.is_working_day(found)
    if TribunalCalendar.in_christmas_or_august(day):
        assert not TribunalCalendar.in_christmas_or_august(found)
    else:
        assert found == TRIBUNAL.next_working_day(day)


@given(dates(min_value=date(2014, 1, 1), max_value=date(2039, 12, 31)))
def test_proceedings_end_outside_the_special_days_when_the_day_is_a_working_day(
    day: date,
) -> None:
    """A period ending on a working day outside the special days ends that very day."""
    if TRIBUNAL.is_working_day(day) and not TribunalCalendar.in_christmas_or_august(day):
        assert TRIBUNAL.proceedings_end(day) == day


@given(dates(), day_counts(max_value=200))
def test_add_counted_days_matches_a_day_by_day_count(start: date, n: int) -> None:
    """Counted days agree with counting one day at a time and are at least n days on."""
    day, remaining = start, n
    while remaining:
        day += ONE_DAY
        if not _uncounted(day):
            remaining -= 1
    found = TRIBUNAL.add_counted_days(start, n)
    assert found == TRIBUNAL.next_working_day(day)
    assert found >= start + ONE_DAY * n
    assert TRIBUNAL.is_working_day(found)


def test_edge_dates_include_the_dates_the_law_changed() -> None:
    """The edge-date strategy covers the law-change dates and the substitute bank holidays."""
    for day in (date(2015, 9, 1), date(2020, 5, 1), date(2020, 9, 25), date(2021, 12, 28)):
        assert day in EDGE_DATES
