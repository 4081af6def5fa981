"""Each of the ten feed checks, with feeds built here that pass it and fail it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sendflow.localoffer import Report, packaged_topics
from sendflow.localoffer.topics import Group
from tests.localoffer.builders import check, feed3, service3

# One service per named service and topic, each tagged with the term the topics file maps.
FULL_TERMS = {
    "mainstream": ("Mainstream school",),
    "special": ("Special school",),
    "ap": ("Alternative provision",),
    "ehc": ("EHC needs assessment",),
    "health": ("Health",),
    "breaks": ("Breaks and respite",),
    "travel": ("Transport",),
    "early": ("Early years support",),
    "iass": ("Groups for parents and carers of children with SEND",),
}


def _status(report: Report, key: str) -> str:
    return report.check(key).status.value


def _write(tmp_path: Path, services: list[dict[str, Any]], **top: Any) -> Path:
    return feed3(tmp_path, services, **top)


def test_conformance_passes_a_clean_feed_and_fails_a_broken_one(tmp_path: Path) -> None:
    """Check 1: a clean 3.0 feed passes; a bad status enum fails it with the service named."""
    assert _status(check(_write(tmp_path, [service3("s1")])), "conformance") == "pass"
    report = check(_write(tmp_path, [service3("s1", status="open")]))
    assert _status(report, "conformance") == "fail"
    assert "service s1, status" in (report.check("conformance").fix or "")


def test_topic_coverage_counts_mapped_keyword_and_missing_topics(tmp_path: Path) -> None:
    """Check 2: a mapped term covers a topic, a keyword 'only by keyword'; else it is missing."""
    services = [
        service3("s1", "Speech therapy", terms=("Health",)),
        service3("s2", "Saturday swimming club for disabled children"),
    ]
    report = check(_write(tmp_path, services))
    assert report.topic("health_provision").coverage.value == "covered"
    assert report.topic("health_provision").ids == ("s1",)
    assert report.topic("leisure").coverage.value == "keyword only"
    assert report.topic("travel").coverage.value == "missing"
    assert _status(report, "topic-coverage") == "fail"
    texts = [f.text for f in report.check("topic-coverage").findings]
    travel = "Travel to and from schools, post-16 institutions and early years settings"
    assert f"missing: {travel} (CFA 2014 s.30(2)(d))" in texts
    assert "more topics" in (report.check("topic-coverage").fix or "")


def test_topic_coverage_passes_when_every_topic_is_mapped(
    tmp_path: Path, manifest_full: Path
) -> None:
    """Check 2 passes when each feed topic has a mapped service and each document is given."""
    topics = [i for i in packaged_topics().group(Group.TOPIC) if i.document is None]
    services = [
        service3(f"s{n}", item.title, terms=(f"T-{item.slug}",)) for n, item in enumerate(topics)
    ]
    mapping = {f"t-{item.slug}": (item.slug,) for item in topics}
    report = check(_write(tmp_path, services), manifest_full, taxonomy_map=mapping)
    assert _status(report, "topic-coverage") == "pass"
    assert report.score == 100.0


def test_provider_types_flag_kinds_with_no_entries(tmp_path: Path) -> None:
    """Check 3: each kind of provider with no service is listed; none at all fails."""
    report = check(_write(tmp_path, [service3("s1", "Oakfield Academy SEN support")]))
    assert _status(report, "provider-types") == "warn"
    assert "Pupil referral units" in (report.check("provider-types").fix or "")
    report = check(_write(tmp_path, [service3("s1", "A helpline")]))
    assert _status(report, "provider-types") == "fail"


def test_out_of_area_needs_provision_outside_the_districts(
    tmp_path: Path, manifest_full: Path
) -> None:
    """Check 4: a postcode outside the area passes; none, with special schools listed, fails."""
    inside = service3("s1", "Riverside special school")
    outside = service3("s2", "Hillcrest college")
    outside["service_at_locations"][0]["location"]["addresses"][0]["postal_code"] = "HX4 9QP"
    report = check(_write(tmp_path, [inside, outside]), manifest_full)
    assert _status(report, "out-of-area") == "pass"
    assert report.check("out-of-area").findings[0].ids == ("s2",)
    report = check(_write(tmp_path, [inside]), manifest_full)
    assert _status(report, "out-of-area") == "fail"


def test_out_of_area_is_skipped_without_districts(tmp_path: Path) -> None:
    """Check 4 cannot run without the area's postcode districts, and says so."""
    report = check(_write(tmp_path, [service3("s1")]))
    assert _status(report, "out-of-area") == "skipped"
    assert "postcode_districts" in report.check("out-of-area").summary


