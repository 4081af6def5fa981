"""Events: the facts a case's history is made of, and how they are read from plain data."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

import attrs

from sendflow.errors import EventDataError
from sendflow.time.days import legal_day_problem, read_legal_day

__all__ = [
    "EMPTY", "LEGAL_DAYS", "Event", "legal_day_given", "parse_day", "read_events", "to_event",
    "trusted_event", "with_data",
]  # fmt: skip

_EMPTY: Mapping[str, Any] = {}
EMPTY = _EMPTY
"""No data: shared, never changed, and never handed out as an event's own data."""
_EVENT_KEYS = ("event", "on", "data", "actor", "recorded_at")
_KEY_SET = frozenset(_EVENT_KEYS)
_MAX_DAYS = 40_000  # legal days remembered by their text (about a century of days)

LEGAL_DAYS: dict[str, date] = {}
"""Texts already read as legal days, and the days they name: cases share their dates, so
most dates of a caseload are read once. Only text exactly ``YYYY-MM-DD`` within the legal
range is kept, so a look-up that finds a day gives :func:`read_legal_day`'s verdict."""


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
            raise EventDataError(
                f"an event's name must be text, such as 'request_received', not {value!r}."
            )

    @on.validator
    def _check_on(self, _: attrs.Attribute[date], value: object) -> None:
        # A datetime is a date too, but cannot be compared with dates: legal dates only.
        if not isinstance(value, date) or isinstance(value, datetime):
            raise EventDataError(
                f"{self.name}: 'on' must be a datetime.date (the legal date), not {value!r}. "
                "Use date(2024, 1, 8), or a case-file mapping with 'on': '2024-01-08'."
            )
        problem = legal_day_problem(value)
        if problem is not None:
            raise EventDataError(f"{self.name}: the date {problem}.")

    @data.validator
    def _check_data(self, _: attrs.Attribute[Mapping[str, Any]], value: object) -> None:
        if not isinstance(value, Mapping):
            raise EventDataError(f"{self.name}: 'data' must be a mapping of fields, not {value!r}.")

    actor: str | None = attrs.field(default=None, kw_only=True)

    @actor.validator
    def _check_actor(self, _: attrs.Attribute[str | None], value: object) -> None:
        if value is not None and not isinstance(value, str):
            raise EventDataError(
                f"{self.name}: 'actor' must be text naming who recorded it (or left out), "
                f"not {type(value).__name__} {value!r}."
            )

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
        raise EventDataError(f"{what}: {problem}.", index=index)
    if isinstance(value, str):
        known = legal_day_given(value)  # exactly YYYY-MM-DD, and remembered
        if known is not None:
            return known
        try:
            return read_legal_day(value.strip())
        except ValueError as exc:
            raise EventDataError(
                f"{what} {value!r} is not a date: {exc}. Write dates as YYYY-MM-DD, for "
                "example 2024-02-29.",
                index=index,
            ) from None
    raise EventDataError(f"{what} must be a date written YYYY-MM-DD, not {value!r}.", index=index)


def to_event(value: Event | Mapping[str, Any], *, index: int | None = None) -> Event:
    """An :class:`Event` from an ``Event`` or a case-file mapping ``{"event", "on", ...}``."""
    if isinstance(value, Event):
        return value
    if not isinstance(value, Mapping):
        raise EventDataError(
            f"an event must be a mapping with 'event' and 'on', not {type(value).__name__}.",
            index=index,
        )
    if not _KEY_SET.issuperset(value):
        unknown = [k for k in value if k not in _KEY_SET]
        if unknown:
            raise EventDataError(
                f"unexpected field(s) {', '.join(map(repr, unknown))} in an event; allowed "
                f"fields are: {', '.join(_EVENT_KEYS)}.",
                index=index,
            )
    name = value.get("event")
    if not isinstance(name, str) or not name:
        raise EventDataError("an event needs 'event': the event's name.", index=index)
    if "on" not in value:
        raise EventDataError(f"event {name!r} needs 'on': the date it happened.", index=index)
    on = parse_day(value["on"], what=f"the date of {name}", index=index)
    data = value.get("data") or _EMPTY
    if not isinstance(data, Mapping):
        raise EventDataError(f"the data of {name!r} must be a mapping of fields.", index=index)
    recorded = value.get("recorded_at")
    if isinstance(recorded, str):
        recorded = datetime.fromisoformat(recorded)
    actor = value.get("actor")
    if actor is not None and not isinstance(actor, str):
        raise EventDataError(
            f"the actor of {name!r} must be text naming who recorded it (or left out), not "
            f"{type(actor).__name__} {actor!r}.",
            index=index,
        )
    # Every field is checked above, so the event is built without checking them again.
    return trusted_event(name, on, dict(data), actor, recorded)


