"""The public JSON shapes, structured and unstructured by one ``cattrs`` converter.

``docs/contracts.md`` documents each shape; this package is the code that turns the
library's objects into those shapes and back. Dates are ``YYYY-MM-DD`` text, timestamps
ISO 8601 text, enums their values, and a missing value ``null``.

Each shape has one ``register_*`` function in :mod:`.case_shapes` or :mod:`.store_shapes`
that adds its hooks to a converter; :data:`SHAPES` lists them in the order they are
registered (a shape after the shapes it holds). To add a shape, write its function and
add it to :data:`SHAPES`.

Example:
    >>> from datetime import date
    >>> from sendflow.engine.events import Event
    >>> converter.unstructure(Event("request_received", date(2024, 1, 8)))
    {'event': 'request_received', 'on': '2024-01-08'}
    >>> structure({"event": "request_received", "on": "2024-01-08"}, Event).on
    datetime.date(2024, 1, 8)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any, TypeVar

import cattrs
from cattrs.fns import identity
from cattrs.v import format_exception

from sendflow.contracts.case_shapes import (
    register_case,
    register_evaluation,
    register_event,
    register_time_limit_result,
)
from sendflow.contracts.store_shapes import (
    register_case_summary,
    register_change,
    register_changes,
    register_due_item,
    register_page,
    register_stored_case,
    register_stored_event,
)
from sendflow.errors import CaseFileError, SendflowError
from sendflow.time.days import read_legal_day

__all__ = ["SHAPES", "converter", "make_converter", "structure"]

T = TypeVar("T")

SHAPES: tuple[Callable[[cattrs.Converter], None], ...] = (
    register_event,
    register_time_limit_result,
    register_evaluation,
    register_case,
    register_stored_event,
    register_due_item,
    register_case_summary,
    register_stored_case,
    register_change,
    register_changes,
    register_page,
)
"""Every public shape's registration, in order."""


def _optional_day(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def _legal_day(value: Any) -> date:
    """A ``YYYY-MM-DD`` date in the legal range, or a ``ValueError`` saying what is wrong."""
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not a date written YYYY-MM-DD")
    try:
        return read_legal_day(value)
    except ValueError as exc:
        raise ValueError(f"{value!r} is not a date: {exc}") from None


def _problem(exc: BaseException, cls: Any) -> str:
    """What is wrong with one value: a date reader's own words, else the converter's."""
    if type(exc) is ValueError:
        return str(exc)
    return format_exception(exc, cls)


def make_converter() -> cattrs.Converter:
    """A converter with every shape in :data:`SHAPES` registered."""
    made = cattrs.Converter(
        # Sequences become JSON lists, whatever their Python type.
        unstruct_collection_overrides={Sequence: list, tuple: list},
        forbid_extra_keys=True,
    )
    # Hooks cattrs can inline into the code it generates (text written as it is, dates as
    # ISO text), so a row is written as fast as by hand (``benchmarks/contracts.py``).
    made.register_unstructure_hook(str | None, identity)
    made.register_unstructure_hook(date | None, _optional_day)
    made.register_unstructure_hook(date, date.isoformat)
    made.register_structure_hook(date, lambda value, _: _legal_day(value))
    made.register_unstructure_hook(datetime, datetime.isoformat)
    made.register_structure_hook(datetime, lambda value, _: datetime.fromisoformat(value))
    for register in SHAPES:
        register(made)
    return made


converter = make_converter()
"""The converter every public shape goes through."""


def structure(data: Any, cls: type[T], *, where: str = "$") -> T:
    """``data`` read as a ``cls``, or a :class:`~sendflow.errors.CaseFileError` saying why not.

    Errors sendflow's own readers raise (a bad event, an unknown process) pass through
    unchanged; the converter's are gathered into one message naming each wrong field.

    Raises:
        CaseFileError: ``data`` does not have the shape of a ``cls``.
        SendflowError: An event or case in it is not valid for its process.
    """
    try:
        return converter.structure(data, cls)
    except SendflowError:
        raise
    except cattrs.BaseValidationError as exc:
        found = _first_sendflow_error(exc)
        if found is not None:
            raise found from None
        problems = "; ".join(cattrs.transform_error(exc, path=where, format_exception=_problem))
        raise CaseFileError(f"not a {cls.__name__}: {problems}") from None
    except (KeyError, TypeError, ValueError) as exc:
        raise CaseFileError(f"{where}: not a {cls.__name__}: {exc}") from None


def _first_sendflow_error(group: BaseExceptionGroup[Exception]) -> SendflowError | None:
    """The first error sendflow raised among those the converter gathered, if any."""
    for exc in group.exceptions:
        if isinstance(exc, SendflowError):
            return exc
        if isinstance(exc, BaseExceptionGroup):
            found = _first_sendflow_error(exc)
            if found is not None:
                return found
    return None
