"""An ORUK 3.0 service (the UK profile of HSDS 3.0, nested as ``/services/{id}`` gives it)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sendflow.localoffer.fields import NO_ID, RecordReader
from sendflow.localoffer.model import Location, Service, Term
from sendflow.localoffer.problems import ProblemSink

__all__ = ["ADDRESS_TYPES", "LOCATION_TYPES", "STATUSES", "V1_ONLY", "read_service_v3"]

STATUSES = ("active", "inactive", "defunct", "temporarily closed")
LOCATION_TYPES = ("physical", "postal", "virtual")
ADDRESS_TYPES = LOCATION_TYPES
FREQUENCIES = ("WEEKLY", "MONTHLY")

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
    sid = r.id
    for field, instead in V1_ONLY.items():
        if field in record:
            hint = f"; in 3.0 use {instead}" if instead else "; 3.0 has no such field"
            r.error(field, f"this is an ORUK 1.0 field in a 3.0 feed{hint}.")
    name = r.text("name", required=True) or ""
    status = r.choice("status", STATUSES, required=True)
    org_id = r.text("organization_id")
    if org_id is None:
        r.warning("organization_id", "missing: ORUK's compliance rules require it for services.")
    org_name = None
    organization = r.nested("organization")
    if organization is not None:
        org = RecordReader(sink, "organization", organization, "organization", sid)
        org_name = org.text("name", required=True)
        org.text("description", required=True)
        r.reference("organization_id", "organization", org.id)
        org_id = org_id or (None if org.id == NO_ID else org.id)
        for i, ident in enumerate(org.items("organization_identifiers")):
            idr = RecordReader(
                sink,
                "organization_identifier",
                ident,
                f"organization.organization_identifiers[{i}]",
                sid,
            )
            idr.text("identifier_type", required=True)
            idr.text("identifier", required=True)
            idr.reference("organization_id", "organization", org.id)
    terms = []
    for i, attribute in enumerate(r.items("attributes")):
        term = _attribute(sink, attribute, i, sid)
        if term is not None:
            terms.append(term)
    expired: list[date] = []
    for i, schedule in enumerate(r.items("schedules")):
        s = RecordReader(sink, "schedule", schedule, f"schedules[{i}]", sid)
        s.choice("freq", FREQUENCIES)
        s.reference("service_id", "service", sid)
        if (valid_to := s.day("valid_to")) is not None:
            expired.append(valid_to)
    cost_options = r.items("cost_options")
    for i, option in enumerate(cost_options):
        c = RecordReader(sink, "cost_option", option, f"cost_options[{i}]", sid)
        c.reference("service_id", "service", sid)
        c.number("amount")
        if (valid_to := c.day("valid_to")) is not None:
            expired.append(valid_to)
    areas = []
    for i, area in enumerate(r.items("service_areas")):
        a = RecordReader(sink, "service_area", area, f"service_areas[{i}]", sid)
        a.reference("service_id", "service", sid)
        if (area_name := a.text("name") or a.text("service_area")) is not None:
            areas.append(area_name)
    for i, contact in enumerate(r.items("contacts")):
        RecordReader(sink, "contact", contact, f"contacts[{i}]", sid).reference(
            "service_id", "service", sid
        )
    locations = [
        location
        for i, sal in enumerate(r.items("service_at_locations"))
        if (location := _service_at_location(sink, sal, i, sid)) is not None
    ]
    last_modified, assured = r.day("last_modified"), r.day("assured_date")
    dates = [d for d in (last_modified, assured) if d is not None]
    return Service(
        id=sid,
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
        has_cost=bool(cost_options) or r.text("fees") is not None,
        expired=tuple(expired),
        locations=tuple(locations),
        service_areas=tuple(areas),
    )


def _attribute(
    sink: ProblemSink, attribute: Mapping[str, Any], index: int, sid: str
) -> Term | None:
    a = RecordReader(sink, "attribute", attribute, f"attributes[{index}]", sid)
    a.reference("link_id", "service", sid)
    nested = a.nested("taxonomy_term")
    if nested is None:
        term_id = a.text("taxonomy_term_id")
        if term_id is None:
            a.error("taxonomy_term", "an attribute needs a taxonomy_term or taxonomy_term_id.")
            return None
        return Term(term_id, "")
    t = RecordReader(sink, "taxonomy_term", nested, f"attributes[{index}].taxonomy_term", sid)
    name = t.text("name", required=True) or ""
    t.text("description", required=True)
    a.reference("taxonomy_term_id", "taxonomy_term", t.id)
    return Term(t.id, name, t.text("term_uri") or "")


def _service_at_location(
    sink: ProblemSink, record: Mapping[str, Any], index: int, sid: str
) -> Location | None:
    prefix = f"service_at_locations[{index}]"
    sal = RecordReader(sink, "service_at_location", record, prefix, sid)
    sal.reference("service_id", "service", sid)
    nested = sal.nested("location")
    if nested is None:
        return None
    loc = RecordReader(sink, "location", nested, f"{prefix}.location", sid)
    sal.reference("location_id", "location", loc.id)
    kind = loc.choice("location_type", LOCATION_TYPES, required=True)
    postcode, has_address = None, False
    for i, address in enumerate(loc.items("addresses")):
        ad = RecordReader(sink, "address", address, f"{prefix}.location.addresses[{i}]", sid)
        ad.reference("location_id", "location", loc.id)
        first = ad.text("address_1", required=True)
        city = ad.text("city", required=True)
        ad.text("state_province", required=True)
        code = ad.text("postal_code", required=True)
        ad.text("country", required=True)
        ad.choice("address_type", ADDRESS_TYPES, required=True)
        if postcode is None and code is not None:
            postcode, has_address = code, bool(first or city)
    accessibility = False
    for i, entry in enumerate(loc.items("accessibility")):
        acc = RecordReader(
            sink, "accessibility", entry, f"{prefix}.location.accessibility[{i}]", sid
        )
        acc.reference("location_id", "location", loc.id)
        accessibility = accessibility or bool(
            acc.text("description") or acc.text("details") or acc.text("url")
        )
    return Location(
        loc.id,
        kind,
        postcode,
        has_address,
        loc.number("latitude"),
        loc.number("longitude"),
        accessibility,
    )
