"""The lifecycle checks: what the manifest says of regs 56, 57 and 54, as of a day."""

from __future__ import annotations

from datetime import date, timedelta

from sendflow.definitions.model import Evidence
from sendflow.localoffer.manifest import Manifest, reg54_consultees
from sendflow.localoffer.results import CheckResult, Finding, Status
from sendflow.localoffer.words import day, plural

__all__ = ["lifecycle_checks"]


def _last_day(published: date) -> date:
    """The last day of the twelve months beginning with ``published``."""
    try:
        return published.replace(year=published.year + 1) - timedelta(days=1)
    except ValueError:
        return date(published.year + 1, 2, 28)


def lifecycle_checks(manifest: Manifest | None, as_of: date) -> list[CheckResult]:
    """R1 (reg 56 publication within a year), R2 (reg 57 arrangements), R3 (reg 54 consultees)."""
    r1 = (
        "reg56",
        "R1",
        "Comments and response published within the last year",
        "SI 2014/1530 reg 56(2), 56(3)",
        Evidence.OFFICIAL,
    )
    r2 = (
        "reg57",
        "R2",
        "How to get the offer without the internet is published",
        "SI 2014/1530 reg 57",
        Evidence.SECONDARY,
    )
    r3 = (
        "reg54",
        "R3",
        "The current review consulted every reg 54 consultee",
        "SI 2014/1530 reg 54(1), 54(2)",
        Evidence.PRIMARY,
    )
    if manifest is None:
        return [
            CheckResult(*r, Status.SKIPPED, "Not checked: no manifest given (--manifest).")
            for r in (r1, r2, r3)
        ]
    return [_reg56(manifest, as_of, r1), _reg57(manifest, as_of, r2), _reg54(manifest, r3)]


Head = tuple[str, str, str, str, Evidence]


def _reg56(manifest: Manifest, as_of: date, head: Head) -> CheckResult:
    doc = manifest.documents.get("reg56_publication")
    if doc is None:
        return CheckResult(
            *head,
            Status.FAIL,
            "The manifest gives no reg56_publication.",
            fix="Publish the comments received and your response with the offer, "
            "and give its URL and date in the manifest.",
        )
    if doc.date > as_of:
        return CheckResult(
            *head,
            Status.FAIL,
            f"The publication is dated {day(doc.date)}, after the as-of date {day(as_of)}; "
            "check the date.",
            (Finding(doc.url),),
            "Correct the date of reg56_publication in the manifest.",
        )
    due = _last_day(doc.date)
    findings = (Finding(f"published {day(doc.date)} at {doc.url}; next due by {day(due)}"),)
    if as_of > due:
        return CheckResult(
            *head,
            Status.FAIL,
            f"Last published {day(doc.date)}: overdue since "
            f"{day(due + timedelta(days=1))} ({plural((as_of - due).days, 'day')} late).",
            findings,
            'Publish this year\'s comments and response ("you said, we did").',
        )
    unattested = [f for f in ("anonymised", "exclusions_logged") if getattr(doc, f) is not True]
    if unattested:
        return CheckResult(
            *head,
            Status.WARN,
            f"Published {day(doc.date)}, due again by {day(due)}; "
            f"not attested: {', '.join(unattested)}.",
            findings,
            "Attest that the comments are anonymised (reg 56(3)) and that "
            "comments left out under reg 56(4) have reasons logged.",
        )
    return CheckResult(
        *head, Status.PASS, f"Published {day(doc.date)}; due again by {day(due)}.", findings
    )


def _reg57(manifest: Manifest, as_of: date, head: Head) -> CheckResult:
    doc = manifest.documents.get("reg57_arrangements")
    if doc is None or doc.date > as_of:
        return CheckResult(
            *head,
            Status.FAIL,
            "The manifest gives no reg57_arrangements page"
            + ("" if doc is None else " dated on or before the as-of date")
            + ".",
            fix="Publish how people without internet access, and disabled people, "
            "can get the offer, and give its URL in the manifest.",
        )
    return CheckResult(*head, Status.PASS, f"Published at {doc.url} ({day(doc.date)}).")


def _reg54(manifest: Manifest, head: Head) -> CheckResult:
    if manifest.consultees is None:
        return CheckResult(
            *head,
            Status.WARN,
            "The manifest does not list the current review's consultees (review.consultees).",
            fix="List the reg 54 categories consulted in the current review.",
        )
    missing = [c for c in reg54_consultees() if c not in manifest.consultees]
    if missing:
        return CheckResult(
            *head,
            Status.FAIL,
            f"{plural(len(missing), 'reg 54 category', 'reg 54 categories')} not consulted.",
            tuple(Finding(f"not consulted: {c.replace('-', ' ')}") for c in missing),
            "Consult: " + ", ".join(c.replace("-", " ") for c in missing) + ".",
        )
    return CheckResult(*head, Status.PASS, "Every reg 54 category was consulted.")
