"""The parts of a service that ORUK 1.0 and 3.0 nest alike, read once for both."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import attrs

from sendflow.localoffer.fields import NO_ID, RecordReader
from sendflow.localoffer.model import Location

__all__ = ["LocationShape", "organization", "read_location", "service_areas", "valid_to_dates"]

FREQUENCIES = ("WEEKLY", "MONTHLY")


def organization(service: RecordReader, *, identifiers: bool) -> tuple[str | None, str | None]:
    """The provider's id and name, from ``organization_id`` and the nested ``organization``."""
    org_id = service.text("organization_id")
    org = service.child("organization", "organization")
    if org is None:
        return org_id, None
    name = org.text("name", required=True)
    org.text("description", required=True)
    service.reference("organization_id", "organization", org.id)
    if identifiers:
        for ident in org.children(
            "organization_identifiers", "organization_identifier", back="organization_id"
        ):
            ident.text("identifier_type", required=True)
            ident.text("identifier", required=True)
    return org_id or (None if org.id == NO_ID else org.id), name


def valid_to_dates(service: RecordReader, lists: Iterable[tuple[str, str]]) -> list[date]:
    """The ``valid_to`` dates of the records of each (field, object type) in ``lists``.

    Schedules' ``freq`` and cost options' ``amount`` are checked on the way.
    """
    found = []
    for field, object_type in lists:
        for child in service.children(field, object_type, back="service_id"):
            if object_type == "cost_option":
                child.number("amount")
            else:
                child.choice("freq", FREQUENCIES)
            if (day := child.day("valid_to")) is not None:
                found.append(day)
    return found


def service_areas(service: RecordReader, name_fields: tuple[str, ...]) -> list[str]:
    """The names of the service's areas, from the first of ``name_fields`` each gives."""
    names = []
    for area in service.children("service_areas", "service_area", back="service_id"):
        for field in name_fields:
            if (name := area.text(field)) is not None:
                names.append(name)
                break
    return names


@attrs.frozen
class LocationShape:
    """Where one version keeps a location's addresses and accessibility."""

    addresses: str
    address_type: str
    address_required: tuple[str, ...]
    accessibility: str
    accessibility_text: tuple[str, ...]


def read_location(
    service: RecordReader, shape: LocationShape, kinds: tuple[str, ...] | None
) -> list[Location]:
    """Each location the service's ``service_at_locations`` lead to.

    Args:
        service: The service's reader.
        shape: The version's field names.
        kinds: The allowed ``location_type`` values (3.0), or ``None`` when the version has
            no such field (1.0, where a location with an address is physical).
    """
    found = []
    for sal in service.children("service_at_locations", "service_at_location", back="service_id"):
        loc = sal.child("location", "location")
        if loc is None:
            sal.error("location", "the location this record names is missing.")
            continue
        sal.reference("location_id", "location", loc.id)
        kind = loc.choice("location_type", kinds, required=True) if kinds else None
        postcode, has_address = None, False
        for address in loc.children(shape.addresses, shape.address_type, back="location_id"):
            values = {
                f: address.text(f, required=f in shape.address_required)
                for f in ("address_1", "city", "state_province", "postal_code", "country")
            }
            if kinds:
                address.choice("address_type", kinds, required=True)
            if postcode is None and values["postal_code"] is not None:
                postcode = values["postal_code"]
                has_address = bool(values["address_1"] or values["city"])
        accessible = False
        for entry in loc.children(shape.accessibility, shape.accessibility, back="location_id"):
            accessible = any(entry.text(f) for f in shape.accessibility_text) or accessible
        if kinds is None and postcode is not None:
            kind = "physical"
        found.append(
            Location(
                loc.id,
                kind,
                postcode,
                has_address,
                loc.number("latitude"),
                loc.number("longitude"),
                accessible,
            )
        )
    return found
