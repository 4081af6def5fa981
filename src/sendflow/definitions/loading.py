"""Build a :class:`~sendflow.definitions.model.Process` from a YAML process file."""

from __future__ import annotations

import os
from collections.abc import Collection, Mapping, Sequence
from datetime import date
from typing import Any

from sendflow.definitions.checks import check_process
from sendflow.definitions.event_reader import (
    EVENT_FIELDS,
    FIELD_FIELDS,
    EventReader,
    all_kept,
)
from sendflow.definitions.limits import LimitReader
from sendflow.definitions.links import read_links
from sendflow.definitions.model import (
    EventSpec,
    Evidence,
    ExceptionReason,
    Note,
    Process,
    Reference,
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
_REASON = ("title", "reference", "clock_ran_between", "check")
_REFERENCE = ("source", "provision", "evidence", "note")
_SOURCE = ("title", "citation", "url")
_EVIDENCE = tuple(e.value for e in Evidence)
_EVIDENCE_OF = {e.value: e for e in Evidence}
_UNCONFIRMED = Evidence.UNCONFIRMED.value
CHECKS = ("closure-window",)
FIELDS = {
    "top": _TOP,
    "state": _STATE,
    "event": EVENT_FIELDS,
    "field": FIELD_FIELDS,
    "reason": _REASON,
    "reference": _REFERENCE,
    "source": _SOURCE,
}
"""The fields each part of a process file may have (for the JSON Schema)."""


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
        self.same_sources = self.base is not None and all_kept(self.sources, self.base[1].sources)
        lists = self._lists(top.get("lists"))
        reasons = self._reasons(top.get("exception_reasons"))
        states = self._states(top.get("states"))
        events = EventReader(r, self._reference, self.base).read(
            top.get("events"), states, lists, reasons, self._unchanged("events")
        )
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
            or not all_kept(reasons, process.exception_reasons)
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

    # -- time limits ---------------------------------------------------------------------
