"""The lifecycle checks and the manifest's dates, judged against the as-of date."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sendflow.localoffer.manifest import reg54_consultees
from tests.localoffer.builders import check, feed3, service3


def _manifest(tmp_path: Path, documents: str, consultees: list[str] | None = None) -> Path:
    text = "documents:\n" + documents
    if consultees is not None:
        text += f"review:\n  consultees: [{', '.join(consultees)}]\n"
    path = tmp_path / "manifest.yaml"
    path.write_text(text, encoding="utf-8")
    return path


REG56 = (
    "  reg56_publication: {url: 'https://x/y', date: 2025-09-30, anonymised: true,\n"
    "                      exclusions_logged: true}\n"
)


def test_reg56_is_met_up_to_the_day_before_the_anniversary(tmp_path: Path) -> None:
    """Published 30 September 2025: fine on 29 September 2026, a day overdue on 30 September."""
    feed = feed3(tmp_path, [service3("s1")])
    manifest = _manifest(tmp_path, REG56)
    on_time = check(feed, manifest, as_of=date(2026, 9, 29)).check("reg56")
    assert (on_time.status.value, "due again by Tue 29 Sep 2026" in on_time.summary) == (
        "pass",
        True,
    )
    late = check(feed, manifest, as_of=date(2026, 9, 30)).check("reg56")
    assert late.status.value == "fail"
    assert "(1 day late)" in late.summary


def test_reg56_dated_after_the_as_of_date_is_a_failure(tmp_path: Path) -> None:
    """A publication dated in the future of the check is refused as a mistake."""
    feed = feed3(tmp_path, [service3("s1")])
    result = check(feed, _manifest(tmp_path, REG56), as_of=date(2025, 9, 1)).check("reg56")
    assert result.status.value == "fail"
    assert "after the as-of date" in result.summary


def test_reg56_without_attestations_warns(tmp_path: Path) -> None:
    """A publication not attested as anonymised, with exclusions logged, is a warning."""
    feed = feed3(tmp_path, [service3("s1")])
    manifest = _manifest(tmp_path, "  reg56_publication: {url: 'https://x', date: 2026-01-10}\n")
    result = check(feed, manifest).check("reg56")
    assert result.status.value == "warn"
    assert "anonymised, exclusions_logged" in result.summary


def test_reg57_and_reg54_fail_when_missing(tmp_path: Path) -> None:
    """No reg 57 page fails R2; a consultee category not consulted fails R3 and is named."""
    feed = feed3(tmp_path, [service3("s1")])
    consulted = [c for c in reg54_consultees() if c != "youth-offending-teams"]
    report = check(feed, _manifest(tmp_path, REG56, consulted))
    assert report.check("reg57").status.value == "fail"
    assert report.check("reg54").status.value == "fail"
    assert report.check("reg54").findings[0].text == "not consulted: youth offending teams"


def test_lifecycle_checks_pass_with_a_full_manifest(tmp_path: Path, manifest_full: Path) -> None:
    """R1 to R3 pass when the manifest gives everything and it is recent."""
    report = check(feed3(tmp_path, [service3("s1")]), manifest_full)
    assert [report.check(k).status.value for k in ("reg56", "reg57", "reg54")] == ["pass"] * 3


def test_lifecycle_checks_are_skipped_without_a_manifest(tmp_path: Path) -> None:
    """Without a manifest R1 to R3 say they were not run, and policy topics are missing."""
    report = check(feed3(tmp_path, [service3("s1")]))
    assert report.check("reg56").status.value == "skipped"
    assert report.topic("funding_policy").note == "no manifest given"


def test_a_policy_document_dated_after_the_as_of_date_does_not_cover_its_topic(
    tmp_path: Path, manifest_full: Path
) -> None:
    """The funding policy dated 2 February 2026 covers its topic from that day, not before."""
    feed = feed3(tmp_path, [service3("s1")])
    before = check(feed, manifest_full, as_of=date(2026, 2, 1)).topic("funding_policy")
    assert before.coverage.value == "missing"
    assert "after the as-of date" in (before.note or "")
    on_day = check(feed, manifest_full, as_of=date(2026, 2, 2)).topic("funding_policy")
    assert on_day.coverage.value == "covered"
