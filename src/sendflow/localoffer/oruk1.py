"""An ORUK 1.0 service, nested as 1.0 ``/services/{id}`` gives it (and the CSV tables build it)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sendflow.localoffer.fields import RecordReader
from sendflow.localoffer.model import Service, Term
from sendflow.localoffer.oruk3 import STATUSES
from sendflow.localoffer.problems import ProblemSink
from sendflow.localoffer.records import (
    LocationShape,
    organization,
    read_location,
    service_areas,
    valid_to_dates,
)

__all__ = ["V3_ONLY", "read_service_v1"]

V3_ONLY = {
    "attributes": "service_taxonomys",
    "schedules": "regular_schedules",
    "funding": "fundings",
    "last_modified": "assured_date",
}
"""ORUK 3.0 service fields that 1.0 does not have, with their 1.0 home."""

SHAPE = LocationShape(
    addresses="physical_addresses",
    address_type="physical_address",
    address_required=("city", "state_province", "postal_code", "country"),
    accessibility="accessibility_for_disabilities",
    accessibility_text=("accessibility",),
)


def read_service_v1(record: Mapping[str, Any], sink: ProblemSink) -> Service:
    """Read one ORUK 1.0 service, reporting every problem to ``sink``."""
    r = RecordReader(sink, "service", record)
    for field, instead in V3_ONLY.items():
        if field in record:
            r.error(field, f"this is an ORUK 3.0 field in a 1.0 feed; in 1.0 use {instead}.")
    name = r.text("name", required=True) or ""
    status = r.choice("status", STATUSES)
    org_id, org_name = organization(r, identifiers=False)
    if org_id is None:
        r.error("organization_id", "the required field is missing: name the provider organisation.")
    has_phone = False
    for contact in r.children("contacts", "contact", back="service_id"):
        for phone in contact.children("phones", "phone", back="contact_id"):
            has_phone = phone.text("number", required=True) is not None or has_phone
    low, high, texts = _eligibility(r)
    return Service(
        id=r.id,
        name=name,
        description=r.text("description") or "",
        status=status,
        organization_id=org_id,
        organization_name=org_name,
        url=r.text("url"),
        email=r.text("email"),
        has_phone=has_phone,
        minimum_age=low,
        maximum_age=high,
        eligibility=" ".join(texts) or None,
        updated=r.day("assured_date"),
        terms=tuple(_terms(r)),
        has_cost=bool(r.record.get("cost_options")) or r.text("fees") is not None,
        expired=tuple(
            valid_to_dates(
                r, (("regular_schedules", "regular_schedule"), ("cost_options", "cost_option"))
            )
        ),
        locations=tuple(read_location(r, SHAPE, None)),
        service_areas=tuple(service_areas(r, ("service_area",))),
    )


def _eligibility(service: RecordReader) -> tuple[int | None, int | None, list[str]]:
    """The youngest and oldest ages of the eligibility rows, and their texts."""
    lows: list[int] = []
    highs: list[int] = []
    texts: list[str] = []
    for row in service.children("eligibilitys", "eligibility", back="service_id"):
        for field, bucket in (("minimum_age", lows), ("maximum_age", highs)):
            value = row.integer(field)
            if value is None:
                row.error(
                    field, "the required field is missing: an eligibility row gives both ages."
                )
            else:
                bucket.append(value)
        if (text := row.text("eligibility")) is not None:
            texts.append(text)
    return (min(lows) if lows else None), (max(highs) if highs else None), texts


def _terms(service: RecordReader) -> list[Term]:
    terms = []
    for link in service.children("service_taxonomys", "service_taxonomy", back="service_id"):
        taxonomy = link.child("taxonomy", "taxonomy")
        if taxonomy is None:
            if (term_id := link.text("taxonomy_id", required=True)) is not None:
                terms.append(Term(term_id, ""))
            continue
        link.reference("taxonomy_id", "taxonomy", taxonomy.id)
        name = taxonomy.text("name", required=True) or ""
        terms.append(Term(taxonomy.id, name, taxonomy.text("vocabulary") or ""))
    return terms
