"""An ORUK 3.0 service (the UK profile of HSDS 3.0, nested as ``/services/{id}`` gives it)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sendflow.localoffer.fields import RecordReader
from sendflow.localoffer.model import Service, Term
from sendflow.localoffer.problems import ProblemSink
from sendflow.localoffer.records import (
    LocationShape,
    organization,
    read_location,
    service_areas,
    valid_to_dates,
)

__all__ = ["LOCATION_TYPES", "STATUSES", "V1_ONLY", "read_service_v3"]

STATUSES = ("active", "inactive", "defunct", "temporarily closed")
LOCATION_TYPES = ("physical", "postal", "virtual")
SHAPE = LocationShape(
    addresses="addresses",
    address_type="address",
    address_required=("address_1", "city", "state_province", "postal_code", "country"),
    accessibility="accessibility",
    accessibility_text=("description", "details", "url"),
)

V1_ONLY = {
    "service_taxonomys": "attributes (with taxonomy_term)",
    "regular_schedules": "schedules",
    "eligibilitys": "minimum_age and maximum_age",
    "holiday_schedules": None,
    "reviews": None,
    "fundings": "funding",
    "deliverable_type": None,
}
"""ORUK 1.0 service fields that ORUK 3.0 removed or renamed, with their 3.0 home."""


def read_service_v3(record: Mapping[str, Any], sink: ProblemSink) -> Service:
    """Read one ORUK 3.0 service, reporting every problem to ``sink``."""
    r = RecordReader(sink, "service", record)
    for field, instead in V1_ONLY.items():
        if field in record:
            hint = f"; in 3.0 use {instead}" if instead else "; 3.0 has no such field"
            r.error(field, f"this is an ORUK 1.0 field in a 3.0 feed{hint}.")
    name = r.text("name", required=True) or ""
    status = r.choice("status", STATUSES, required=True)
    if "organization_id" not in record:
        r.warning("organization_id", "missing: ORUK's compliance rules require it for services.")
    org_id, org_name = organization(r, identifiers=True)
    terms = [term for a in r.children("attributes", "attribute") if (term := _term(r, a))]
    list(r.children("contacts", "contact", back="service_id"))  # ids and references only
    last_modified, assured = r.day("last_modified"), r.day("assured_date")
    dates = [d for d in (last_modified, assured) if d is not None]
    return Service(
        id=r.id,
        name=name,
        description=r.text("description") or "",
        status=status,
        organization_id=org_id,
        organization_name=org_name,
        url=r.text("url"),
        email=r.text("email"),
        minimum_age=r.integer("minimum_age"),
        maximum_age=r.integer("maximum_age"),
        updated=max(dates) if dates else None,
        terms=tuple(terms),
        has_cost=bool(r.record.get("cost_options")) or r.text("fees") is not None,
        expired=tuple(
            valid_to_dates(r, (("schedules", "schedule"), ("cost_options", "cost_option")))
        ),
        locations=tuple(read_location(r, SHAPE, LOCATION_TYPES)),
        service_areas=tuple(service_areas(r, ("name", "service_area"))),
    )


def _term(service: RecordReader, attribute: RecordReader) -> Term | None:
    attribute.reference("link_id", "service", service.id)
    term = attribute.child("taxonomy_term", "taxonomy_term")
    if term is None:
        term_id = attribute.text("taxonomy_term_id")
        if term_id is None:
            attribute.error(
                "taxonomy_term", "an attribute needs a taxonomy_term or taxonomy_term_id."
            )
            return None
        return Term(term_id, "")
    name = term.text("name", required=True) or ""
    term.text("description", required=True)
    attribute.reference("taxonomy_term_id", "taxonomy_term", term.id)
    return Term(term.id, name, term.text("term_uri") or "")
