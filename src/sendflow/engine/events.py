"""Events: the facts a case's history is made of, and how they are read from plain data."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

import attrs

from sendflow.errors import EventError
from sendflow.time.days import legal_day_problem, read_legal_day

__all__ = ["Event", "parse_day", "to_event"]

_EMPTY: Mapping[str, Any] = {}
_EVENT_KEYS = ("event", "on", "data", "actor", "recorded_at")
_KEY_SET = frozenset(_EVENT_KEYS)


@attrs.frozen(slots=True)
class Event:
    """Something that happened in a case, on a legal date.

    Attributes:
        name: The event's id in the process definition (``request_received``).
        on: The legal date it happened.
        data: The facts the definition asks for (``{"party": "health"}``).
        actor: Who recorded it, when known.
        recorded_at: When it was recorded (UTC), set by the store.
    """

    name: str = attrs.field()
    on: date = attrs.field()
    data: Mapping[str, Any] = attrs.field(factory=dict, kw_only=True)

    @name.validator
    def _check_name(self, _: attrs.Attribute[str], value: object) -> None:
        if not isinstance(value, str) or not value:
            raise EventError(
                f"an event's name must be text, such as 'request_received', not {value!r}."
            )

    @on.validator
    def _check_on(self, _: attrs.Attribute[date], value: object) -> None:
        # A datetime is a date too, but cannot be compared with dates: legal dates only.
        if not isinstance(value, date) or isinstance(value, datetime):
            raise EventError(
                f"{self.name}: 'on' must be a datetime.date (the legal date), not {value!r}. "
                "Use date(2024, 1, 8), or a case-file mapping with 'on': '2024-01-08'."
            )
        problem = legal_day_problem(value)
        if problem is not None:
            raise EventError(f"{self.name}: the date {problem}.")

    @data.validator
    def _check_data(self, _: attrs.Attribute[Mapping[str, Any]], value: object) -> None:
        if not isinstance(value, Mapping):
            raise EventError(f"{self.name}: 'data' must be a mapping of fields, not {value!r}.")

    actor: str | None = attrs.field(default=None, kw_only=True)
    recorded_at: datetime | None = attrs.field(default=None, kw_only=True, eq=False)

    def to_dict(self) -> dict[str, Any]:
        """The case-file form of this event (dates as ISO text).

        Written by hand because the store's import and export call it once per event and
        the converter (:data:`sendflow.contracts.converter`) is slower at it
        (``benchmarks/contracts.py``); a test keeps the two the same.
        """
        out: dict[str, Any] = {"event": self.name, "on": self.on.isoformat()}
        if self.data:
            out["data"] = {
                k: v.isoformat() if isinstance(v, date) else v for k, v in self.data.items()
            }
        if self.actor is not None:
            out["actor"] = self.actor
        if self.recorded_at is not None:
            out["recorded_at"] = self.recorded_at.isoformat()
        return out


def parse_day(value: Any, *, what: str, index: int | None = None) -> date:
    """Read a legal date from a ``date`` or ``YYYY-MM-DD`` text; explain what is wrong if not."""
    if isinstance(value, date):
        day = value.date() if isinstance(value, datetime) else value
        problem = legal_day_problem(day)
        if problem is None:
            return day
        raise EventError(f"{what}: {problem}.", index=index)
    if isinstance(value, str):
        try:
            return read_legal_day(value.strip())
        except ValueError as exc:
            raise EventError(
                f"{what} {value!r} is not a date: {exc}. Write dates as YYYY-MM-DD, for "
                "example 2024-02-29.",
                index=index,
            ) from None
    raise EventError(f"{what} must be a date written YYYY-MM-DD, not {value!r}.", index=index)


def to_event(value: Event | Mapping[str, Any], *, index: int | None = None) -> Event:
    """An :class:`Event` from an ``Event`` or a case-file mapping ``{"event", "on", ...}``."""
    if isinstance(value, Event):
        return value
    if not isinstance(value, Mapping):
        raise EventError(
            f"an event must be a mapping with 'event' and 'on', not {type(value).__name__}.",
            index=index,
        )
    if not _KEY_SET.issuperset(value):
        unknown = [k for k in value if k not in _KEY_SET]
        if unknown:
            raise EventError(
                f"unexpected field(s) {', '.join(map(repr, unknown))} in an event; allowed "
                f"fields are: {', '.join(_EVENT_KEYS)}.",
                index=index,
            )
    name = value.get("event")
    if not isinstance(name, str) or not name:
        raise EventError("an event needs 'event': the event's name.", index=index)
    if "on" not in value:
        raise EventError(f"event {name!r} needs 'on': the date it happened.", index=index)
    on = parse_day(value["on"], what=f"the date of {name}", index=index)
    data = value.get("data") or _EMPTY
    if not isinstance(data, Mapping):
        raise EventError(f"the data of {name!r} must be a mapping of fields.", index=index)
    recorded = value.get("recorded_at")
    if isinstance(recorded, str):
        recorded = datetime.fromisoformat(recorded)
    actor = value.get("actor")
    return Event(
        name, on, data=dict(data), actor=None if actor is None else str(actor), recorded_at=recorded
    )
