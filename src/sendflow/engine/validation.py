"""Checking one event's data against what its definition declares."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, NoReturn

from sendflow.definitions.model import DataField, EventSpec, FieldType
from sendflow.definitions.reader import did_you_mean
from sendflow.engine.events import Event, parse_day, with_data
from sendflow.errors import EventDataError
from sendflow.time.periods import Period

if TYPE_CHECKING:
    from sendflow.engine.clocks import LimitPlan

__all__ = ["EventPlan"]


class EventPlan:
    """One event type prepared for replay: its data rules and what it does to clocks."""

    __slots__ = (
        "exception", "fields", "name", "ops", "plain", "reopens", "required", "routed", "spec",
        "typed",
    )  # fmt: skip

    def __init__(self, spec: EventSpec, ops: tuple[tuple[int, LimitPlan], ...]) -> None:
        self.spec = spec
        self.name = spec.id
        self.fields = spec.data
        self.required = tuple(f.name for f in spec.data.values() if f.required)
        self.typed = tuple(spec.data.values())  # every field's type is checked
        self.exception = spec.exception
        self.routed = bool(spec.routes)
        self.reopens = spec.reopens
        self.ops = ops
        # Each field's value as it is when valid and kept as given: its exact class and
        # the values allowed (None: any). A value not of this form goes to the full check.
        self.plain: dict[str, tuple[type | None, frozenset[object] | None]] = {
            field.name: _plain(field) for field in spec.data.values()
        }

    def check(self, event: Event, index: int, case_id: str | None, state: str) -> Event:
        """Return ``event`` with its data checked (and dates read); raise if it is wrong.

        Data that is plainly valid as given (each field of its exact type and among the
        values allowed, every required field given) is accepted at once; anything else is
        checked in full, which explains what is wrong or reads dates and numbers given as
        text.
        """
        data = event.data
        plain = self.plain
        for name, value in data.items():
            rule = plain.get(name)
            if rule is None:
                break
            if value is None:
                continue
            kind, allowed = rule
            if value.__class__ is not kind or (allowed is not None and value not in allowed):
                break
        else:
            for name in self.required:
                value = data.get(name)
                if value is None or value in ("", []):
                    break
            else:
                return event
        return self._check(event, index, case_id, state)

    def _check(self, event: Event, index: int, case_id: str | None, state: str) -> Event:
        data = event.data
        if not data and not self.required:
            return event
        for name in data:
            if name not in self.fields:
                declared = ", ".join(self.fields) or "(none)"
                self._fail(
                    event,
                    index,
                    case_id,
                    state,
                    f"has the unexpected data field {name!r}. This event takes: "
                    f"{declared}.{did_you_mean(name, self.fields)}",
                )
        for name in self.required:
            value = data.get(name)
            if value is None or value in ("", []):
                field = self.fields[name]
                hint = f" ({field.description})" if field.description else ""
                choices = field.one_of or ()
                if field.type is FieldType.BOOLEAN:
                    choices = tuple(v.lower() for v in choices)
                allowed = f" One of: {', '.join(choices)}." if choices else ""
                self._fail(
                    event,
                    index,
                    case_id,
                    state,
                    f"needs data {name!r}{hint}, and it is missing. Add it to the "
                    f"event's data.{allowed}",
                )
        converted: dict[str, Any] | None = None
        for field in self.typed:
            value = data.get(field.name)
            if value is None:
                continue
            if field.type is FieldType.DATE and not isinstance(value, date):
                converted = converted if converted is not None else dict(data)
                converted[field.name] = parse_day(
                    value, what=f"data {field.name!r} of {self.name}", index=index
                )
            elif field.type is FieldType.INTEGER and (
                isinstance(value, bool) or not isinstance(value, int)
            ):
                number = _whole_number(value)
                if number is None:
                    self._fail(
                        event,
                        index,
                        case_id,
                        state,
                        f"needs data {field.name!r} as a whole number (such as 2025), "
                        f"not {value!r}.",
                    )
                converted = converted if converted is not None else dict(data)
                converted[field.name] = number
            elif field.type is FieldType.TEXT and not isinstance(value, str):
                listed = f" One of: {', '.join(field.one_of)}." if field.one_of else ""
                self._fail(
                    event,
                    index,
                    case_id,
                    state,
                    f"needs data {field.name!r} as text, not {type(value).__name__} "
                    f"{value!r}.{listed}",
                )
            elif field.type is FieldType.LIST and not isinstance(value, list):
                self._fail(
                    event,
                    index,
                    case_id,
                    state,
                    f"needs data {field.name!r} as a list, not {value!r}.",
                )
            elif field.type is FieldType.BOOLEAN and not isinstance(value, bool):
                self._fail(
                    event,
                    index,
                    case_id,
                    state,
                    f"needs data {field.name!r} as true or false, not {value!r}.",
                )
            elif field.type is FieldType.PERIOD and not _is_period(value):
                self._fail(
                    event,
                    index,
                    case_id,
                    state,
                    f"needs data {field.name!r} as a period such as '8 weeks', '30 days' or "
                    f"'2 months', not {value!r}.",
                )
            if field.type is FieldType.BOOLEAN and field.one_of is not None:
                # A notice that must say something ("the right to a review was given")
                # is a boolean that must be true: say so in those words.
                permitted = [v.lower() for v in field.one_of]
                spelt = "true" if value else "false"
                if spelt not in permitted:
                    hint = f" ({field.description})" if field.description else ""
                    self._fail(
                        event,
                        index,
                        case_id,
                        state,
                        f"has {field.name} {spelt}, but it must be {' or '.join(permitted)}"
                        f"{hint}. Record the event once that is so.",
                    )
                continue
            if field.one_of is not None:
                values = value if isinstance(value, list) else [value]
                for item in values:
                    if str(item) not in field.one_of:
                        named = f" (the list {field.one_of_list!r})" if field.one_of_list else ""
                        self._fail(
                            event,
                            index,
                            case_id,
                            state,
                            f"has {field.name} {item!r}, which is not allowed. Allowed "
                            f"values{named}: {', '.join(field.one_of)}."
                            f"{did_you_mean(str(item), field.one_of)}",
                        )
        if converted is None:
            return event
        return with_data(event, converted)  # every value checked above

    def _fail(
        self, event: Event, index: int, case_id: str | None, state: str, message: str
    ) -> NoReturn:
        raise EventDataError(
            f"{event.name} on {event.on.isoformat()} {message}",
            case_id=case_id,
            state=state,
            event=event.name,
            index=index,
        )


def _plain(field: DataField) -> tuple[type | None, frozenset[object] | None]:
    """The exact class and allowed values of ``field``'s values that need no reading.

    ``None`` for the class means every value is checked in full (lists, periods, and
    dates or numbers limited to listed values).
    """
    kind: type | None = _PLAIN_TYPES.get(field.type)
    if field.one_of is None:
        return kind, None
    if field.type is FieldType.TEXT:
        return kind, frozenset(field.one_of)
    if field.type is FieldType.BOOLEAN:
        spelt = {v.lower() for v in field.one_of}
        return kind, frozenset(v for v in (True, False) if ("true" if v else "false") in spelt)
    return None, None


_PLAIN_TYPES: dict[FieldType, type] = {
    FieldType.TEXT: str,
    FieldType.DATE: date,
    FieldType.INTEGER: int,
    FieldType.BOOLEAN: bool,
}


def _whole_number(value: Any) -> int | None:
    """``value`` as a whole number if it is written as one ("2025"), else ``None``."""
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _is_period(value: Any) -> bool:
    """Whether ``value`` is a period written as a process file writes one (``8 weeks``)."""
    if not isinstance(value, str):
        return False
    try:
        Period.parse(value)
    except ValueError:
        return False
    return True
