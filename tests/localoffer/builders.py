"""Small ORUK feeds built in tests: 3.0 services, 1.0 services and the 1.0 CSV tables."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path
from typing import Any

from sendflow.localoffer import Report, check_feed, load_manifest

AS_OF = date(2026, 6, 30)
LONG = (
    "A service for children and young people with special educational needs or a disability "
    "and their families, with trained staff and clear information on how to take part."
)


def service3(
    sid: str, name: str = "A service", *, terms: tuple[str, ...] = (), **fields: Any
) -> dict[str, Any]:
    """An ORUK 3.0 service that passes every check, with ``fields`` replaced."""
    record: dict[str, Any] = {
        "id": sid,
        "name": name,
        "description": LONG,
        "status": "active",
        "organization_id": "org-1",
        "url": f"https://example.org/{sid}",
        "minimum_age": 0,
        "maximum_age": 25,
        "last_modified": "2026-05-01T10:00:00Z",
        "organization": {
            "id": "org-1",
            "name": "Fernbridge Council",
            "description": "The council.",
        },
        "attributes": [
            {
                "id": f"{sid}-a{i}",
                "link_id": sid,
                "taxonomy_term_id": term,
                "taxonomy_term": {"id": term, "name": term, "description": term},
            }
            for i, term in enumerate(terms)
        ],
        "service_at_locations": [
            {
                "id": f"{sid}-sal",
                "service_id": sid,
                "location_id": f"{sid}-loc",
                "location": {
                    "id": f"{sid}-loc",
                    "location_type": "physical",
                    "latitude": 52.2,
                    "longitude": -1.5,
                    "addresses": [
                        {
                            "id": f"{sid}-ad",
                            "address_1": "1 Mill Lane",
                            "city": "Fernbridge",
                            "state_province": "Fernshire",
                            "postal_code": "FB1 2AB",
                            "country": "GB",
                            "address_type": "physical",
                        }
                    ],
                    "accessibility": [{"id": f"{sid}-acc", "description": "Step-free."}],
                },
            },
        ],
    }
    record.update(fields)
    return {k: v for k, v in record.items() if v is not ...}


def write_json(folder: Path, document: Any, name: str = "feed.json") -> Path:
    """Write ``document`` as a JSON file in ``folder``."""
    path = folder / name
    path.write_text(json.dumps(document, indent=1), encoding="utf-8")
    return path


def feed3(folder: Path, services: list[dict[str, Any]], **top: Any) -> Path:
    """An ORUK 3.0 export of ``services``."""
    return write_json(folder, {"version": "HSDS-UK-3.0", **top, "services": services})


def check(path: Path, manifest: Path | None = None, **options: Any) -> Report:
    """Check the feed at ``path`` as of :data:`AS_OF`."""
    loaded = load_manifest(manifest) if manifest is not None else None
    return check_feed(path, as_of=options.pop("as_of", AS_OF), manifest=loaded, **options)


# ORUK 1.0: one directory as tables, and the same nested as JSON.
TABLES: dict[str, list[dict[str, Any]]] = {
    "organizations": [
        {"id": "o1", "name": "Fernbridge Council", "description": "The council."},
        {"id": "o2", "name": "Oakfield Academy Trust", "description": "A trust."},
    ],
    "services": [
        {
            "id": "s1",
            "organization_id": "o1",
            "name": "Fernbridge SENDIASS",
            "description": LONG,
            "url": "https://example.org/s1",
            "status": "active",
            "assured_date": "2026-03-01",
        },
        {
            "id": "s2",
            "organization_id": "o2",
            "name": "Oakfield Academy SEN support",
            "description": "Mainstream SEN support.",
            "status": "active",
            "assured_date": "2024-01-10",
        },
        {
            "id": "s3",
            "organization_id": "o1",
            "name": "Saturday short breaks club",
            "description": LONG,
            "email": "breaks@example.org",
            "status": "inactive",
        },
    ],
    "contacts": [{"id": "c1", "service_id": "s2", "name": "SENCO"}],
    "phones": [{"id": "p1", "contact_id": "c1", "number": "01234 567890"}],
    "eligibilitys": [
        {
            "id": "e1",
            "service_id": "s1",
            "eligibility": "Families of children with SEND",
            "minimum_age": "0",
            "maximum_age": "25",
        },
        {"id": "e2", "service_id": "s2", "minimum_age": "11", "maximum_age": "16"},
    ],
    "taxonomies": [
        {"id": "t1", "name": "SENDIASS", "vocabulary": "local"},
        {"id": "t2", "name": "Academy", "vocabulary": "local"},
    ],
    "service_taxonomys": [
        {"id": "st1", "service_id": "s1", "taxonomy_id": "t1"},
        {"id": "st2", "service_id": "s2", "taxonomy_id": "t2"},
    ],
    "locations": [{"id": "l1", "name": "Oakfield", "latitude": "52.1", "longitude": "-1.4"}],
    "physical_addresses": [
        {
            "id": "a1",
            "location_id": "l1",
            "address_1": "Oak Road",
            "city": "Fernbridge",
            "state_province": "Fernshire",
            "postal_code": "FB2 1CD",
            "country": "GB",
        },
    ],
    "service_at_locations": [{"id": "sl1", "service_id": "s2", "location_id": "l1"}],
    "accessibility_for_disabilities": [{"id": "ac1", "location_id": "l1", "accessibility": "Lift"}],
    "cost_options": [{"id": "co1", "service_id": "s3", "amount": "5", "valid_to": "2025-12-31"}],
}


def write_tables(folder: Path, tables: dict[str, list[dict[str, Any]]] = TABLES) -> Path:
    """Write the 1.0 tables as CSV files in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for table, rows in tables.items():
        names = sorted({key for row in rows for key in row})
        with (folder / f"{table}.csv").open("w", encoding="utf-8", newline="") as stream:
            writer = csv.DictWriter(stream, fieldnames=names)
            writer.writeheader()
            writer.writerows(rows)
    return folder


