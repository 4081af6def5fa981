"""Reading the ``time_limits`` of a process file: rules, their versions and variants."""

from __future__ import annotations

from collections.abc import Callable, Mapping
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
_COUNTINGS = tuple(c.value for c in Counting)
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

    def __init__(self, reader: Reader, reference: Callable[..., Reference | None]) -> None:
        self.r = reader
        self._reference = reference

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
        kind = Kind(
            r.choice(
                (*path, "kind"),
                f.get("kind"),
                allowed=_KINDS,
                what="kind",
                default=Kind.DEADLINE.value,
            )
        )

        def events_at(name: str) -> tuple[str, ...]:
            return r.names((*path, name), f.get(name), known=events, what=name, kind="event")

        local = f.get("target_of") is not None
        versions = self._versions(path, f, events, required_reference=not local)
        when = self.r.conditions((*path, "when"), f.get("when"))
        calendar = r.choice(
            (*path, "calendar"),
            f.get("calendar"),
            allowed=CALENDAR_NAMES,
            what="calendar",
            default="england",
        )
        roll = r.choice(
            (*path, "non_working_day"),
            f.get("non_working_day"),
            allowed=("keep", "next_working_day"),
            what="non_working_day",
            default="keep",
        )
        act = None
        if "tribunal_act" in f:
            act = r.choice(
                (*path, "tribunal_act"),
                f["tribunal_act"],
                allowed=("starting-proceedings", "other"),
                what="tribunal_act",
                default="other",
            )
        return TimeLimit(
            id=key,
            title=r.text((*path, "title"), f.get("title"), what="title") or key,
            kind=kind,
            duty=r.choice(
                (*path, "duty"),
                f.get("duty"),
                allowed=DUTIES,
                what="duty",
                default="local-authority",
            ),
            starts=events_at("starts"),
            versions=versions,
            met_by=events_at("met_by"),
            void_by=events_at("void_by"),
            guards=events_at("guards"),
            excusable=r.names(
                (*path, "excusable"),
                f.get("excusable"),
                known=reasons,
                what="excusable",
                kind="exception reason",
            ),
            restart=r.flag((*path, "restart"), f.get("restart"), what="restart"),
            per=r.text((*path, "per"), f.get("per"), what="per"),
            when=when,
            when_given=tuple(str(x) for x in _as_list(f.get("when_given"))),
            conditional=r.flag((*path, "conditional"), f.get("conditional"), what="conditional"),
            calendar=calendar,
            next_working_day=roll == "next_working_day",
            tribunal_act=act,
            target_of=r.text((*path, "target_of"), f.get("target_of"), what="target_of"),
            description=r.text((*path, "description"), f.get("description"), what="description"),
            period_from=r.text((*path, "period_from"), f.get("period_from"), what="period_from"),
        )

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
        effective = r.mapping(
            (*path, "effective"), f.get("effective"), allowed=("from", "to"), what="effective"
        )
        counting = Counting(
            r.choice(
                (*path, "counting"),
                f.get("counting"),
                allowed=_COUNTINGS,
                what="counting",
                default=Counting.AFTER.value,
            )
        )
        due = self._due(path, f, events, counting)
        reference = self._reference(
            (*path, "reference"), f.get("reference"), required=required_reference
        )
        if due is None:
            return None
        return LimitVersion(
            due=due,
            reference=reference,
            effective_from=r.day(
                (*path, "effective", "from"), effective.get("from"), what="effective from"
            ),
            effective_to=r.day(
                (*path, "effective", "to"), effective.get("to"), what="effective to"
            ),
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


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]
