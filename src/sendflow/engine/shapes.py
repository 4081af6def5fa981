"""Shapes: what of a history decides how it folds, everything but the dates.

Most of the work of folding a history (which transitions fire, which clocks start, what
ends them, which exceptions reach them) depends only on its **shape**: each event's name
in legal order, and for each declared data field:

- its value, when the value can steer the fold (conditions, variants, routes, exception
  reasons and the rules they name, typed clock keys such as a year);
- for a free-text clock key (the party asked, the institution consulted), which earlier
  value it repeats;
- for a listed value that steers nothing (who made the request), whether it is allowed;
- for other free text, dates and whole numbers, whether it is given (dates and numbers
  are read again when a program replays, since they may be written as text);
- for each effective-dated rule the event starts, which version is in force on its date.

A history has no shape when a shape cannot settle how it folds: an exception with a
validity window or a fact check, an unknown event or data field, a value that cannot be
hashed, events out of legal order, or anything but :class:`Event` objects and plain
case-file mappings (see :meth:`ShapeReader.read`). Replay
programs (``sendflow.engine.programs``) are kept by shape.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from datetime import date
from typing import Any

from sendflow.definitions.model import DataField, FieldType, LimitVersion
from sendflow.engine.events import EMPTY, LEGAL_DAYS, Event, legal_day_given
from sendflow.engine.machine import ANCHOR, LEAD_OPEN, START, CompiledProcess
from sendflow.engine.read_history import ReadEvents

__all__ = ["Reading", "ShapeReader", "steering_fields"]

_PRESENCE, _REPEAT, _VALUE, _MEMBER, _TEXT = range(5)
"""How a data field counts in a shape: whether it is given; by repetition; by its value;
by whether its value is one of those allowed; whether text is given (a value that is not
text has no shape: the full fold refuses it)."""
_TEXT_MODES = frozenset({_REPEAT, _MEMBER, _TEXT})
_TAKES_NONE, _OTHER = -2, -1
"""How :meth:`ShapeReader.read` reads an event that is not one text field counted inline:
one that takes no data, and any other (by :meth:`_EventShape.codes`)."""
"""The modes of text fields, whose values must be text."""


def steering_fields(compiled: CompiledProcess) -> set[str]:
    """The data fields whose values can change the fold: conditions and exception facts."""
    process = compiled.process
    found: set[str] = {"reason", "rules"}
    for limit in process.time_limits.values():
        found.update(limit.when, limit.when_given)
        for version in limit.versions:
            found.update(version.when)
    for event in process.events.values():
        for route in event.routes:
            found.update(route.when)
    return found


def _mode(field: DataField, per_fields: set[str], steering: set[str]) -> int:
    if field.name in steering:
        return _VALUE
    if field.name in per_fields:
        # Free text keys clocks by its words; a typed key (a year) counts by its value.
        if field.one_of is None and field.type is FieldType.TEXT:
            return _REPEAT
        return _VALUE
    if field.one_of is not None:
        # A listed value that steers nothing (who made the request) only has to be allowed.
        return _MEMBER if field.type is FieldType.TEXT else _VALUE
    if field.type is FieldType.TEXT:
        return _TEXT
    # Dates and whole numbers are validated again when a program replays; other types
    # (true or false, lists) are valid or not by value.
    return _PRESENCE if field.type in (FieldType.DATE, FieldType.INTEGER) else _VALUE


def _presence(value: Any) -> str:
    """How a given value looks to validation: empty (as good as missing), or a value."""
    if value in ("", []):
        return "empty"
    return "true" if value else "false"


_EARLIEST = date.min
_NO_DATA = EMPTY
_NO_SHAPE = object()
"""What :func:`_encode` gives for a value that cannot be part of a shape."""
_ALLOWED = object()
"""The code of a listed value that is allowed (see ``_MEMBER``): equal to no value's code."""


def _encode(
    value: Any, mode: int, repeats: dict[str, int], allowed: frozenset[str] = frozenset()
) -> Hashable:
    """One data value as it counts in a shape (see the module docstring).

    A value that cannot be hashed (a mapping where text was expected) gives ``_NO_SHAPE``:
    the history is folded in full, which reports it.
    """
    if value is None:
        return None  # missing: never equal to a repetition number or a marker
    if mode == _PRESENCE:
        return _presence(value)
    if mode in _TEXT_MODES and value.__class__ is not str:
        return _NO_SHAPE  # a text field given something else: the full fold refuses it
    if mode == _TEXT:
        return _presence(value)
    if mode == _MEMBER and value in allowed:
        return _ALLOWED
    if mode == _REPEAT and value != "":
        # Clocks are keyed by the text of the value, so repeats count by it too.
        return repeats.setdefault(str(value), len(repeats))
    if value.__class__ is str:
        return value
    # The type counts too: 1 and True are equal, but not equally valid.
    code = (list, tuple(value)) if value.__class__ is list else (value.__class__, value)
    try:
        hash(code)
    except TypeError:
        return _NO_SHAPE
    return code