def nested_v1(tables: dict[str, list[dict[str, Any]]] = TABLES) -> list[dict[str, Any]]:
    """The same directory as nested ORUK 1.0 services (ages and numbers as JSON numbers)."""

    def rows(table: str, key: str, value: str) -> list[dict[str, Any]]:
        return [dict(r) for r in tables.get(table, []) if r.get(key) == value]

    def numbers(row: dict[str, Any]) -> dict[str, Any]:
        out = dict(row)
        for key in ("minimum_age", "maximum_age"):
            if key in out:
                out[key] = int(out[key])
        for key in ("latitude", "longitude", "amount"):
            if key in out:
                out[key] = float(out[key])
        return out

    orgs = {o["id"]: o for o in tables["organizations"]}
    taxonomies = {t["id"]: t for t in tables["taxonomies"]}
    locations = {loc["id"]: loc for loc in tables["locations"]}
    services = []
    for service in tables["services"]:
        sid = service["id"]
        nested: dict[str, Any] = {**service, "organization": orgs[service["organization_id"]]}
        nested["contacts"] = [
            {**c, "phones": rows("phones", "contact_id", c["id"])}
            for c in rows("contacts", "service_id", sid)
        ]
        nested["eligibilitys"] = [numbers(e) for e in rows("eligibilitys", "service_id", sid)]
        nested["cost_options"] = [numbers(c) for c in rows("cost_options", "service_id", sid)]
        nested["service_taxonomys"] = [
            {**st, "taxonomy": taxonomies[st["taxonomy_id"]]}
            for st in rows("service_taxonomys", "service_id", sid)
        ]
        nested["service_at_locations"] = [
            {
                **sal,
                "location": {
                    **numbers(locations[sal["location_id"]]),
                    "physical_addresses": rows(
                        "physical_addresses", "location_id", sal["location_id"]
                    ),
                    "accessibility_for_disabilities": rows(
                        "accessibility_for_disabilities", "location_id", sal["location_id"]
                    ),
                },
            }
            for sal in rows("service_at_locations", "service_id", sid)
        ]
        services.append({k: v for k, v in nested.items() if v != []})
    return services