def read_events(given: Sequence[object]) -> list[Event]:
    """A case file's events, each checked and converted once, as :func:`to_event` would.

    Most events of a case file are plain: a ``dict`` of a name, a date written exactly
    ``YYYY-MM-DD`` that an earlier event already named (so :data:`LEGAL_DAYS` knows it
    to be a legal day), and perhaps a ``dict`` of data. Those are built at once; any
    other event, and any first sight of a date, goes through :func:`to_event`, which
    accepts or refuses it with its messages.
    """
    days = LEGAL_DAYS
    make = trusted_event
    history: list[Event] = []
    append = history.append
    for index, value in enumerate(given):
        if type(value) is dict and _PLAIN_KEYS.issuperset(value):
            name = value.get("event")
            on = value.get("on")
            day = days.get(on) if type(on) is str else None
            data = value.get("data")
            if day is not None and type(name) is str and name:
                if data is None:
                    append(make(name, day, {}, None, None))
                    continue
                if type(data) is dict:
                    append(make(name, day, data.copy(), None, None))
                    continue
        append(to_event(value, index=index))  # type: ignore[arg-type]
    return history


_PLAIN_KEYS = frozenset({"event", "on", "data"})


def legal_day_given(text: object) -> date | None:
    """The legal day ``text`` is or names exactly, else ``None``.

    A ``date`` (not a ``datetime``) within the legal range is itself; text gets the
    verdicts of :func:`~sendflow.time.days.read_legal_day` as it is (without stripping
    spaces), and days read are remembered in :data:`LEGAL_DAYS`. ``None`` sends the
    caller to :func:`parse_day`, which accepts or refuses the value with its reasons.
    """
    if text.__class__ is not str:
        if text.__class__ is date and legal_day_problem(text) is None:
            return text
        return None
    day = LEGAL_DAYS.get(text)
    if day is None:
        try:
            day = read_legal_day(text)
        except ValueError:
            return None
        if len(LEGAL_DAYS) >= _MAX_DAYS:
            LEGAL_DAYS.clear()
        LEGAL_DAYS[text] = day
    return day


def _trusted_event_maker() -> Callable[[str, date, Any, Any, Any], Event]:
    """A maker of events whose fields are already checked, setting the slots directly.

    Setting the slots is about five times faster than the validating constructor. If
    ``Event`` ever has other fields, its own constructor is used.
    """
    names = ("name", "on", "data", "actor", "recorded_at")
    if tuple(a.name for a in attrs.fields(Event)) != names or "__dict__" in dir(Event):

        def checked(name: str, on: date, data: Any, actor: Any, recorded_at: Any) -> Event:
            return Event(name, on, data=data, actor=actor, recorded_at=recorded_at)

        return checked
    new = object.__new__
    set_name, set_on, set_data, set_actor, set_recorded = (getattr(Event, n).__set__ for n in names)

    def trusted(name: str, on: date, data: Any, actor: Any, recorded_at: Any) -> Event:
        event = new(Event)
        set_name(event, name)
        set_on(event, on)
        set_data(event, data)
        set_actor(event, actor)
        set_recorded(event, recorded_at)
        return event

    return trusted


trusted_event = _trusted_event_maker()
"""``trusted_event(name, on, data, actor, recorded_at)``: an event whose fields are known
good (checked already, or read back from the store), made without checking them again."""


def with_data(event: Event, data: Mapping[str, Any]) -> Event:
    """``event`` with ``data`` in place of its own (already checked: nothing is checked again)."""
    return trusted_event(event.name, event.on, data, event.actor, event.recorded_at)
