"""Reading the ``time_limits`` of a process file: rules, their versions and variants."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from datetime import date
from typing import Any

import attrs

from sendflow.definitions.model import (
    Due,
    DueMode,
    EventSpec,
    ExceptionReason,
    Kind,
    LimitVersion,
    Reference,
    TimeLimit,
)
from sendflow.definitions.reader import Reader
from sendflow.definitions.source import Path
from sendflow.time.calendars import CALENDAR_NAMES
from sendflow.time.periods import Counting, Period

__all__ = ["DUTIES", "LIMIT_FIELDS", "LimitReader"]

_DUE_KEYS = ("period", "later_of", "earlier_of", "due", "due_from", "before")
_VERSION = ("effective", "reference", "counting", "variants", *_DUE_KEYS)
_VARIANT = ("when", "reference", "counting", *_DUE_KEYS)
_PART_SHAPE = "{after: EVENT or [EVENTS], period: ...} or {date_from: FIELD}"
_VARIANT_SHAPE = "a list of {when: {FIELD: VALUE}, and one of: " + ", ".join(_DUE_KEYS) + "}"
_KINDS = tuple(k.value for k in Kind)
_KIND_OF = {k.value: k for k in Kind}
_COUNTINGS = tuple(c.value for c in Counting)
_COUNTING_OF = {c.value: c for c in Counting}
_DEADLINE = Kind.DEADLINE.value
_AFTER = Counting.AFTER.value
_LIMIT = (
    "title",
    "kind",
    "duty",
    "starts",
    "restart",
    "per",
    "when",
    "when_given",
    "met_by",
    "void_by",
    "guards",
    "excusable",
    "conditional",
    "calendar",
    "non_working_day",
    "tribunal_act",
    "target_of",
    "description",
    "period_from",
    "versions",
    "variants",
    "effective",
    "reference",
    "counting",
    *_DUE_KEYS,
)
LIMIT_FIELDS = _LIMIT
"""The fields a time limit may have (for the JSON Schema)."""
DUTIES = (
    "local-authority",
    "health-body",
    "parent",
    "mediation-adviser",
    "tribunal",
    "institution",
    "the-body-asked",
)


class LimitReader:
    """Reads time limits, reporting every problem to the process file's :class:`Reader`."""

    def __init__(
        self,
        reader: Reader,
        reference: Callable[..., Reference | None],
        *,
        local: Collection[str] = (),
        closures: frozenset[date] = frozenset(),
    ) -> None:
        self.r = reader
        self._reference = reference
        # An overlay's own rules, made local with its closures as they are read.
        self._local = local
        self._closures = closures

    def read(
        self,
        value: Any,
        events: Mapping[str, EventSpec],
        reasons: Mapping[str, ExceptionReason],
        built: Mapping[str, tuple[object, TimeLimit]] | None = None,
    ) -> dict[str, TimeLimit]:
        """The rules under ``time_limits``, by id.

        ``built``: rules already read from the very same entry objects against the same
        events, exception reasons and references (an overlay's base), by id with their
        entry; an entry that is that object is taken as built, not read again.
        """
        return self._limits(value, events, reasons, built or {})

    def _limits(
        self,
        value: Any,
        events: Mapping[str, EventSpec],
        reasons: Mapping[str, ExceptionReason],
        built: Mapping[str, tuple[object, TimeLimit]],
    ) -> dict[str, TimeLimit]:
        found: dict[str, TimeLimit] = {}
        for key, entry in self.r.table(("time_limits",), value, what="time_limits").items():
            before = built.get(key)
            if before is not None and before[0] is entry:
                found[key] = before[1]
                continue
            limit = self._limit(("time_limits", key), key, entry, events, reasons)
            if limit is not None:
                found[key] = limit
        return found

    def _limit(
        self,
        path: Path,
        key: str,
        entry: Any,
        events: Mapping[str, EventSpec],
        reasons: Mapping[str, ExceptionReason],
    ) -> TimeLimit | None:
        r = self.r
        f = r.mapping(
            path, entry, allowed=_LIMIT, required=("title", "starts"), what=f"time limit {key!r}"
        )
        if not f:
            return None
        # A field left out takes its default without a reader's call: most are left out.
        get = f.get
        kind = _KIND_OF[self._choice(path, f, "kind", _KINDS, _DEADLINE)]
        local = get("target_of") is not None
        versions = self._versions(path, f, events, required_reference=not local)
        when = {} if get("when") is None else r.conditions((*path, "when"), get("when"))
        calendar = self._choice(path, f, "calendar", CALENDAR_NAMES, "england")
        roll = self._choice(path, f, "non_working_day", ("keep", "next_working_day"), "keep")
        act = None
        if "tribunal_act" in f:
            act = r.choice(
                (*path, "tribunal_act"),
                f["tribunal_act"],
                allowed=("starting-proceedings", "other"),
                what="tribunal_act",
                default="other",
            )
        own = key in self._local
        return TimeLimit(
            id=key,
            title=self._text(path, f, "title") or key,
            kind=kind,
            duty=self._choice(path, f, "duty", DUTIES, "local-authority"),
            starts=self._named(path, f, "starts", events, "event"),
            versions=versions,
            met_by=self._named(path, f, "met_by", events, "event"),
            void_by=self._named(path, f, "void_by", events, "event"),
            guards=self._named(path, f, "guards", events, "event"),
            excusable=self._named(path, f, "excusable", reasons, "exception reason"),
            restart=self._flag(path, f, "restart"),
            per=self._text(path, f, "per"),
            when=when,
            when_given=() if get("when_given") is None else _words(get("when_given")),
            conditional=self._flag(path, f, "conditional"),
            calendar=calendar,
            next_working_day=roll == "next_working_day",
            tribunal_act=act,
            target_of=self._text(path, f, "target_of"),
            description=self._text(path, f, "description"),
            period_from=self._text(path, f, "period_from"),
            local=own,
            closures=self._closures if own else frozenset(),
        )

    # Each reads field ``name`` of ``f`` as the reader does, skipping the call when absent.

    def _choice(
        self, path: Path, f: Mapping[str, Any], name: str, allowed: tuple[str, ...], default: str
    ) -> str:
        value = f.get(name)
        if value is None:
            return default
        return self.r.choice((*path, name), value, allowed=allowed, what=name, default=default)

    def _named(
        self, path: Path, f: Mapping[str, Any], name: str, known: Mapping[str, Any], kind: str
    ) -> tuple[str, ...]:
        value = f.get(name)
        if value is None:
            return ()
        return self.r.names((*path, name), value, known=known, what=name, kind=kind)

    def _text(self, path: Path, f: Mapping[str, Any], name: str) -> str | None:
        value = f.get(name)
        if value is None:
            return None
        return self.r.text((*path, name), value, what=name)

    def _flag(self, path: Path, f: Mapping[str, Any], name: str) -> bool:
        value = f.get(name)
        if value is None:
            return False
        return self.r.flag((*path, name), value, what=name)

    def _versions(
        self,
        path: Path,
        f: Mapping[str, Any],
        events: Mapping[str, EventSpec],
        *,
        required_reference: bool,
    ) -> tuple[LimitVersion, ...]:
        if "versions" not in f:
            return self._with_variants(path, f, events, required_reference=required_reference)
        given = [k for k in ("effective", "variants", *_DUE_KEYS) if k in f]
        if given:
            self.r.report(
                path,
                f"with 'versions', give {', '.join(given)} inside each "
                "version, not beside the list.",
            )
        entries = self._entries((*path, "versions"), f["versions"], "a non-empty list")
        found: list[LimitVersion] = []
        for vpath, entry in entries:
            fields = self.r.mapping(vpath, entry, allowed=_VERSION, what="a rule version")
            merged = {"counting": f.get("counting"), "reference": f.get("reference"), **fields}
            found.extend(
                self._with_variants(vpath, merged, events, required_reference=required_reference)
            )
        return tuple(found)

    def _entries(self, path: Path, raw: Any, shape: str) -> list[tuple[Path, Any]]:
        """The items of a non-empty YAML list with their paths; report anything else."""
        if not isinstance(raw, list) or not raw:
            self.r.report(path, f"{path[-1]} must be {shape}.")
            return []
        return [((*path, index), entry) for index, entry in enumerate(raw)]

    def _with_variants(
        self,
        path: Path,
        f: Mapping[str, Any],
        events: Mapping[str, EventSpec],
        *,
        required_reference: bool,
    ) -> tuple[LimitVersion, ...]:
        """One version, or one per variant (first) plus the plain due date as the default."""
        raw = f.get("variants")
        if raw is None:
            version = self._version(path, f, events, required_reference=required_reference)
            return (version,) if version is not None else ()
        found: list[LimitVersion] = []
        for vpath, entry in self._entries((*path, "variants"), raw, _VARIANT_SHAPE):
            fields = self.r.mapping(
                vpath, entry, allowed=_VARIANT, required=("when",), what="a variant"
            )
            if not fields:
                continue
            when = self.r.conditions((*vpath, "when"), fields.get("when"))
            if not when and "when" in fields:
                self.r.report((*vpath, "when"), "a variant needs 'when': the data that selects it.")
            inherited = {k: f.get(k) for k in ("counting", "reference", "effective")}
            version = self._version(
                vpath, {**inherited, **fields}, events, required_reference=required_reference
            )
            if version is not None and when:
                found.append(attrs.evolve(version, when=when))
        if any(f.get(k) is not None for k in _DUE_KEYS):
            default = self._version(path, f, events, required_reference=required_reference)
            if default is not None:
                found.append(default)
        return tuple(found)

    def _version(
        self,
        path: Path,
        f: Mapping[str, Any],
        events: Mapping[str, EventSpec],
        *,
        required_reference: bool,
    ) -> LimitVersion | None:
        r = self.r
        given = f.get("effective")
        effective = (
            {}
            if given is None
            else r.mapping((*path, "effective"), given, allowed=("from", "to"), what="effective")
        )
        counting = _COUNTING_OF[self._choice(path, f, "counting", _COUNTINGS, _AFTER)]
        due = self._due(path, f, events, counting)
        reference = self._reference(
            (*path, "reference"), f.get("reference"), required=required_reference
        )
        if due is None:
            return None
        low, high = effective.get("from"), effective.get("to")
        return LimitVersion(
            due=due,
            reference=reference,
            effective_from=None
            if low is None
            else r.day((*path, "effective", "from"), low, what="effective from"),
            effective_to=None
            if high is None
            else r.day((*path, "effective", "to"), high, what="effective to"),
        )

    def _due(
        self,
        path: Path,
        f: Mapping[str, Any],
        events: Mapping[str, EventSpec],
        counting: Counting,
    ) -> Due | None:
        r = self.r
        given = [k for k in _DUE_KEYS if f.get(k) is not None]
        if len(given) != 1:
            r.report(
                path,
                "give exactly one of: "
                + ", ".join(_DUE_KEYS)
                + " (found "
                + (", ".join(given) or "none")
                + ").",
            )
            return None
        mode = given[0]
        value = f[mode]
        vpath: Path = (*path, mode)
        if mode == "period":
            period = self._period(vpath, value)
            return Due(DueMode.PERIOD, period=period, counting=counting) if period else None
        if mode in ("later_of", "earlier_of"):
            parts: list[tuple[str, Period]] = []
            fields: list[str] = []
            if not isinstance(value, list) or not value:
                r.report(vpath, f"{mode} must be a list of {_PART_SHAPE}.")
                return None
            for index, part in enumerate(value):
                ppath: Path = (*vpath, index)
                if isinstance(part, Mapping) and "date_from" in part:
                    # A date the starting event carries (the day of a move) joins the others.
                    df = r.mapping(ppath, part, allowed=("date_from",), what=f"a part of {mode}")
                    field = r.text((*ppath, "date_from"), df.get("date_from"), what="date_from")
                    if field:
                        fields.append(field)
                    continue
                pf = r.mapping(
                    ppath,
                    part,
                    allowed=("after", "period"),
                    required=("after", "period"),
                    what=f"a part of {mode}",
                )
                named = r.names(
                    (*ppath, "after"), pf.get("after"), known=events, what="after", kind="event"
                )
                period = self._period((*ppath, "period"), pf.get("period"))
                if period:
                    # "after" may list events: the latest of them, which (as a period's end
                    # never comes earlier for a later start) is one part per event.
                    parts.extend((name, period) for name in named)
            return Due(
                DueMode(mode), parts=tuple(parts), counting=counting, dates_from=tuple(fields)
            )
        if mode == "due":
            fixed = r.day(vpath, value, what="due")
            return Due(DueMode.FIXED, fixed=fixed) if fixed else None
        if mode == "due_from":
            return self._due_from(vpath, value)
        bf = r.mapping(
            vpath,
            value,
            allowed=("month", "day", "year_from"),
            required=("month", "day", "year_from"),
            what="before",
        )
        month, day = bf.get("month"), bf.get("day")
        if not isinstance(month, int) or not isinstance(day, int) or not 1 <= month <= 12:
            r.report(vpath, "before needs a whole-number month (1-12) and day.")
            return None
        return Due(
            DueMode.BEFORE,
            month=month,
            day=day,
            field=r.text((*vpath, "year_from"), bf.get("year_from"), what="year_from"),
        )

    def _due_from(self, path: Path, value: Any) -> Due | None:
        """``due_from: FIELD``, or ``{field: FIELD, period_before: PERIOD}``."""
        if not isinstance(value, Mapping):
            field = self.r.text(path, value, what="due_from")
            return Due(DueMode.FROM_DATA, field=field) if field else None
        fields = self.r.mapping(
            path,
            value,
            allowed=("field", "period_before"),
            required=("field",),
            what="due_from",
        )
        field = self.r.text((*path, "field"), fields.get("field"), what="field")
        period = None
        if fields.get("period_before") is not None:
            period = self._period((*path, "period_before"), fields["period_before"])
            if period is None:
                return None
        return Due(DueMode.FROM_DATA, field=field, period=period) if field else None

    def _period(self, path: Path, value: Any) -> Period | None:
        if not isinstance(value, str):
            self.r.report(path, f"a period is written like '6 weeks', not {value!r}.")
            return None
        try:
            return Period.parse(value)
        except ValueError as exc:
            self.r.report(path, str(exc))
            return None


def _words(value: Any) -> tuple[str, ...]:
    """One value or a list of them, as text."""
    return tuple(str(x) for x in (value if isinstance(value, list) else [value]))