class _EventShape:
    """How one event type contributes to a history's shape.

    An event adds its name, then a fixed number of codes (one per declared data field, one
    per effective-dated rule it starts): so a shape, read from its start, names each
    event's codes unambiguously, and two shapes are equal exactly when event by event
    they are.
    """

    __slots__ = (
        "blank", "count", "fields", "name", "names", "plain", "single", "uncacheable", "versioned",
    )  # fmt: skip

    def __init__(self, compiled: CompiledProcess, name: str, steering: set[str]) -> None:
        spec = compiled.process.events[name]
        plan = compiled.plans[name]
        per_fields = {op_plan.per for _, op_plan in plan.ops if op_plan.per is not None}
        self.name = name
        self.fields = tuple(
            (field.name, _mode(field, per_fields, steering), frozenset(field.one_of or ()))
            for field in spec.data.values()
        )
        self.names = frozenset(spec.data)
        self.versioned = tuple(
            op_plan
            for op, op_plan in plan.ops
            if op in (START, LEAD_OPEN, ANCHOR) and _dated(op_plan.limit.versions)
        )
        reasons = compiled.process.exception_reasons.values()
        self.uncacheable = frozenset(
            r.id
            for r in reasons
            if spec.exception
            and (r.clock_ran_from is not None or r.clock_ran_to is not None or r.check)
        )
        self.plain = not self.fields and not self.versioned
        # The codes of the event given no data, when they do not hang on its date.
        self.blank = None if self.versioned else (None,) * len(self.fields)
        self.count = len(self.fields) + len(self.versioned)  # codes after the name
        # Most events with data declare one field that counts: a quicker path for them.
        self.single = (
            self.fields[0]
            if len(self.fields) == 1 and not self.versioned and not self.uncacheable
            else None
        )

    def kind(self) -> tuple[str, int, str, frozenset[str], _EventShape]:
        """What :meth:`ShapeReader.read` reads of this event in one step.

        Its name, how it counts (``_TAKES_NONE``, ``_OTHER``, or the mode of its one text
        field), that field, its allowed values, and this shape (for :meth:`codes`).
        """
        if self.plain:
            return self.name, _TAKES_NONE, "", frozenset(), self
        if self.single is not None and self.single[1] in (_REPEAT, _VALUE, _MEMBER):
            field, mode, allowed = self.single
            return self.name, mode, field, allowed, self
        return self.name, _OTHER, "", frozenset(), self

    def codes(
        self,
        on: date,
        data: Mapping[str, Any],
        repeats: dict[str, int],
        append: Callable[[Any], None],
    ) -> bool:
        """Append the codes of this event on ``on`` with ``data`` to a shape.

        Returns ``False`` if it cannot be part of one.
        """
        if not data.keys() <= self.names:
            return False  # unknown fields: the full fold rejects the event
        if self.uncacheable and data.get("reason") in self.uncacheable:
            return False
        for field, mode, allowed in self.fields:
            code = _encode(data.get(field), mode, repeats, allowed)
            if code is _NO_SHAPE:
                return False
            append(code)
        for plan in self.versioned:
            version = plan.version_for(on, data)
            append(-1 if version is None else plan.positions[id(version)])
        return True


def _dated(versions: Sequence[LimitVersion]) -> bool:
    return len(versions) > 1 or any(
        v.effective_from is not None or v.effective_to is not None for v in versions
    )


Reading = tuple[tuple[Hashable, ...], list[date], ReadEvents | None]
"""A history's shape, the date of each event, and the events read from case-file mappings
(``None`` when the history was given as :class:`Event` objects)."""


