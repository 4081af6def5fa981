"""Reading the ``events`` section of a process file: events, their data and routes.

An overlay's events its file leaves as they were are taken as its base built them, when
every state, list and reason they name is still there unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import attrs

from sendflow.definitions.model import (
    DataField,
    EventSpec,
    ExceptionReason,
    FieldType,
    Process,
    Reference,
    Route,
    State,
)
from sendflow.definitions.reader import Reader
from sendflow.definitions.source import Path

__all__ = ["ANY_STATE", "EVENT_FIELDS", "FIELD_FIELDS", "EventReader", "all_kept"]

EVENT_FIELDS = (
    "title",
    "from",
    "to",
    "routes",
    "data",
    "roles",
    "exception",
    "reopens",
    "reference",
    "description",
)
"""The fields an event may have."""
FIELD_FIELDS = ("required", "type", "one_of", "description")
"""The fields a data field of an event may have."""
ANY_STATE = "*"
"""``from: "*"``: every state that is not final."""
_FIELD_TYPES = tuple(t.value for t in FieldType)


class EventReader:
    """Reads a process file's events, reusing its base's where they are unchanged."""

    def __init__(
        self,
        reader: Reader,
        reference: Callable[..., Reference | None],
        base: tuple[Mapping[str, Any], Process] | None = None,
    ) -> None:
        self.r = reader
        self._reference = reference
        self.base = base

    def read(
        self,
        value: Any,
        states: Mapping[str, State],
        lists: Mapping[str, tuple[str, ...]],
        reasons: Mapping[str, ExceptionReason],
        built: Mapping[str, tuple[Any, EventSpec]],
    ) -> dict[str, EventSpec]:
        """The ``events`` section: each event, or the base's as built where it is unchanged.

        ``built`` holds the base's events by id, each with the entry it was read from (empty
        for a process of its own, or when the base's references changed).
        """
        found: dict[str, EventSpec] = {}
        open_states = tuple(s.id for s in states.values() if not s.final)
        same_open = self.base is not None and open_states == tuple(
            s.id for s in self.base[1].states.values() if not s.final
        )
        # Every state and list the base's events could name still there as it was: each
        # of its events then holds without asking.
        holds = self.base is not None and self._all_hold(states, lists, reasons)
        r = self.r
        for key, entry in r.table(("events",), value, what="events").items():
            taken = built.get(key)
            if (
                taken is not None
                and taken[0] is entry
                and (
                    holds
                    or (
                        self._event_holds(taken[1], states)
                        and self._data_holds(taken[1], lists, reasons)
                    )
                )
            ):
                if same_open or entry.get("from") != ANY_STATE:
                    found[key] = taken[1]
                else:  # 'from: "*"' with other open states: only its sources differ
                    found[key] = attrs.evolve(taken[1], sources=open_states)
                continue
            # An entry the overlay changed may keep the base's data fields and reference.
            was: Mapping[str, Any] = {}
            kept = None
            if taken is not None and isinstance(taken[0], Mapping):
                was, kept = taken[0], taken[1]
            path: Path = ("events", key)
            fields = r.mapping(path, entry, allowed=EVENT_FIELDS, what=f"event {key!r}")
            get = fields.get
            raw_from = get("from")
            if raw_from == ANY_STATE:
                sources = open_states
            else:
                sources = r.names(
                    (*path, "from"), raw_from, known=states, what="from", kind="state"
                )
            target = None
            if get("to") is not None:
                named = r.names((*path, "to"), fields["to"], known=states, what="to", kind="state")
                target = named[0] if named else None
            title = get("title")
            data = get("data")
            routes = get("routes")
            reference = get("reference")
            description = get("description")
            found[key] = EventSpec(
                id=key,
                title=(None if title is None else r.text((*path, "title"), title, what="title"))
                or key.replace("_", " "),
                sources=sources,
                target=target,
                data=(
                    kept.data
                    if kept is not None
                    and data is was.get("data")
                    and (holds or self._data_holds(kept, lists, reasons))
                    else self._fields((*path, "data"), data, lists, reasons)
                ),
                routes=() if routes is None else self._routes((*path, "routes"), routes, states),
                roles=tuple(str(x) for x in (get("roles") or ())),
                exception=self._flag(path, fields, "exception"),
                reopens=self._flag(path, fields, "reopens"),
                reference=(
                    kept.reference
                    if kept is not None and reference is was.get("reference")
                    else None
                    if reference is None
                    else self._reference((*path, "reference"), reference, required=False)
                ),
                description=None
                if description is None
                else r.text((*path, "description"), description, what="description"),
            )
        return found

    def _flag(self, path: Path, fields: Mapping[str, Any], name: str) -> bool:
        """Field ``name`` of ``fields`` read as a flag (``False`` when it is left out)."""
        value = fields.get(name)
        return False if value is None else self.r.flag((*path, name), value, what=name)

    def _all_hold(
        self,
        states: Mapping[str, State],
        lists: Mapping[str, tuple[str, ...]],
        reasons: Mapping[str, ExceptionReason],
    ) -> bool:
        """Whether every base event holds: the base's states, lists and reasons all kept.

        (Then :meth:`_event_holds` and :meth:`_data_holds` hold for each of its events.)
        """
        assert self.base is not None
        process = self.base[1]
        return (
            states.keys() >= process.states.keys()
            and all_kept(lists, process.lists)
            and tuple(reasons) == tuple(process.exception_reasons)
        )

    def _event_holds(self, event: EventSpec, states: Mapping[str, State]) -> bool:
        """Whether every state the base's ``event`` names is still there.

        (``from: '*'``, every open state, is the caller's to compare.)
        """
        return all(name in states for name in (*event.sources, *event.targets))

    def _data_holds(
        self,
        event: EventSpec,
        lists: Mapping[str, tuple[str, ...]],
        reasons: Mapping[str, ExceptionReason],
    ) -> bool:
        """Whether the lists the base's ``event``'s data takes values from are unchanged."""
        assert self.base is not None
        process = self.base[1]
        for field in event.data.values():
            named = field.one_of_list
            if named == "exception-reasons":
                if tuple(reasons) != tuple(process.exception_reasons):
                    return False
            elif named is not None and lists.get(named) != process.lists.get(named):
                return False
        return True

    def _routes(self, path: Path, value: Any, states: Mapping[str, State]) -> tuple[Route, ...]:
        """``routes: [{when: {FIELD: VALUE}, to: STATE}, ...]``: data-chosen targets."""
        if value is None:
            return ()
        if not isinstance(value, list) or not value:
            self.r.report(path, "routes must be a list of {when: {FIELD: VALUE}, to: STATE}.")
            return ()
        found: list[Route] = []
        for index, entry in enumerate(value):
            rpath: Path = (*path, index)
            fields = self.r.mapping(
                rpath, entry, allowed=("when", "to"), required=("when", "to"), what="a route"
            )
            when = self.r.conditions((*rpath, "when"), fields.get("when"))
            named = self.r.names(
                (*rpath, "to"), fields.get("to"), known=states, what="to", kind="state"
            )
            if not when and fields:
                self.r.report((*rpath, "when"), "a route needs 'when': the data that selects it.")
            if when and named:
                found.append(Route(when=when, target=named[0]))
        return tuple(found)

    def _fields(
        self,
        path: Path,
        value: Any,
        lists: Mapping[str, tuple[str, ...]],
        reasons: Mapping[str, ExceptionReason],
    ) -> dict[str, DataField]:
        found: dict[str, DataField] = {}
        for name, entry in self.r.table(path, value, what="data").items():
            fpath: Path = (*path, name)
            fields = self.r.mapping(fpath, entry, allowed=FIELD_FIELDS, what=f"data field {name!r}")
            ftype = self.r.choice(
                (*fpath, "type"),
                fields.get("type"),
                allowed=_FIELD_TYPES,
                what="type",
                default=FieldType.TEXT.value,
            )
            one_of: tuple[str, ...] | None = None
            one_of_list = None
            raw = fields.get("one_of")
            if isinstance(raw, list):
                one_of = tuple(str(x) for x in raw)
            elif isinstance(raw, str):
                named = {**lists, "exception-reasons": tuple(reasons)}
                if raw in named:
                    one_of, one_of_list = named[raw], raw
                else:
                    self.r.names((*fpath, "one_of"), raw, known=named, what="one_of", kind="list")
            elif raw is not None:
                self.r.report(
                    (*fpath, "one_of"),
                    "one_of must be a list of allowed values or the name of a list under 'lists'.",
                )
            found[name] = DataField(
                name=name,
                required=self.r.flag((*fpath, "required"), fields.get("required"), what="required"),
                type=FieldType(ftype),
                one_of=one_of,
                one_of_list=one_of_list,
                description=self.r.text(
                    (*fpath, "description"), fields.get("description"), what="description"
                ),
            )
        return found


def all_kept(found: Mapping[str, Any], before: Mapping[str, Any]) -> bool:
    """Whether every entry of ``before`` is in ``found``, the same or equal."""
    for key, value in before.items():
        got = found.get(key)
        if got is not value and got != value:
            return False
    return True
