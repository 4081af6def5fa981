"""One directory record in the checker's neutral form, whatever the feed's version."""

from __future__ import annotations

import enum
from datetime import date

import attrs

__all__ = ["FeedProblem", "Location", "Service", "Severity", "Term"]


class Severity(enum.StrEnum):
    """How bad a feed problem is: an error breaks the standard, a warning is poor practice."""

    ERROR = "error"
    WARNING = "warning"


@attrs.frozen
class FeedProblem:
    """One thing wrong with one record, named by the record's type, id and field.

    Attributes:
        severity: Error or warning.
        object_type: The Open Referral object (``service``, ``location``, ...).
        object_id: The record's id, or ``"(no id)"``.
        field: The field at fault, as ``service_at_locations[0].location_id``.
        message: What is wrong and how to fix it.
        service_id: The service the record belongs to, when it is not the service itself.
    """

    severity: Severity
    object_type: str
    object_id: str
    field: str
    message: str
    service_id: str | None = None

    def __str__(self) -> str:
        owner = f" (in service {self.service_id})" if self.service_id else ""
        return f"{self.object_type} {self.object_id}{owner}, {self.field}: {self.message}"


@attrs.frozen(slots=True)
class Term:
    """A taxonomy term a service is tagged with."""

    id: str
    name: str
    uri: str = ""


@attrs.frozen(slots=True)
class Location:
    """Where a service is delivered.

    Attributes:
        id: The location's id.
        kind: ``physical``, ``postal`` or ``virtual`` (``None`` when not given).
        postcode: The postcode of its first address, if any.
        has_address: It has an address with a first line or city and a postcode.
        latitude: Its latitude, if given.
        longitude: Its longitude, if given.
        accessibility: It carries some accessibility information.
    """

    id: str
    kind: str | None
    postcode: str | None = None
    has_address: bool = False
    latitude: float | None = None
    longitude: float | None = None
    accessibility: bool = False


@attrs.frozen(slots=True)
class Service:
    """A service record, read from any supported feed version.

    Attributes:
        id: The service id.
        name: Its name.
        description: Its description ("" when absent).
        status: ``active``, ``inactive``, ``defunct`` or ``temporarily closed`` (or absent).
        organization_id: The provider organisation's id.
        organization_name: The provider's name.
        url: Its web page.
        email: Its email address.
        has_phone: A phone number is given (ORUK 1.0 only).
        minimum_age: The youngest age served.
        maximum_age: The oldest age served.
        eligibility: Free text on who it is for (ORUK 1.0 only).
        updated: The later of its last-modified and assured dates.
        terms: The taxonomy terms it is tagged with.
        has_cost: It gives cost options or fees.
        expired: The ``valid_to`` dates of its cost options and schedules.
        locations: Where it is delivered.
        service_areas: The names of its service areas.
    """

    id: str
    name: str
    description: str = ""
    status: str | None = None
    organization_id: str | None = None
    organization_name: str | None = None
    url: str | None = None
    email: str | None = None
    has_phone: bool = False
    minimum_age: int | None = None
    maximum_age: int | None = None
    eligibility: str | None = None
    updated: date | None = None
    terms: tuple[Term, ...] = ()
    has_cost: bool = False
    expired: tuple[date, ...] = ()
    locations: tuple[Location, ...] = ()
    service_areas: tuple[str, ...] = ()

    @property
    def active(self) -> bool:
        """Whether the record says the service is running (no status counts as active)."""
        return self.status in (None, "active")