class ShapeReader:
    """Reads the shape of histories of one process."""

    def __init__(self, compiled: CompiledProcess) -> None:
        steering = steering_fields(compiled)
        self._shapes = {
            name: _EventShape(compiled, name, steering) for name in compiled.process.events
        }
        # How many codes follow each event's name in a shape.
        self._codes = {name: found.count for name, found in self._shapes.items()}
        # The one field of each event that has one, kept as its text (see ReadEvents).
        self._fields = {
            name: found.single[0] for name, found in self._shapes.items() if found.single
        }
        # What the loops of :meth:`read` need of each event, unpacked in one step.
        self._kinds = {name: found.kind() for name, found in self._shapes.items()}

    def shape(self, history: Sequence[Any]) -> tuple[Hashable, ...] | None:
        """The shape of ``history``, or ``None`` if it has none (see :meth:`read`)."""
        found = self.read(history)
        return None if found is None else found[0]

    def read(self, history: Sequence[Any]) -> Reading | None:
        """The shape of ``history`` and its events' dates, or ``None`` if it has none.

        A history has a shape when it is a sequence of :class:`Event` objects, or of
        plain case-file mappings, in legal order (by date), of this process's events with
        shapeable data. A mapping is read and checked here in the same pass, and must be
        exactly what :func:`~sendflow.engine.events.to_event` accepts: a ``dict`` with
        ``"event"``, ``"on"`` (a legal ``YYYY-MM-DD`` text as it is, or a ``date``) and
        perhaps ``"data"`` (a dict), nothing else. Anything else (``actor``, a date to
        correct, Events and mappings mixed) gives ``None``, and the caller reads the
        history through ``to_event``, which accepts or refuses it with its reasons. Data
        read from mappings is copied, as ``to_event`` copies it.

        This runs once for every evaluation, so each form has a loop of its own, and the
        common events (no data that counts, or one field) are read inline.
        """
        if history and history[0].__class__ is dict:
            return self._read_mappings(history)
        return self._read_events(history)

    def _read_events(self, history: Sequence[Any]) -> Reading | None:
        """:meth:`read` for a history of :class:`Event` objects."""
        kinds = self._kinds
        repeats: dict[str, int] = {}
        parts: list[Hashable] = []
        append = parts.append
        ons: list[date] = []
        add_on = ons.append
        previous = _EARLIEST
        try:
            for event in history:
                if event.__class__ is not Event:
                    return None  # Events and mappings mixed, or something else
                on = event.on
                if on < previous:
                    return None
                previous = on
                add_on(on)
                # A KeyError if unknown: the full fold says so.
                name, kind, field, allowed, found = kinds[event.name]
                append(name)
                data = event.data
                if kind > 0:
                    if not data:
                        append(None)
                        continue
                    if len(data) == 1:
                        value = data.get(field)
                        if value.__class__ is str and value:
                            if kind == _REPEAT:
                                append(repeats.setdefault(value, len(repeats)))
                                continue
                            if kind == _VALUE:
                                append(value)
                                continue
                            if value in allowed:
                                append(_ALLOWED)
                                continue
                elif kind == _TAKES_NONE:
                    if data:
                        return None  # data for an event that takes none: the fold refuses it
                    continue
                if not found.codes(on, data, repeats, append):
                    return None
        except (KeyError, TypeError):
            return None  # an unknown event, or a value not hashable
        return tuple(parts), ons, None

    def _read_mappings(self, history: Sequence[Any]) -> Reading | None:  # noqa: PLR0915 (inline)
        """:meth:`read` for a history of case-file mappings, read and checked as it goes."""
        kinds = self._kinds
        days = LEGAL_DAYS
        repeats: dict[str, int] = {}
        parts: list[Hashable] = []
        append = parts.append
        ons: list[date] = []
        add_on = ons.append
        datas: list[Mapping[str, Any] | str] = []  # each mapping's data, or its one text
        add_data = datas.append
        previous = _EARLIEST
        try:
            for event in history:
                if event.__class__ is not dict:
                    return None  # Events and mappings mixed, or another kind of mapping
                try:
                    on = days[event["on"]]  # a TypeError if it cannot be a date
                except KeyError:  # a date not yet read, or none given
                    found_on = legal_day_given(event.get("on"))
                    if found_on is None:
                        return None  # to_event reads it, or says what is wrong
                    on = found_on
                if on < previous:
                    return None
                previous = on
                add_on(on)
                # A KeyError if unknown or missing: to_event says so.
                name, kind, field, allowed, found = kinds[event["event"]]
                append(name)
                size = len(event)
                if size == 3:
                    data = event["data"]  # a KeyError if it is another field
                    if data.__class__ is not dict:
                        return None  # to_event reads every empty value as no data
                    if kind > 0 and len(data) == 1:
                        value = data.get(field)
                        if value.__class__ is str and value:
                            # The data is its one text: kept as it (see ReadEvents).
                            if kind == _REPEAT:
                                add_data(value)
                                append(repeats.setdefault(value, len(repeats)))
                                continue
                            if kind == _VALUE:
                                add_data(value)
                                append(value)
                                continue
                            if value in allowed:
                                add_data(value)
                                append(_ALLOWED)
                                continue
                    data = data.copy()
                    add_data(data)
                    if kind == _TAKES_NONE:
                        if data:
                            return None  # data for an event that takes none: refused
                        continue
                elif size == 2:
                    data = _NO_DATA
                    add_data(data)
                    if kind == _TAKES_NONE:
                        continue
                    if found.blank is not None:
                        parts += found.blank
                        continue
                else:
                    return None  # another field, such as an actor: to_event reads it
                if not found.codes(on, data, repeats, append):
                    return None
        except (KeyError, TypeError):
            return None  # a mapping without a name or date, or a value not hashable
        shape = tuple(parts)
        return shape, ons, ReadEvents(shape, self._codes, self._fields, ons, datas)
