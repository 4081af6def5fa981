"""The ten checks of a directory feed, accumulated one service at a time.

Each accumulator keeps counts and the first few record ids, never the services, so a
feed of any size is checked in the same memory.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date

from sendflow.localoffer.model import Service
from sendflow.localoffer.results import IDS_KEPT
from sendflow.localoffer.taxonomy import Classes
from sendflow.localoffer.topics import Catalogue, Group

__all__ = ["Ids", "ServiceChecks", "year_before"]

POSTCODE = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}$")
ENGLAND = (49.8, 55.9, -6.5, 1.8)
"""A box around England: south, north, west and east bounds (degrees)."""
SHORT_DESCRIPTION = 100
COSTED_TOPICS = ("childcare", "leisure", "social_care_provision", "short_breaks")
SPECIAL = ("special_provision", "non_maintained_special", "section_41")


def year_before(day: date) -> date:
    """The same day a year earlier (28 February for 29 February)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


class Ids:
    """A count of records and the first :data:`IDS_KEPT` of their ids."""

    __slots__ = ("count", "ids")

    def __init__(self) -> None:
        self.count = 0
        self.ids: list[str] = []

    def add(self, record_id: str) -> None:
        """Count one more record."""
        self.count += 1
        if len(self.ids) < IDS_KEPT:
            self.ids.append(record_id)


def outward_code(postcode: str) -> str:
    """The outward code of a UK postcode (``FB1`` of ``FB1 2AB``)."""
    compact = postcode.upper().replace(" ", "")
    return compact[:-3] if len(compact) > 3 else compact


def in_districts(postcode: str, districts: tuple[str, ...]) -> bool:
    """Whether a postcode's outward code is one of ``districts``, or in an area they name."""
    outward = outward_code(postcode)
    for district in districts:
        if outward == district:
            return True
        if (
            district.isalpha()
            and outward.startswith(district)
            and outward[len(district) :][:1].isdigit()
        ):
            return True
    return False


class ServiceChecks:
    """Everything the feed checks count, fed one service at a time."""

    def __init__(self, catalogue: Catalogue, as_of: date, districts: tuple[str, ...]) -> None:
        self.as_of = as_of
        self.stale_before = year_before(as_of)
        self.districts = districts
        self.services = 0
        self.active = 0
        self.by_slug = {slug: Ids() for slug in catalogue.items}
        self.keyword_only = {slug: Ids() for slug in catalogue.items}
        self.organisations: dict[str, set[str]] = {
            item.slug: set() for item in catalogue.group(Group.PROVIDER_TYPE)
        }
        self.out_of_area = Ids()
        self.located = 0
        self.ages = [False] * 26
        self.no_age = Ids()
        self.short_description = Ids()
        self.no_eligibility = Ids()
        self.no_access = Ids()
        self.stale = Ids()
        self.undated = Ids()
        self.inactive = Counter[str]()
        self.inactive_ids = Ids()
        self.expired = Ids()
        self.costed = 0
        self.no_cost = Ids()
        self.venues = 0
        self.bad_postcode = Ids()
        self.no_address = Ids()
        self.no_coordinates = Ids()
        self.outside_england = Ids()
        self.no_accessibility = Ids()

    def add(self, service: Service, classes: Classes) -> None:
        """Count one service, classified."""
        self.services += 1
        sid = service.id
        if not service.active:
            self.inactive[service.status or ""] += 1
            self.inactive_ids.add(sid)
            return
        self.active += 1
        for slug in classes.all:
            self.by_slug[slug].add(sid)
            if slug in classes.keyword:
                self.keyword_only[slug].add(sid)
            if slug in self.organisations and service.organization_id:
                self.organisations[slug].add(service.organization_id)
        self._area(service, classes)
        self._ages(service)
        self._access(service)
        self._freshness(service)
        if service.has_cost or "free" in classes.all:
            self.costed += 1
        elif any(slug in classes.all for slug in COSTED_TOPICS):
            self.no_cost.add(sid)
        self._venues(service)

    def _area(self, service: Service, classes: Classes) -> None:
        postcodes = [loc.postcode for loc in service.locations if loc.postcode]
        if postcodes:
            self.located += 1
        if "out_of_area" in classes.all or (
            self.districts and any(not in_districts(p, self.districts) for p in postcodes)
        ):
            self.out_of_area.add(service.id)

    def _ages(self, service: Service) -> None:
        low, high = service.minimum_age, service.maximum_age
        if low is None and high is None:
            self.no_age.add(service.id)
            return
        for age in range(max(low or 0, 0), min(25 if high is None else high, 25) + 1):
            self.ages[age] = True

    def _access(self, service: Service) -> None:
        if len(service.description.strip()) < SHORT_DESCRIPTION:
            self.short_description.add(service.id)
        if not service.eligibility and service.minimum_age is None and service.maximum_age is None:
            self.no_eligibility.add(service.id)
        if not (service.url or service.email or service.has_phone):
            self.no_access.add(service.id)

    def _freshness(self, service: Service) -> None:
        if service.updated is None:
            self.undated.add(service.id)
        elif service.updated < self.stale_before:
            self.stale.add(service.id)
        if any(day < self.as_of for day in service.expired):
            self.expired.add(service.id)

    def _venues(self, service: Service) -> None:
        for location in service.locations:
            if location.kind not in (None, "physical"):
                continue
            self.venues += 1
            key = f"{service.id}/{location.id}"
            if location.postcode is not None and not POSTCODE.match(
                location.postcode.upper().strip()
            ):
                self.bad_postcode.add(key)
            if not location.has_address:
                self.no_address.add(key)
            if location.latitude is None or location.longitude is None:
                self.no_coordinates.add(key)
            else:
                south, north, west, east = ENGLAND
                if not (south <= location.latitude <= north and west <= location.longitude <= east):
                    self.outside_england.add(key)
            if not location.accessibility:
                self.no_accessibility.add(key)

    def age_gaps(self) -> list[tuple[int, int]]:
        """The ranges of ages 0 to 25 that no service with an age range covers."""
        gaps: list[tuple[int, int]] = []
        start = None
        for age, covered in enumerate([*self.ages, True]):
            if not covered and start is None:
                start = age
            elif covered and start is not None:
                gaps.append((start, age - 1))
                start = None
        return gaps
