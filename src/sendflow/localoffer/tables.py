"""The ORUK 1.0 CSV tables, joined into nested 1.0 services.

A folder holds one CSV file per table, named for the table in the singular or a plural
(``service.csv`` or ``services.csv``; ``taxonomies.csv``, ``physical_addresses.csv``).
Only ``services`` is required. The child tables are read into memory and grouped by
service before the services are read one by one, so a CSV directory's memory grows with
its size (the JSON forms stream).
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sendflow.localoffer.errors import FeedError
from sendflow.localoffer.model import Severity
from sendflow.localoffer.problems import ProblemSink

__all__ = ["read_tables"]

Row = dict[str, Any]


def _file(folder: Path, table: str) -> Path | None:
    stem = table[:-1] if table.endswith("y") else table
    for name in (table, f"{table}s", f"{table}es", f"{stem}ies"):
        if (folder / f"{name}.csv").is_file():
            return folder / f"{name}.csv"
    return None


def _rows(folder: Path, table: str) -> list[Row]:
    path = _file(folder, table)
    if path is None:
        return []
    try:
        with path.open(encoding="utf-8-sig", newline="") as stream:
            return [
                {k: v for k, v in row.items() if k and v not in (None, "")}
                for row in csv.DictReader(stream)
            ]
    except (UnicodeDecodeError, csv.Error) as exc:
        raise FeedError(f"{path}: cannot read the CSV table: {exc}") from None


def _index(rows: list[Row]) -> dict[str, Row]:
    return {str(row["id"]): row for row in rows if "id" in row}


def _by(rows: list[Row], key: str) -> dict[str, list[Row]]:
    grouped: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        if key in row:
            grouped[str(row[key])].append(row)
    return grouped


def _orphans(
    sink: ProblemSink, table: str, rows: list[Row], key: str, known: dict[str, Row], target: str
) -> None:
    for row in rows:
        value = row.get(key)
        if value is not None and str(value) not in known:
            sink.add(
                Severity.ERROR,
                table,
                str(row.get("id", "(no id)")),
                key,
                f"refers to {target} {value!r}, which is not in the {target} table.",
            )


def read_tables(folder: Path, sink: ProblemSink) -> Iterator[Row]:
    """Each service of the folder's tables, nested as an ORUK 1.0 service.

    Raises:
        FeedError: The folder has no services table.
    """
    if _file(folder, "service") is None:
        raise FeedError(
            f"{folder}: no services.csv (or service.csv) in this folder. A folder feed is the "
            "ORUK 1.0 CSV tables; give a JSON export as a file."
        )
    services = _rows(folder, "service")
    service_ids = _index(services)
    organizations = _index(_rows(folder, "organization"))
    locations = _index(_rows(folder, "location"))
    taxonomies = _index(_rows(folder, "taxonomy"))
    addresses = _by(_rows(folder, "physical_address"), "location_id")
    access = _by(_rows(folder, "accessibility_for_disabilities"), "location_id")
    phones = _by(_rows(folder, "phone"), "contact_id")
    children: dict[str, dict[str, list[Row]]] = {}
    for table in (
        "contact",
        "eligibility",
        "cost_option",
        "regular_schedule",
        "service_area",
        "service_at_location",
        "service_taxonomy",
        "funding",
        "language",
    ):
        rows = _rows(folder, table)
        _orphans(sink, table, rows, "service_id", service_ids, "service")
        children[table] = _by(rows, "service_id")
    sal_rows = [r for rs in children["service_at_location"].values() for r in rs]
    _orphans(sink, "service_at_location", sal_rows, "location_id", locations, "location")
    st_rows = [r for rs in children["service_taxonomy"].values() for r in rs]
    _orphans(sink, "service_taxonomy", st_rows, "taxonomy_id", taxonomies, "taxonomy")
    _orphans(sink, "service", services, "organization_id", organizations, "organization")
    for service in services:
        sid = str(service.get("id", ""))
        nested: Row = dict(service)
        if (org := organizations.get(str(service.get("organization_id")))) is not None:
            nested["organization"] = org
        nested["contacts"] = [
            {**c, "phones": phones.get(str(c.get("id")), [])}
            for c in children["contact"].get(sid, [])
        ]
        for table, key in (
            ("eligibility", "eligibilitys"),
            ("cost_option", "cost_options"),
            ("regular_schedule", "regular_schedules"),
            ("service_area", "service_areas"),
            ("funding", "fundings"),
        ):
            nested[key] = children[table].get(sid, [])
        nested["service_taxonomys"] = [
            {**st, "taxonomy": taxonomies[str(st["taxonomy_id"])]}
            for st in children["service_taxonomy"].get(sid, [])
            if str(st.get("taxonomy_id")) in taxonomies
        ]
        nested["service_at_locations"] = [
            {**sal, "location": _location(locations[str(sal["location_id"])], addresses, access)}
            for sal in children["service_at_location"].get(sid, [])
            if str(sal.get("location_id")) in locations
        ]
        yield {k: v for k, v in nested.items() if v != []}


def _location(row: Row, addresses: dict[str, list[Row]], access: dict[str, list[Row]]) -> Row:
    found = dict(row)
    lid = str(row.get("id"))
    if lid in addresses:
        found["physical_addresses"] = addresses[lid]
    if lid in access:
        found["accessibility_for_disabilities"] = access[lid]
    return found
