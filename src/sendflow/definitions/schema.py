"""A JSON Schema for process files and overlay files, so that editors check them as you type.

The schema is made from the same lists of fields the loader reads, so the two cannot
drift apart. It checks the shape of a file (which fields, of which kinds, which words a
field allows, how a period or a date is written); the loader also checks what a schema
cannot, such as whether an event named in ``met_by`` exists or a state can be reached.
Dates are written ``YYYY-MM-DD``; a YAML editor reads them as text, which the schema
expects.
"""

from __future__ import annotations

from typing import Any

from sendflow.definitions.limits import DUTIES, LIMIT_FIELDS
from sendflow.definitions.loading import CHECKS, FIELDS
from sendflow.definitions.model import Evidence, FieldType, Kind
from sendflow.definitions.notes import NOTE_FIELDS
from sendflow.definitions.overlays import NOTIFICATION_FIELDS, OVERLAY_FIELDS, TARGET_FIELDS
from sendflow.time.calendars import CALENDAR_NAMES
from sendflow.time.periods import Counting

__all__ = ["definition_schema"]

_TEXT = {"type": "string"}
_FLAG = {"type": "boolean"}
_DAY = "[0-9]{4}-[0-9]{2}-[0-9]{2}"
_DATE = {"type": "string", "pattern": f"^{_DAY}$"}
_NAMES = {"anyOf": [_TEXT, {"type": "array", "items": _TEXT}]}
_VALUE = {"type": ["string", "number", "boolean"]}
_WHEN = {
    "type": "object",
    "additionalProperties": {"anyOf": [_VALUE, {"type": "array", "items": _VALUE}]},
}


def _any_case(word: str) -> str:
    return "".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else c for c in word)


_UNITS = "|".join(_any_case(u) for u in ("days?", "weeks?", "months?"))
_PERIOD = {
    "type": "string",
    "pattern": rf"^\s*[0-9]+\s+({_any_case('working')}\s+)?({_UNITS})\s*$",
    "description": "a whole number and a unit: '6 weeks', '15 days', '3 working days', '2 months'",
}


def _closed(properties: dict[str, Any], required: tuple[str, ...] = ()) -> dict[str, Any]:
    found: dict[str, Any] = {
        "type": "object",
        "properties": properties,
        "additionalProperties": False,
    }
    if required:
        found["required"] = list(required)
    return found


def _table(entry: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "additionalProperties": entry}


def _choice(values: tuple[str, ...] | list[str]) -> dict[str, Any]:
    return {"enum": list(values)}


def _reference() -> dict[str, Any]:
    fields = {
        "source": _TEXT,
        "provision": _TEXT,
        "evidence": _choice([e.value for e in Evidence]),
        "note": _TEXT,
    }
    return _closed({k: fields[k] for k in FIELDS["reference"]}, ("provision", "evidence"))


def _due_parts() -> dict[str, Any]:
    part = {
        "anyOf": [
            _closed({"after": _NAMES, "period": _PERIOD}, ("after", "period")),
            _closed({"date_from": _TEXT}, ("date_from",)),
        ]
    }
    return {
        "period": _PERIOD,
        "later_of": {"type": "array", "items": part, "minItems": 1},
        "earlier_of": {"type": "array", "items": part, "minItems": 1},
        "due": _DATE,
        "due_from": {
            "anyOf": [
                _TEXT,
                _closed({"field": _TEXT, "period_before": _PERIOD}, ("field",)),
            ]
        },
        "before": _closed(
            {"month": {"type": "integer"}, "day": {"type": "integer"}, "year_from": _TEXT},
            ("month", "day", "year_from"),
        ),
    }


def _one_due_date() -> dict[str, Any]:
    """At most one way of giving the due date beside each other."""
    keys = list(_due_parts())
    pairs = [[a, b] for i, a in enumerate(keys) for b in keys[i + 1 :]]
    return {"not": {"anyOf": [{"required": pair} for pair in pairs]}}


def _limit_rules() -> list[dict[str, Any]]:
    """What a time limit's fields require of one another, as far as a schema can say."""
    beside_versions = ["effective", "variants", *_due_parts()]
    return [
        _one_due_date(),
        {
            "if": {"properties": {"kind": {"const": "minimum"}}, "required": ["kind"]},
            "then": {"required": ["guards"]},
        },
        {
            "if": {"required": ["versions"]},
            "then": {"not": {"anyOf": [{"required": [k]} for k in beside_versions]}},
        },
    ]


def _limit_fields() -> dict[str, Any]:
    due = _due_parts()
    effective = _closed({"from": _DATE, "to": _DATE})
    counting = _choice([c.value for c in Counting])
    variant = {
        **_closed(
            {"when": _WHEN, "reference": _reference(), "counting": counting, **due}, ("when",)
        ),
        "allOf": [_one_due_date()],
    }
    variants = {"type": "array", "items": variant, "minItems": 1}
    version = {
        **_closed(
            {
                "effective": effective,
                "reference": _reference(),
                "counting": counting,
                "variants": variants,
                **due,
            }
        ),
        "allOf": [_one_due_date()],
    }
    fields: dict[str, Any] = {
        "title": _TEXT,
        "kind": _choice([k.value for k in Kind]),
        "duty": _choice(DUTIES),
        "starts": _NAMES,
        "restart": _FLAG,
        "per": _TEXT,
        "when": _WHEN,
        "when_given": _NAMES,
        "met_by": _NAMES,
        "void_by": _NAMES,
        "guards": _NAMES,
        "excusable": _NAMES,
        "conditional": _FLAG,
        "calendar": _choice(CALENDAR_NAMES),
        "non_working_day": _choice(["keep", "next_working_day"]),
        "tribunal_act": _choice(["starting-proceedings", "other"]),
        "target_of": _TEXT,
        "description": _TEXT,
        "period_from": _TEXT,
        "versions": {"type": "array", "items": version, "minItems": 1},
        "variants": variants,
        "effective": effective,
        "reference": _reference(),
        "counting": counting,
        **due,
    }
    return {k: fields[k] for k in LIMIT_FIELDS}


