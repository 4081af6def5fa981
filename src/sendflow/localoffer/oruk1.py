"""An ORUK 1.0 service, nested as 1.0 ``/services/{id}`` gives it (and the CSV tables build it)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sendflow.localoffer.fields import NO_ID, RecordReader
from sendflow.localoffer.model import Location, Service, Term
from sendflow.localoffer.oruk3 import STATUSES
from sendflow.localoffer.problems import ProblemSink

__all__ = ["V3_ONLY", "read_service_v1"]

V3_ONLY = {
    "attributes": "service_taxonomys",
    "schedules": "regular_schedules",
    "funding": "fundings",
    "last_modified": "assured_date",
}
"""ORUK 3.0 service fields that 1.0 does not have, with their 1.0 home."""


def read_service_v1(record: Mapping[str, Any], sink: ProblemSink) -> Service:  # noqa: PLR0915
    """Read one ORUK 1.0 service, reporting every problem to ``sink``."""
    r = RecordReader(sink, "service", record)
    sid = r.id
    for field, instead in V3_ONLY.items():
        if field in record:
            r.error(field, f"this is an ORUK 3.0 field in a 1.0 feed; in 1.0 use {instead}.")
    name = r.text("name", required=True) or ""
    status = r.choice("status", STATUSES)
    org_id, org_name = r.text("organization_id"), None
    organization = r.nested("organization")
    if organization is not None:
        org = RecordReader(sink, "organization", organization, "organization", sid)
        org_name = org.text("name", required=True)
        org.text("description", required=True)
        r.reference("organization_id", "organization", org.id)
        org_id = org_id or (None if org.id == NO_ID else org.id)
    if org_id is None:
        r.error("organization_id", "the required field is missing: name the provider organisation.")
    has_phone = False
    for i, contact in enumerate(r.items("contacts")):
        c = RecordReader(sink, "contact", contact, f"contacts[{i}]", sid)
        c.reference("service_id", "service", sid)
        for j, phone in enumerate(c.items("phones")):
            p = RecordReader(sink, "phone", phone, f"contacts[{i}].phones[{j}]", sid)
            p.reference("contact_id", "contact", c.id)
            has_phone = p.text("number", required=True) is not None or has_phone
    minimum: list[int] = []
    maximum: list[int] = []
    texts: list[str] = []
    for i, row in enumerate(r.items("eligibilitys")):
        e = RecordReader(sink, "eligibility", row, f"eligibilitys[{i}]", sid)
        e.reference("service_id", "service", sid)
        low, high = e.integer("minimum_age"), e.integer("maximum_age")
        for value, field, bucket in ((low, "minimum_age", minimum), (high, "maximum_age", maximum)):
            if value is None:
                e.error(field, "the required field is missing: an eligibility row gives both ages.")
            else:
                bucket.append(value)
        if (text := e.text("eligibility")) is not None:
            texts.append(text)
    terms = []
    for i, link in enumerate(r.items("service_taxonomys")):
        st = RecordReader(sink, "service_taxonomy", link, f"service_taxonomys[{i}]", sid)
        st.reference("service_id", "service", sid)
        taxonomy = st.nested("taxonomy")
        if taxonomy is None:
            term_id = st.text("taxonomy_id", required=True)
            if term_id is not None:
                terms.append(Term(term_id, ""))
            continue
        t = RecordReader(sink, "taxonomy", taxonomy, f"service_taxonomys[{i}].taxonomy", sid)
        st.reference("taxonomy_id", "taxonomy", t.id)
        terms.append(Term(t.id, t.text("name", required=True) or "", t.text("vocabulary") or ""))
    expired: list[date] = []
    for table, object_type in (
        ("regular_schedules", "regular_schedule"),
        ("cost_options", "cost_option"),
    ):
        for i, row in enumerate(r.items(table)):
            x = RecordReader(sink, object_type, row, f"{table}[{i}]", sid)
            x.reference("service_id", "service", sid)
            if (valid_to := x.day("valid_to")) is not None:
                expired.append(valid_to)
    areas = []
    for i, area in enumerate(r.items("service_areas")):
        a = RecordReader(sink, "service_area", area, f"service_areas[{i}]", sid)
        a.reference("service_id", "service", sid)
        if (area_name := a.text("service_area")) is not None:
            areas.append(area_name)
    locations = [
        location
        for i, sal in enumerate(r.items("service_at_locations"))
        if (location := _service_at_location(sink, sal, i, sid)) is not None
    ]
    return Service(
        id=sid,
        name=name,
        description=r.text("description") or "",
        status=status,
        organization_id=org_id,
        organization_name=org_name,
        url=r.text("url"),
        email=r.text("email"),
        has_phone=has_phone,
        minimum_age=min(minimum) if minimum else None,
        maximum_age=max(maximum) if maximum else None,
        eligibility=" ".join(texts) or None,
        updated=r.day("assured_date"),
        terms=tuple(terms),
        has_cost=bool(r.items("cost_options")) or r.text("fees") is not None,
        expired=tuple(expired),
        locations=tuple(locations),
        service_areas=tuple(areas),
    )


def _service_at_location(
    sink: ProblemSink, record: Mapping[str, Any], index: int, sid: str
) -> Location | None:
    prefix = f"service_at_locations[{index}]"
    sal = RecordReader(sink, "service_at_location", record, prefix, sid)
    sal.reference("service_id", "service", sid)
    nested = sal.nested("location")
    if nested is None:
        sal.error("location", "the location this row names is missing.")
        return None
    loc = RecordReader(sink, "location", nested, f"{prefix}.location", sid)
    sal.reference("location_id", "location", loc.id)
    postcode, has_address = None, False
    for i, address in enumerate(loc.items("physical_addresses")):
        ad = RecordReader(
            sink, "physical_address", address, f"{prefix}.location.physical_addresses[{i}]", sid
        )
        ad.reference("location_id", "location", loc.id)
        first = ad.text("address_1")
        city = ad.text("city", required=True)
        ad.text("state_province", required=True)
        code = ad.text("postal_code", required=True)
        ad.text("country", required=True)
        if postcode is None and code is not None:
            postcode, has_address = code, bool(first or city)
    accessibility = False
    for i, entry in enumerate(loc.items("accessibility_for_disabilities")):
        acc = RecordReader(
            sink,
            "accessibility_for_disabilities",
            entry,
            f"{prefix}.location.accessibility_for_disabilities[{i}]",
            sid,
        )
        acc.reference("location_id", "location", loc.id)
        accessibility = accessibility or acc.text("accessibility") is not None
    kind = "physical" if postcode is not None else None
    return Location(
        loc.id,
        kind,
        postcode,
        has_address,
        loc.number("latitude"),
        loc.number("longitude"),
        accessibility,
    )