def test_age_coverage_reports_the_gaps_in_0_to_25(tmp_path: Path) -> None:
    """Check 5: services for 0-18 leave 19-25 uncovered; one for 16-25 closes the gap."""
    young = service3("s1", minimum_age=0, maximum_age=18)
    report = check(_write(tmp_path, [young, service3("s2", minimum_age=..., maximum_age=...)]))
    assert _status(report, "age-coverage") == "fail"
    assert "19-25" in report.check("age-coverage").summary
    assert report.check("age-coverage").findings[1].ids == ("s2",)
    report = check(_write(tmp_path, [young, service3("s3", minimum_age=16, maximum_age=25)]))
    assert _status(report, "age-coverage") == "pass"


def test_who_and_how_needs_a_contact_route(tmp_path: Path) -> None:
    """Check 6: a service with no web page, email or phone fails; a short description warns."""
    report = check(_write(tmp_path, [service3("s1", url=..., email=...)]))
    assert _status(report, "who-and-how") == "fail"
    assert report.check("who-and-how").findings[2].ids == ("s1",)
    report = check(_write(tmp_path, [service3("s1", description="Short.")]))
    assert _status(report, "who-and-how") == "warn"
    assert _status(check(_write(tmp_path, [service3("s1")])), "who-and-how") == "pass"


def test_freshness_uses_the_as_of_date(tmp_path: Path) -> None:
    """Check 7: a service last modified over a year before the as-of date is stale."""
    old = service3("s1", last_modified="2025-06-29T23:00:00Z")
    edge = service3("s2", last_modified="2025-06-30T08:00:00Z")
    report = check(_write(tmp_path, [old, edge, service3("s3"), service3("s4")]))
    assert report.check("freshness").findings[0].ids == ("s1",)
    assert _status(report, "freshness") == "warn"
    report = check(_write(tmp_path, [old, service3("s5", last_modified=...)]))
    assert _status(report, "freshness") == "fail"
    assert _status(check(_write(tmp_path, [service3("s3")])), "freshness") == "pass"


def test_freshness_counts_inactive_services_and_expired_costs(tmp_path: Path) -> None:
    """Check 7: a defunct service still listed, and an expired cost option, are reported."""
    expired = service3("s2", cost_options=[{"id": "c1", "valid_to": "2026-01-31", "amount": 5}])
    report = check(_write(tmp_path, [service3("s1", status="defunct"), expired]))
    findings = report.check("freshness").findings
    assert findings[2].ids == ("s1",)
    assert "defunct: 1" in findings[2].text
    assert findings[3].ids == ("s2",)


def test_cost_flags_short_breaks_without_a_cost(tmp_path: Path) -> None:
    """Check 8: short breaks with no cost option warn; with one (or free) they pass."""
    report = check(_write(tmp_path, [service3("s1", "Short breaks club")]))
    assert _status(report, "cost") == "warn"
    costed = service3("s1", "Short breaks club", cost_options=[{"id": "c1", "amount": 10}])
    assert _status(check(_write(tmp_path, [costed])), "cost") == "pass"
    free = service3("s1", "Short breaks club, free of charge")
    assert _status(check(_write(tmp_path, [free])), "cost") == "pass"


def test_venues_need_accessibility_and_a_proper_address(tmp_path: Path) -> None:
    """Check 9: no venue with accessibility fails; a bad postcode or far coordinates warn."""
    bare = service3("s1")
    del bare["service_at_locations"][0]["location"]["accessibility"]
    report = check(_write(tmp_path, [bare]))
    assert _status(report, "venues") == "fail"
    odd = service3("s2")
    odd["service_at_locations"][0]["location"].update(latitude=48.85, longitude=2.35)
    odd["service_at_locations"][0]["location"]["addresses"][0]["postal_code"] = "75001"
    report = check(_write(tmp_path, [odd]))
    assert _status(report, "venues") == "warn"
    texts = {f.text: f.ids for f in report.check("venues").findings}
    assert texts["postcode not in UK format"] == ("s2/s2-loc",)
    assert texts["coordinates outside England"] == ("s2/s2-loc",)


def test_named_services_must_each_have_a_record(tmp_path: Path) -> None:
    """Check 10: a missing SENDIASS fails; all present but the optional health officer warns."""
    report = check(_write(tmp_path, [service3("s1", "Parent carer forum")]))
    assert _status(report, "named-services") == "fail"
    assert "SEND information, advice and support service" in (
        report.check("named-services").fix or ""
    )
    named = [
        service3(f"s{n}", item.title, terms=(f"N-{item.slug}",))
        for n, item in enumerate(packaged_topics().group(Group.NAMED_SERVICE))
        if item.required
    ]
    mapping = {f"n-{i.slug}": (i.slug,) for i in packaged_topics().group(Group.NAMED_SERVICE)}
    report = check(_write(tmp_path, named), taxonomy_map=mapping)
    assert _status(report, "named-services") == "warn"
    assert report.check("named-services").findings[0].ids == ("s0",)
