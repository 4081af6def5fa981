"""Reading the fields of one Open Referral record, reporting each bad one by id and field."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from datetime import date
from typing import Any

from sendflow.localoffer.model import Severity
from sendflow.localoffer.problems import ProblemSink
from sendflow.time.days import read_legal_day

__all__ = ["NO_ID", "RecordReader"]

NO_ID = "(no id)"


class RecordReader:
    """Reads the fields of one record (a service, or an object nested in it).

    Args:
        sink: Where problems go.
        object_type: The Open Referral object name, for messages.
        record: The record's fields.
        prefix: The path of the record inside its service, as ``service_at_locations[0]``.
        service_id: The service the record belongs to.
    """

    __slots__ = ("id", "object_type", "prefix", "record", "service_id", "sink")

    def __init__(
        self,
        sink: ProblemSink,
        object_type: str,
        record: Mapping[str, Any],
        prefix: str = "",
        service_id: str | None = None,
    ) -> None:
        self.sink = sink
        self.object_type = object_type
        self.record = record
        self.prefix = prefix
        raw = record.get("id")
        self.id = str(raw) if isinstance(raw, (str, int)) and str(raw).strip() else NO_ID
        self.service_id = service_id
        if self.id == NO_ID:
            self.error("id", "the required field is missing or empty; give every record an id.")

    def where(self, field: str) -> str:
        """The field's path inside the service."""
        return f"{self.prefix}.{field}" if self.prefix else field

    def error(self, field: str, message: str) -> None:
        """Record an error on ``field``."""
        self.sink.add(
            Severity.ERROR, self.object_type, self.id, self.where(field), message, self.service_id
        )

    def warning(self, field: str, message: str) -> None:
        """Record a warning on ``field``."""
        self.sink.add(
            Severity.WARNING, self.object_type, self.id, self.where(field), message, self.service_id
        )

    def _present(self, field: str, required: bool) -> Any:
        value = self.record.get(field)
        if value is None or value == "":
            if required:
                self.error(field, "the required field is missing or empty.")
            elif field in self.record:
                self.warning(field, "an optional field is sent as null or empty; leave it out.")
            return None
        return value

    def text(self, field: str, *, required: bool = False) -> str | None:
        """A text field."""
        value = self.record.get(field)
        if type(value) is str and value:
            return value  # the common case, first
        value = self._present(field, required)
        if value is None:
            return None
        if isinstance(value, (dict, list, bool)):
            self.error(field, f"must be text, not {type(value).__name__}.")
            return None
        return str(value)

    def choice(self, field: str, allowed: Collection[str], *, required: bool = False) -> str | None:
        """A text field with a fixed set of values."""
        value = self.text(field, required=required)
        if value is not None and value not in allowed:
            self.error(field, f"{value!r} is not allowed; use one of: {', '.join(allowed)}.")
            return None
        return value

    def integer(self, field: str) -> int | None:
        """A whole number (digits as text are accepted, as CSV tables give them)."""
        value = self._present(field, False)
        if value is None:
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().isdigit():
            return int(value)
        self.error(field, f"must be a whole number, not {value!r}.")
        return None

    def number(self, field: str) -> float | None:
        """A decimal number, such as a latitude."""
        value = self._present(field, False)
        if value is None:
            return None
        if isinstance(value, bool):
            self.error(field, f"must be a number, not {value!r}.")
            return None
        try:
            return float(value)
        except (TypeError, ValueError):
            self.error(field, f"must be a number, not {value!r}.")
            return None

    def day(self, field: str) -> date | None:
        """A date, or the date part of a date-time (``2025-06-01T10:00:00Z``)."""
        value = self.text(field)
        if value is None:
            return None
        try:
            return read_legal_day(value[:10])
        except ValueError as exc:
            self.error(field, f"{value!r} is not a date: {exc}; write YYYY-MM-DD.")
            return None

    def items(self, field: str) -> list[Mapping[str, Any]]:
        """A list of nested records; anything in it that is not a record is reported."""
        value = self._present(field, False)
        if value is None:
            return []
        if not isinstance(value, list):
            self.error(field, f"must be a list of records, not {type(value).__name__}.")
            return []
        found: list[Mapping[str, Any]] = []
        for index, item in enumerate(value):
            if isinstance(item, dict):  # JSON and CSV rows are dicts (faster than Mapping)
                found.append(item)
            else:
                self.error(f"{field}[{index}]", "must be a record (a JSON object).")
        return found

    def children(
        self, field: str, object_type: str, back: str | None = None
    ) -> Iterator[RecordReader]:
        """A reader for each record of the list ``field``.

        Args:
            field: The list's field.
            object_type: The type of its records.
            back: The field by which each record names this one (``service_id``), if any;
                a record that names another is reported.
        """
        owner = self.service_id or self.id
        for index, item in enumerate(self.items(field)):
            child = RecordReader(
                self.sink, object_type, item, self.where(f"{field}[{index}]"), owner
            )
            if back is not None:
                child.reference(back, self.object_type, self.id)
            yield child

    def child(self, field: str, object_type: str) -> RecordReader | None:
        """A reader for the single nested record ``field``, if there is one."""
        nested = self.nested(field)
        if nested is None:
            return None
        return RecordReader(
            self.sink, object_type, nested, self.where(field), self.service_id or self.id
        )

    def nested(self, field: str) -> Mapping[str, Any] | None:
        """A single nested record."""
        value = self._present(field, False)
        if value is None:
            return None
        if not isinstance(value, dict):
            self.error(field, f"must be a record (a JSON object), not {type(value).__name__}.")
            return None
        return value

    def reference(self, field: str, target_type: str, target_id: str) -> None:
        """Check ``field`` names the record it refers to (a broken reference is an error)."""
        value = self.record.get(field)
        if value is None or value == "" or target_id == NO_ID:
            return
        if str(value) != target_id:
            self.error(
                field,
                f"refers to {target_type} {value!r}, but the {target_type} given "
                f"here has id {target_id!r}; make them agree.",
            )
