"""Overlays: a council's adaptation of a process, laid over it and proved to keep the law.

An overlay file says ``extends: PROCESS`` and then what the council adds: states and
events (a panel meeting), titles and descriptions in its own words, local ``targets``
(tighter deadlines for statutory rules, with ``target_of``), ``notifications`` (its own
steps with their own deadlines), a ``closures`` calendar for those local rules, ``notes``
(sections of explanation for its page, after the base's own) and ``remove`` for local
steps of an overlay it extends. The data is laid over the base's,
built by the ordinary loader, and checked against the statutory floor
(:mod:`sendflow.definitions.floor`); the result is an ordinary :class:`Process`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any

import attrs

from sendflow.definitions.checks import check_process
from sendflow.definitions.floor import floor_problems, removal_problem
from sendflow.definitions.layers import (
    LayeredSource,
    Origin,
    SourceOrigins,
    merge_entry,
)
from sendflow.definitions.loading import build_definition
from sendflow.definitions.model import Process
from sendflow.definitions.reader import Reader, did_you_mean
from sendflow.definitions.source import Path, Source
from sendflow.definitions.target_floor import target_problems
from sendflow.errors import DefinitionError, Problem
from sendflow.time.closures import closure_days

__all__ = [
    "NOTIFICATION_FIELDS",
    "OVERLAY_FIELDS",
    "TARGET_FIELDS",
    "Layer",
    "build_overlay",
    "plain_layer",
]

OVERLAY_FIELDS = (
    "extends",
    "id",
    "title",
    "version",
    "description",
    "references",
    "lists",
    "exception_reasons",
    "states",
    "events",
    "time_limits",
    "targets",
    "notifications",
    "closures",
    "notes",
    "remove",
)
_ADDED = ("references", "lists", "exception_reasons", "states", "events")
_REMOVABLE = ("states", "events", "time_limits")
# What a target takes from the rule it tightens unless it says otherwise.
_INHERITED = (
    "kind",
    "duty",
    "starts",
    "per",
    "when",
    "when_given",
    "met_by",
    "void_by",
    "guards",
    "excusable",
    "restart",
    "conditional",
    "counting",
)
TARGET_FIELDS = ("title", "target_of", "period", "description", "reference", *_INHERITED)
NOTIFICATION_FIELDS = (
    "title",
    "starts",
    "period",
    "met_by",
    "void_by",
    "per",
    "when",
    "when_given",
    "restart",
    "counting",
    "duty",
    "description",
    "reference",
)


@attrs.frozen(eq=False)
class Layer:
    """Process data with where each value came from, and the process built from it.

    Attributes:
        data: The merged YAML data.
        origins: For each path of ``data``, the file, line and path that wrote it.
        process: The process built from ``data``.
        local_rules: The ids of the council's own rules (targets and notifications).
        closures: The council's closure days, for its own rules.
    """

    data: Mapping[str, Any]
    origins: Mapping[Path, Origin]
    process: Process
    local_rules: frozenset[str] = frozenset()
    closures: frozenset[date] = frozenset()


def plain_layer(source: Source, process: Process) -> Layer:
    """The layer of a process file that extends nothing."""
    return Layer(source.data, SourceOrigins(source), process)


def build_overlay(source: Source, problems: list[Problem], base: Layer) -> Layer:
    """Lay the overlay read into ``source`` over ``base``, build it and check the floor.

    Raises:
        DefinitionError: Every problem found: in the overlay's fields, in the process
            they make, and each way it would break the statutory floor.
    """
    return _Overlay(source, problems, base).build()


class _Overlay:
    def __init__(self, source: Source, problems: list[Problem], base: Layer) -> None:
        self.source = source
        self.r = Reader(source)
        self.r.problems.extend(problems)
        self.base = base
        self.statutory = base.process.statutory
        self.data: dict[str, Any] = dict(base.data)
        self.local = set(base.local_rules)
        self._copied: dict[str, dict[str, Any]] = {}

    def build(self) -> Layer:
        r = self.r
        top = r.mapping(
            (),
            self.source.data,
            allowed=OVERLAY_FIELDS,
            required=("extends", "id", "title", "version"),
            what="an overlay",
        )
        for key in ("id", "title", "version", "description"):
            if key in top:
                self.data[key] = top[key]
        if top.get("id") == self.base.process.id:
            r.report(
                ("id",),
                f"the overlay has the id of the process it extends ({top['id']!r}). Give it "
                "an id of its own, such as 'my-council-" + str(top["id"]) + "'.",
            )
        for section in _ADDED:
            self._lay(section, top.get(section))
        self._time_limits(top.get("time_limits"))
        rename: dict[Path, Path] = {}
        self._targets(top.get("targets"), rename)
        self._notifications(top.get("notifications"), rename)
        self._notes(top.get("notes"), rename)
        self._remove(top.get("remove"))
        closures = self.base.closures | self._closures(top.get("closures"))
        if r.problems:
            raise DefinitionError(r.problems)
        origins = SourceOrigins(self.source, rename=rename, base=self.base.origins)
        layered = LayeredSource(self.data, self.source.file, origins=origins)
        built = build_definition(
            layered,
            check=False,
            base=(self.base.data, self.base.process),
            local=self.local,
            closures=closures,
            local_notes=len(self.statutory.notes),
            extends=self.base.process,
        )
        process = built
        if self.base.local_rules:
            # The base's own rules, taken as built, are counted with these closures.
            limits = {
                lid: attrs.evolve(limit, local=True, closures=closures)
                if lid in self.local and not (limit.local and limit.closures == closures)
                else limit
                for lid, limit in built.time_limits.items()
            }
            process = attrs.evolve(built, time_limits=limits)
        # The floor first: when an overlay breaks the law, say so before anything else.
        found = floor_problems(process, layered)
        found += target_problems(process, layered)
        found += check_process(process, layered, base=self.base.process)
        if found:
            raise DefinitionError(found)
        return Layer(self.data, origins, process, frozenset(self.local), closures)

    def _section(self, name: str) -> dict[str, Any]:
        """The overlay's own copy of section ``name`` of the merged data, made once."""
        merged = self._copied.get(name)
        if merged is None:
            found = self.data.get(name)
            merged = self._copied[name] = dict(found) if isinstance(found, Mapping) else {}
            self.data[name] = merged
        return merged

    def _lay(self, section: str, value: Any) -> None:
        entries = self.r.table((section,), value, what=section)
        if not entries:
            return
        merged = self._section(section)
        for key, entry in entries.items():
            merged[key] = merge_entry(merged.get(key), entry)

    def _time_limits(self, value: Any) -> None:
        entries = self.r.table(("time_limits",), value, what="time_limits")
        if not entries:
            return
        merged = self._section("time_limits")
        for key, entry in entries.items():
            if key not in merged:
                self.r.report(
                    ("time_limits", key),
                    f"{key!r} is not a rule of the process this overlay extends. A council "
                    "adds its own deadlines under 'targets' (a tighter deadline for a "
                    "statutory rule, with 'target_of: RULE') or 'notifications' (a step "
                    f"of its own).{did_you_mean(key, merged)}",
                )
                continue
            merged[key] = merge_entry(merged[key], entry)

    def _own_id(self, section: str, key: str) -> bool:
        """Whether ``key`` may name a local rule: not a statutory rule's id."""
        if key in self.statutory.time_limits:
            self.r.report(
                (section, key),
                f"{key!r} is the id of a statutory rule; a local rule needs an id of its "
                f"own, such as '{key}-local'.",
            )
            return False
        return True

    def _local_entries(
        self, section: str, value: Any, allowed: tuple[str, ...], required: tuple[str, ...]
    ) -> Iterator[tuple[str, Path, dict[str, Any]]]:
        """Each well-formed entry of ``targets`` or ``notifications`` with an id of its own."""
        what = section[:-1]
        for key, entry in self.r.table((section,), value, what=section).items():
            path: Path = (section, key)
            fields = self.r.mapping(
                path, entry, allowed=allowed, required=required, what=f"{what} {key!r}"
            )
            if fields and self._own_id(section, key):
                yield key, path, fields

    def _add_local(
        self, key: str, path: Path, entry: dict[str, Any], rename: dict[Path, Path]
    ) -> None:
        self._section("time_limits")[key] = entry
        self.local.add(key)
        rename[path] = ("time_limits", key)

    def _targets(self, value: Any, rename: dict[Path, Path]) -> None:
        rules = self.statutory.time_limits
        required = ("title", "target_of", "period")
        for key, path, fields in self._local_entries("targets", value, TARGET_FIELDS, required):
            rule = str(fields.get("target_of"))
            if rule not in rules:
                self.r.report(
                    (*path, "target_of"),
                    f"target_of must name a statutory rule of {self.statutory.id}, not "
                    f"{rule!r}.{did_you_mean(rule, rules)} The rules are: "
                    f"{', '.join(rules)}.",
                )
                continue
            statutory = self._section("time_limits").get(rule) or {}
            inherited = {k: statutory[k] for k in _INHERITED if k in statutory}
            entry = {**inherited, **self._local_reference("target"), **fields}
            self._add_local(key, path, entry, rename)

    def _notifications(self, value: Any, rename: dict[Path, Path]) -> None:
        required = ("title", "starts", "period", "met_by")
        for key, path, fields in self._local_entries(
            "notifications", value, NOTIFICATION_FIELDS, required
        ):
            entry = {**self._local_reference("notification"), **fields}
            self._add_local(key, path, entry, rename)

    def _local_reference(self, what: str) -> dict[str, Any]:
        own = self.data.get("id")
        return {"reference": {"provision": f"local {what}: {own}", "evidence": "official"}}

    def _notes(self, value: Any, rename: dict[Path, Path]) -> None:
        """Append the overlay's notes after the base's; the loader checks each note."""
        if value is None:
            return
        if not isinstance(value, list):
            self.r.report(
                ("notes",),
                "notes must be a list of {title, text, table}: the council's own sections "
                "of explanation, shown after the process's notes on its page.",
            )
            return
        found = self.data.get("notes")
        base = list(found) if isinstance(found, list) else []
        for index in range(len(value)):
            rename[("notes", index)] = ("notes", len(base) + index)
        self.data["notes"] = [*base, *value]

    def _remove(self, value: Any) -> None:
        fields = self.r.mapping(("remove",), value, allowed=_REMOVABLE, what="remove")
        for section in _REMOVABLE:
            names = fields.get(section)
            if names is None:
                continue
            if not isinstance(names, list):
                self.r.report(("remove", section), f"remove.{section} must be a list of ids.")
                continue
            merged = self._section(section)
            statutory = getattr(self.statutory, section)
            for index, name in enumerate(names):
                path: Path = ("remove", section, index)
                if name in statutory:
                    self.r.problems.append(
                        removal_problem(self.statutory, self.source, path, section, str(name))
                    )
                elif name not in merged:
                    self.r.report(
                        path,
                        f"there is no {section[:-1].replace('_', ' ')} {name!r} to remove."
                        f"{did_you_mean(str(name), merged)}",
                    )
                else:
                    del merged[name]
                    self.local.discard(str(name))

    def _closures(self, value: Any) -> frozenset[date]:
        if value is None:
            return frozenset()
        if not isinstance(value, list):
            self.r.report(
                ("closures",),
                "closures must be a list of dates (2024-12-27) or ranges "
                "('2024-12-23..2024-12-31'): the days the council is closed.",
            )
            return frozenset()
        days: set[date] = set()
        for index, item in enumerate(value):
            try:
                days.update(closure_days(item))
            except ValueError as exc:
                self.r.report(
                    ("closures", index),
                    f"{exc}. Write a date as YYYY-MM-DD, or a range as "
                    "'YYYY-MM-DD..YYYY-MM-DD' in quotes.",
                )
        return frozenset(days)