def _parts() -> dict[str, dict[str, Any]]:
    """The schema of each kind of entry, with every field optional."""
    data_field = _closed(
        {
            "required": _FLAG,
            "type": _choice([t.value for t in FieldType]),
            "one_of": {"anyOf": [_TEXT, {"type": "array", "items": _VALUE}]},
            "description": _TEXT,
        }
    )
    route = _closed({"when": _WHEN, "to": _TEXT}, ("when", "to"))
    state = {"title": _TEXT, "final": _FLAG, "outcome": _TEXT, "description": _TEXT}
    event = {
        "title": _TEXT,
        "from": {"anyOf": [{"const": "*"}, {"type": "array", "items": _TEXT}]},
        "to": _TEXT,
        "routes": {"type": "array", "items": route, "minItems": 1},
        "data": _table(data_field),
        "roles": {"type": "array", "items": _TEXT},
        "exception": _FLAG,
        "reopens": _FLAG,
        "description": _TEXT,
    }
    reason = {
        "title": _TEXT,
        "clock_ran_between": {"type": "array", "items": _DATE, "minItems": 2, "maxItems": 2},
        "check": _choice(CHECKS),
    }
    source = {"title": _TEXT, "citation": _TEXT, "url": _TEXT}
    return {
        "state": {k: ({**state, "reference": _reference()})[k] for k in FIELDS["state"]},
        "event": {k: ({**event, "reference": _reference()})[k] for k in FIELDS["event"]},
        "reason": {k: ({**reason, "reference": _reference()})[k] for k in FIELDS["reason"]},
        "source": {k: source[k] for k in FIELDS["source"]},
        "limit": _limit_fields(),
    }


def _note() -> dict[str, Any]:
    cell = {"type": ["string", "number"]}
    rows = {"type": "array", "items": {"type": "array", "items": cell, "minItems": 1}}
    fields = {"title": _TEXT, "text": _TEXT, "table": {**rows, "minItems": 1}}
    return _closed({k: fields[k] for k in NOTE_FIELDS}, ("title", "text"))


def _process(parts: dict[str, dict[str, Any]]) -> dict[str, Any]:
    link = _closed(
        {
            "title": _TEXT,
            "events": _NAMES,
            "when": _WHEN,
            "case_when": _WHEN,
            "process": _TEXT,
            "record": _TEXT,
            "data": {"type": "object"},
        },
        ("events", "process", "record"),
    )
    fields = {
        "id": _TEXT,
        "title": _TEXT,
        "version": _TEXT,
        "description": _TEXT,
        "references": _table(_closed(parts["source"], ("title", "citation"))),
        "start": _NAMES,
        "states": _table(_closed(parts["state"])),
        "events": _table(_closed(parts["event"])),
        "time_limits": _table(
            {**_closed(parts["limit"], ("title", "starts")), "allOf": _limit_rules()}
        ),
        "lists": _table({"type": "array", "items": _TEXT}),
        "exception_reasons": _table(_closed(parts["reason"], ("title",))),
        "links": {"type": "array", "items": link},
        "notes": {"type": "array", "items": _note()},
    }
    required = ("id", "title", "version", "start", "states", "events")
    return _closed({k: fields[k] for k in FIELDS["top"]}, required)


def _overlay(parts: dict[str, dict[str, Any]], process: dict[str, Any]) -> dict[str, Any]:
    limit = parts["limit"]
    target = _closed(
        {k: limit.get(k, _TEXT) for k in TARGET_FIELDS}, ("title", "target_of", "period")
    )
    notification = _closed(
        {k: limit.get(k, _TEXT) for k in NOTIFICATION_FIELDS},
        ("title", "starts", "period", "met_by"),
    )
    closure = {
        "anyOf": [
            _DATE,
            {
                "type": "string",
                "pattern": rf"^{_DAY}\.\.{_DAY}$",
            },
        ]
    }
    names = {"type": "array", "items": _TEXT}
    fields = {
        **process["properties"],
        "extends": _TEXT,
        "time_limits": _table(_closed({"title": _TEXT, "description": _TEXT, **limit})),
        "targets": _table(target),
        "notifications": _table(notification),
        "closures": {"type": "array", "items": closure},
        "remove": _closed({"states": names, "events": names, "time_limits": names}),
    }
    return _closed({k: fields[k] for k in OVERLAY_FIELDS}, ("extends", "id", "title", "version"))


def definition_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a process file or an overlay file."""
    parts = _parts()
    process = _process(parts)
    overlay = _overlay(parts, process)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "sendflow process or overlay",
        "description": (
            "A process definition, or an overlay (a file with 'extends') that adapts one "
            "for a council. See docs/definitions.md and docs/overlays.md."
        ),
        "type": "object",
        "if": {"required": ["extends"]},
        "then": overlay,
        "else": process,
    }
