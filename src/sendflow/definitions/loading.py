"""Build a :class:`~sendflow.definitions.model.Process` from a YAML process file."""

from __future__ import annotations

import os
from collections.abc import Collection, Mapping, Sequence
from datetime import date
from typing import Any

import attrs

from sendflow.definitions.checks import check_process
from sendflow.definitions.limits import LimitReader
from sendflow.definitions.links import read_links
from sendflow.definitions.model import (
    DataField,
    EventSpec,
    Evidence,
    ExceptionReason,
    FieldType,
    Note,
    Process,
    Reference,
    Route,
    Source,
    State,
    TimeLimit,
)
from sendflow.definitions.notes import read_notes
from sendflow.definitions.reader import Reader
from sendflow.definitions.source import Path, read_yaml
from sendflow.definitions.source import Source as SourceData
from sendflow.errors import DefinitionError, Problem
from sendflow.files import DEFINITION_FILE, FileAccessError, FileContentError, read_text

__all__ = [
    "CHECKS",
    "FIELDS",
    "build_definition",
    "load_definition",
    "parse_definition",
    "read_definition",
]

_TOP = (
    "id",
    "title",
    "version",
    "description",
    "references",
    "start",
    "states",
    "events",
    "time_limits",
    "lists",
    "exception_reasons",
    "links",
    "notes",
)
_STATE = ("title", "final", "outcome", "description", "reference")
_EVENT = (
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
_FIELD = ("required", "type", "one_of", "description")
_REASON = ("title", "reference", "clock_ran_between", "check")
_REFERENCE = ("source", "provision", "evidence", "note")
_SOURCE = ("title", "citation", "url")
_EVIDENCE = tuple(e.value for e in Evidence)
_EVIDENCE_OF = {e.value: e for e in Evidence}
_UNCONFIRMED = Evidence.UNCONFIRMED.value
_FIELD_TYPES = tuple(t.value for t in FieldType)
CHECKS = ("closure-window",)
FIELDS = {
    "top": _TOP,
    "state": _STATE,
    "event": _EVENT,
    "field": _FIELD,
    "reason": _REASON,
    "reference": _REFERENCE,
    "source": _SOURCE,
}
"""The fields each part of a process file may have (for the JSON Schema)."""
ANY_STATE = "*"


def load_definition(path: str | os.PathLike[str]) -> Process:
    """Load and check a process file; raise :class:`DefinitionError` listing every problem."""
    file = os.fspath(path)
    try:
        text = read_definition(file)
    except FileAccessError as exc:
        raise DefinitionError([Problem(f"cannot read the file: {exc.reason}", file=file)]) from exc
    return parse_definition(text, file=file)


def read_definition(path: str | os.PathLike[str]) -> str:
    """The text of a process file, within the size limit for definitions.

    Raises:
        FileAccessError: The file cannot be opened or read (missing, a folder...).
        DefinitionError: It is too big or not UTF-8 text.
    """
    try:
        return read_text(path, DEFINITION_FILE)
    except FileContentError as exc:
        raise DefinitionError([exc.problem]) from None


def parse_definition(text: str, *, file: str = "<string>") -> Process:
    """Parse and check a process definition given as YAML text."""
    source, problems = read_yaml(text, file)
    if source.data is None:
        raise DefinitionError(problems)
    return build_definition(source, problems)


def build_definition(
    source: SourceData,
    problems: Sequence[Problem] = (),
    *,
    check: bool = True,
    base: tuple[Mapping[str, Any], Process] | None = None,
    local: Collection[str] = (),
    closures: frozenset[date] = frozenset(),
    local_notes: int | None = None,
    extends: Process | None = None,
) -> Process:
    """Build a process from YAML already read (``problems``: found reading it).

    With ``check``, the process as a whole is checked too (reachability, ways out and the
    rest of :func:`~sendflow.definitions.checks.check_process`). ``base``: the data and
    process of the layer an overlay's data was laid over; its time limits whose entries
    the data still holds (the same objects) are taken as built when every event, exception
    reason and reference they could name is still there unchanged; so are its events (an
    event the overlay changed keeps the base's data fields and reference when it left them
    alone) and its notes. For an overlay: ``local``, the ids of its own rules, read as
    local rules counted with ``closures``; ``local_notes``, the index of its first note
    that is not the law's (notes from there on are local); ``extends``, the process it
    extends.
    """
    reader = Reader(source)
    reader.problems.extend(problems)
    builder = _Builder(
        reader, base, local=local, closures=closures, local_notes=local_notes, extends=extends
    )
    process = builder.build(source.data)
    if check and process is not None and not reader.problems:
        reader.problems.extend(check_process(process, source))
    if reader.problems or process is None:
        raise DefinitionError(reader.problems)
    return process


class _Builder:
    def __init__(
        self,
        reader: Reader,
        base: tuple[Mapping[str, Any], Process] | None = None,
        *,
        local: Collection[str] = (),
        closures: frozenset[date] = frozenset(),
        local_notes: int | None = None,
        extends: Process | None = None,
    ) -> None:
        self.r = reader
        self.local = local
        self.closures = closures
        self.local_notes = local_notes
        self.extends = extends
        self.sources: dict[str, Source] = {}
        self.base = base
        # Whether the base's references are all still there unchanged: what the base's
        # states, events and reasons cite reads the same, so they may be taken as built.
        self.same_sources = False

    def build(self, data: Any) -> Process | None:
        r = self.r
        top = r.mapping(
            (),
            data,
            allowed=_TOP,
            required=("id", "title", "version", "start", "states", "events"),
            what="a process definition",
        )
        if not top:
            return None
        self.sources = self._sources(top.get("references"))
        self.same_sources = self.base is not None and _all_kept(self.sources, self.base[1].sources)
        lists = self._lists(top.get("lists"))
        reasons = self._reasons(top.get("exception_reasons"))
        states = self._states(top.get("states"))
        events = self._events(top.get("events"), states, lists, reasons)
        start = r.names(("start",), top.get("start"), known=events, what="start", kind="event")
        built = self._built_limits(events, reasons)
        limits = LimitReader(r, self._reference, local=self.local, closures=self.closures).read(
            top.get("time_limits"), events, reasons, built
        )
        return Process(
            id=r.text(("id",), top.get("id"), what="id", default="") or "",
            title=r.text(("title",), top.get("title"), what="title", default="") or "",
            version=self._version(top.get("version")),
            description=r.text(("description",), top.get("description"), what="description"),
            start=start,
            states=states,
            events=events,
            time_limits=limits,
            sources=self.sources,
            lists=lists,
            exception_reasons=reasons,
            links=read_links(r, top.get("links"), events),
            notes=read_notes(r, top.get("notes"), self._built_notes(), self.local_notes),
            file=r.source.file,
            extends=self.extends,
        )

    def _version(self, value: Any) -> str:
        """The version, which must be text: an unquoted ``1.10`` is the number 1.1."""
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            written = self.r.source.numbers.get(("version",), str(value))
            self.r.report(
                ("version",),
                f'version must be text: quote it, version: "{written}". Unquoted, YAML reads '
                f"{written} as the number {value!r}, so versions such as 1.10 and 1.1 could "
                "not be told apart.",
            )
            return str(value)
        return self.r.text(("version",), value, what="version", default="") or ""

    def _built_limits(
        self, events: Mapping[str, EventSpec], reasons: Mapping[str, ExceptionReason]
    ) -> dict[str, tuple[object, TimeLimit]]:
        """The base's rules, by id with their entries, if what they name is unchanged.

        A rule reads events and exception reasons by name only, and references whole: a
        rule read from the same entry against the same names and references is the same.
        """
        if self.base is None:
            return {}
        data, process = self.base
        entries = data.get("time_limits")
        if (
            not isinstance(entries, Mapping)
            or not events.keys() >= process.events.keys()
            or not _all_kept(reasons, process.exception_reasons)
            or not self.same_sources
        ):
            return {}
        return {
            key: (entries[key], limit)
            for key, limit in process.time_limits.items()
            if key in entries
        }

    # -- shared pieces -------------------------------------------------------------------

    def _sources(self, value: Any) -> dict[str, Source]:
        found: dict[str, Source] = {}
        built = self._read_before("references", "sources")
        for key, entry in self.r.table(("references",), value, what="references").items():
            taken = built.get(key)
            if taken is not None and taken[0] is entry:
                found[key] = taken[1]  # the base's entry, read there
                continue
            path: Path = ("references", key)
            fields = self.r.mapping(
                path,
                entry,
                allowed=_SOURCE,
                required=("title", "citation"),
                what=f"reference {key!r}",
            )
            found[key] = Source(
                id=key,
                title=self.r.text((*path, "title"), fields.get("title"), what="title") or key,
                citation=self.r.text((*path, "citation"), fields.get("citation"), what="citation")
                or key,
                url=self.r.text((*path, "url"), fields.get("url"), what="url"),
            )
        return found

    def _reference(self, path: Path, value: Any, *, required: bool) -> Reference | None:
        if value is None:
            if required:
                self.r.report(
                    path,
                    "every statutory rule needs a 'reference' with 'source', "
                    "'provision' and 'evidence' (primary, official, secondary, "
                    "unconfirmed or practice).",
                )
            return None
        fields = self.r.mapping(
            path, value, allowed=_REFERENCE, required=("provision", "evidence"), what="a reference"
        )
        source = None
        if "source" in fields:
            names = self.r.names(
                (*path, "source"),
                fields["source"],
                known=self.sources,
                what="source",
                kind="reference",
            )
            source = self.sources[names[0]] if names else None
        evidence = self.r.choice(
            (*path, "evidence"),
            fields.get("evidence"),
            allowed=_EVIDENCE,
            what="evidence",
            default=_UNCONFIRMED,
        )
        note = fields.get("note")
        return Reference(
            source=source,
            provision=self.r.text((*path, "provision"), fields.get("provision"), what="provision")
            or "",
            evidence=_EVIDENCE_OF[evidence],
            note=None if note is None else self.r.text((*path, "note"), note, what="note"),
        )

    def _lists(self, value: Any) -> dict[str, tuple[str, ...]]:
        found: dict[str, tuple[str, ...]] = {}
        for key, items in self.r.table(("lists",), value, what="lists").items():
            if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
                self.r.report(("lists", key), f"list {key!r} must be a list of words.")
                continue
            found[key] = tuple(items)
        return found

    def _reasons(self, value: Any) -> dict[str, ExceptionReason]:
        found: dict[str, ExceptionReason] = {}
        table = self.r.table(("exception_reasons",), value, what="exception_reasons")
        built = self._unchanged("exception_reasons")
        for key, entry in table.items():
            taken = built.get(key)
            if taken is not None and taken[0] is entry:
                found[key] = taken[1]
                continue
            path: Path = ("exception_reasons", key)
            fields = self.r.mapping(
                path, entry, allowed=_REASON, required=("title",), what=f"exception reason {key!r}"
            )
            window = fields.get("clock_ran_between")
            ran_from = ran_to = None
            if window is not None:
                if isinstance(window, list) and len(window) == 2:
                    ran_from = self.r.day((*path, "clock_ran_between", 0), window[0], what="date")
                    ran_to = self.r.day((*path, "clock_ran_between", 1), window[1], what="date")
                else:
                    self.r.report(
                        (*path, "clock_ran_between"),
                        "clock_ran_between must be a list of two dates [FROM, TO].",
                    )
            check = None
            if "check" in fields:
                check = self.r.choice(
                    (*path, "check"), fields["check"], allowed=CHECKS, what="check", default=""
                )
            found[key] = ExceptionReason(
                id=key,
                title=self.r.text((*path, "title"), fields.get("title"), what="title") or key,
                reference=self._reference(
                    (*path, "reference"), fields.get("reference"), required=False
                ),
                clock_ran_from=ran_from,
                clock_ran_to=ran_to,
                check=check or None,
            )
        return found

    # -- states and events ---------------------------------------------------------------

    def _states(self, value: Any) -> dict[str, State]:
        found: dict[str, State] = {}
        built = self._unchanged("states")
        for key, entry in self.r.table(("states",), value, what="states").items():
            taken = built.get(key)
            if taken is not None and taken[0] is entry:
                found[key] = taken[1]
                continue
            path: Path = ("states", key)
            fields = self.r.mapping(path, entry, allowed=_STATE, what=f"state {key!r}")
            found[key] = State(
                id=key,
                title=self.r.text((*path, "title"), fields.get("title"), what="title") or key,
                final=self.r.flag((*path, "final"), fields.get("final"), what="final"),
                outcome=self.r.text((*path, "outcome"), fields.get("outcome"), what="outcome"),
                description=self.r.text(
                    (*path, "description"), fields.get("description"), what="description"
                ),
                reference=self._reference(
                    (*path, "reference"), fields.get("reference"), required=False
                ),
            )
        if not found:
            self.r.report(("states",), "a process needs at least one state.")
        return found

    def _events(
        self,
        value: Any,
        states: Mapping[str, State],
        lists: Mapping[str, tuple[str, ...]],
        reasons: Mapping[str, ExceptionReason],
    ) -> dict[str, EventSpec]:
        found: dict[str, EventSpec] = {}
        open_states = tuple(s.id for s in states.values() if not s.final)
        built = self._unchanged("events")
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
            fields = r.mapping(path, entry, allowed=_EVENT, what=f"event {key!r}")
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
            and _all_kept(lists, process.lists)
            and tuple(reasons) == tuple(process.exception_reasons)
        )

    def _built_notes(self) -> dict[int, tuple[object, Note]]:
        """The base's notes by the identity of the entry each was read from."""
        if self.base is None:
            return {}
        data, process = self.base
        entries = data.get("notes")
        if not isinstance(entries, list) or len(entries) != len(process.notes):
            return {}
        return {
            id(entry): (entry, note) for entry, note in zip(entries, process.notes, strict=True)
        }

    def _unchanged(self, section: str) -> dict[str, tuple[Any, Any]]:
        """The base's built ``section`` by id, each with the entry it was read from.

        Empty unless the references the base's states, events and exception reasons may
        cite are all unchanged: an entry the data still holds (the same object) then reads
        the same as it did in the base.
        """
        if not self.same_sources:
            return {}
        return self._read_before(section, section)

    def _read_before(self, section: str, built_as: str) -> dict[str, tuple[Any, Any]]:
        """The base's built ``built_as`` by id, each with its entry of ``section``."""
        if self.base is None:
            return {}
        data, process = self.base
        entries = data.get(section)
        if not isinstance(entries, Mapping):
            return {}
        built: Mapping[str, Any] = getattr(process, built_as)
        return {key: (entries[key], item) for key, item in built.items() if key in entries}

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
            fields = self.r.mapping(fpath, entry, allowed=_FIELD, what=f"data field {name!r}")
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

    # -- time limits ---------------------------------------------------------------------


def _all_kept(found: Mapping[str, Any], before: Mapping[str, Any]) -> bool:
    """Whether every entry of ``before`` is in ``found``, the same or equal."""
    for key, value in before.items():
        got = found.get(key)
        if got is not value and got != value:
            return False
    return True
