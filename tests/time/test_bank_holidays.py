"""The shipped bank-holiday table is what the holidays package computes, year by year."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import pytest

from sendflow.time import bank_holidays
from sendflow.time.bank_holidays import (
    FIRST_TABLE_YEAR,
    LAST_TABLE_YEAR,
    computed_bank_holidays,
)
from sendflow.time.calendars import EnglandCalendar
from sendflow.time.days import FIRST_LEGAL_DAY, LAST_LEGAL_DAY


def test_the_table_spans_every_legal_year() -> None:
    """The table holds each year from the first legal day's to the last legal day's."""
    assert (FIRST_LEGAL_DAY.year, LAST_LEGAL_DAY.year) == (FIRST_TABLE_YEAR, LAST_TABLE_YEAR)
    assert set(bank_holidays._table()["years"]) == {  # type: ignore[arg-type]
        str(year) for year in range(FIRST_TABLE_YEAR, LAST_TABLE_YEAR + 1)
    }


def test_the_shipped_table_equals_the_holidays_package_for_every_year() -> None:
    """Each year's days and names in the table are those the holidays package computes.

    If this fails after upgrading the holidays package, write the table again:
    ``python tools/bank_holidays_table.py``.
    """
    differing = [
        year
        for year in range(FIRST_TABLE_YEAR, LAST_TABLE_YEAR + 1)
        if dict(bank_holidays._from_table(year)) != dict(computed_bank_holidays(year))
    ]
    assert not differing, f"run `python tools/bank_holidays_table.py`; years {differing}"


@pytest.mark.parametrize("year", [1066, 1899, 2200, 2400])
def test_a_year_outside_the_table_is_computed(year: int) -> None:
    """Outside 1900-2199 the days come from the holidays package itself."""
    assert dict(bank_holidays.bank_holidays(year)) == dict(computed_bank_holidays(year))
    assert bank_holidays.bank_holidays(year)[date(year, 12, 25)] == "Christmas Day"


def test_the_calendar_reads_the_table() -> None:
    """Known days: the 2022 state funeral, the 2023 coronation, a substitute Christmas Day."""
    england = EnglandCalendar()
    assert england.holiday_name(date(2022, 9, 19)) == "State Funeral of Queen Elizabeth II"
    assert england.holiday_name(date(2023, 5, 8)) == "Coronation of Charles III"
    assert england.holiday_name(date(2022, 12, 27)) == "Christmas Day (substitute day)"
    assert england.holiday_name(date(2024, 5, 6)) == "Early May bank holiday"
    assert england.holiday_name(date(2024, 5, 7)) is None


def test_counting_in_the_table_years_never_imports_the_holidays_package() -> None:
    """A working-day count inside the table's years does not load the holidays package."""
    code = (
        "import sys\nfrom datetime import date\n"
        "from sendflow.time.calendars import get_calendar\n"
        "get_calendar('england').add_working_days(date(2024, 12, 20), 20)\n"
        "assert get_calendar('england').holiday_name(date(2024, 12, 26)) == 'Boxing Day'\n"
        "print('holidays' in sys.modules)"
    )
    run = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    assert run.stdout.strip() == "False"
