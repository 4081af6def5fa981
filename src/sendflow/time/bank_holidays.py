"""England's named days off by year: bank holidays, Christmas Day and Good Friday.

The source is the holidays package (England and Wales), as the design says. Importing it
costs more than the rest of ``sendflow check`` together (it loads every country), so the
days of every year sendflow accepts (1900 to 2199, see :mod:`sendflow.time.days`) are
shipped as a table computed from it, ``data/bank_holidays_england.json``, and read at run
time. A year outside the table is computed from the holidays package, as before.

The table is written by ``python tools/bank_holidays_table.py`` from :func:`table_text`;
a test checks that it equals what the installed holidays package computes for every year
in it. When a new release of the holidays package adds a day (a jubilee, a state
funeral), that test fails until the table is written again.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from datetime import date, timedelta
from pathlib import Path
from types import MappingProxyType

from sendflow.time.days import FIRST_LEGAL_DAY, LAST_LEGAL_DAY

__all__ = [
    "FIRST_TABLE_YEAR",
    "LAST_TABLE_YEAR",
    "TABLE_FILE",
    "bank_holidays",
    "computed_bank_holidays",
    "table_text",
]

FIRST_TABLE_YEAR = FIRST_LEGAL_DAY.year
"""The first year the shipped table holds."""

LAST_TABLE_YEAR = LAST_LEGAL_DAY.year
"""The last year the shipped table holds."""

TABLE_FILE = "data/bank_holidays_england.json"
"""The shipped table, inside the ``sendflow.time`` package."""

# The holidays package names some days differently from gov.uk; councils and families
# know the gov.uk names, so explanations use those.
_GOV_UK_NAMES: Mapping[str, str] = {
    "May Day": "Early May bank holiday",
    "Spring Bank Holiday": "Spring bank holiday",
    "Late Summer Bank Holiday": "Summer bank holiday",
}
_OBSERVED_SUFFIX = " (observed)"
_SUBSTITUTE_SUFFIX = " (substitute day)"
_TWO_DAYS = timedelta(days=2)


def _easter_sunday(year: int) -> date:
    """Return Easter Sunday in the Gregorian calendar (the anonymous Gregorian algorithm)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    el = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * el) // 451
    month, day = divmod(h + el - 7 * m + 114, 31)
    return date(year, month, day + 1)


def _gov_uk_name(name: str) -> str:
    """Return the gov.uk wording for one holiday name from the holidays package."""
    suffix = ""
    if name.endswith(_OBSERVED_SUFFIX):
        name = name.removesuffix(_OBSERVED_SUFFIX)
        suffix = _SUBSTITUTE_SUFFIX
    return _GOV_UK_NAMES.get(name, name) + suffix


def computed_bank_holidays(year: int) -> Mapping[date, str]:
    """Return the named days off in England in `year`, computed by the holidays package.

    Bank holidays come from the holidays package (England and Wales), with their gov.uk
    names. Christmas Day and Good Friday are added in case the package ever stops
    listing them: they are common law holidays rather than bank holidays, and never
    working days.
    """
    import holidays  # noqa: PLC0415  (heavy: only for a year outside the table)

    source = holidays.country_holidays("GB", subdiv="ENG", years=year)
    names: dict[date, str] = {}
    for day, raw in source.items():
        names[day] = "; ".join(_gov_uk_name(part) for part in str(raw).split("; "))
    names.setdefault(date(year, 12, 25), "Christmas Day")
    names.setdefault(_easter_sunday(year) - _TWO_DAYS, "Good Friday")
    return MappingProxyType(dict(sorted(names.items())))


@functools.cache
def _table() -> Mapping[str, object]:
    """The shipped table, read once: ``names`` and, by year, ``MMDD:name-index`` entries.

    Read beside this module, not through :mod:`importlib.resources`, whose import and
    readers (``tempfile``, ``zipfile``) cost ``sendflow check`` more than reading the
    table; sendflow is installed as plain files, never imported from a zip.
    """
    text = (Path(__file__).parent / TABLE_FILE).read_text("utf-8")
    loaded: dict[str, object] = json.loads(text)
    return loaded


def _from_table(year: int) -> Mapping[date, str]:
    """The named days off in `year` as the shipped table holds them."""
    table = _table()
    names = table["names"]
    years = table["years"]
    assert isinstance(names, list)
    assert isinstance(years, dict)
    days: dict[date, str] = {}
    for entry in years[str(year)].split():
        month_day, index = entry.split(":")
        days[date(year, int(month_day[:2]), int(month_day[2:]))] = names[int(index)]
    return MappingProxyType(days)


@functools.cache
def bank_holidays(year: int) -> Mapping[date, str]:
    """Return the named days off in England in `year`, with their gov.uk names.

    Years 1900 to 2199 come from the shipped table; any other year is computed by the
    holidays package (:func:`computed_bank_holidays`).
    """
    if FIRST_TABLE_YEAR <= year <= LAST_TABLE_YEAR:
        return _from_table(year)
    return computed_bank_holidays(year)


def table_text() -> str:
    """The text of the shipped table, computed now from the installed holidays package."""
    import holidays  # noqa: PLC0415

    by_year = {
        year: computed_bank_holidays(year) for year in range(FIRST_TABLE_YEAR, LAST_TABLE_YEAR + 1)
    }
    names = sorted({name for days in by_year.values() for name in days.values()})
    index = {name: number for number, name in enumerate(names)}
    years = {
        str(year): " ".join(f"{day:%m%d}:{index[name]}" for day, name in days.items())
        for year, days in by_year.items()
    }
    table = {
        "source": (
            f"holidays {holidays.version.__version__}, country GB, subdivision ENG, with Christmas "
            "Day and Good Friday; written by tools/bank_holidays_table.py"
        ),
        "names": names,
        "years": years,
    }
    return json.dumps(table, indent=0, ensure_ascii=False) + "\n"
