"""What a check of a local offer found: attrs classes, and their JSON through the converter."""

from __future__ import annotations

import enum
from datetime import date
from typing import Any

import attrs

from sendflow.contracts import converter
from sendflow.definitions.model import Evidence
from sendflow.localoffer.model import FeedProblem, Severity

__all__ = [
    "CheckResult",
    "Coverage",
    "Finding",
    "ProblemCount",
    "Report",
    "Status",
    "TopicResult",
    "report_to_json",
]

IDS_KEPT = 20
"""How many record ids a finding keeps (its count says how many there were)."""


class Status(enum.StrEnum):
    """A check's verdict."""

    PASS = "pass"  # noqa: S105 (a verdict, not a password)
    WARN = "warn"
    FAIL = "fail"
    SKIPPED = "skipped"


class Coverage(enum.StrEnum):
    """How a Schedule 2 topic was found."""

    COVERED = "covered"
    KEYWORD_ONLY = "keyword only"
    MISSING = "missing"


@attrs.frozen
class Finding:
    """One observation of a check, with how many records it concerns and the first ids.

    ``count`` is ``None`` for a note that counts nothing.
    """

    text: str
    count: int | None = None
    ids: tuple[str, ...] = ()

    @property
    def shown(self) -> bool:
        """Whether a report shows it: a note, or a count of at least one record."""
        return self.count is None or self.count > 0


@attrs.frozen
class CheckResult:
    """One check's result.

    Attributes:
        key: A stable id (``topic-coverage``).
        number: Its number in the checklist (``2``; ``R1`` for lifecycle checks).
        title: What it checks.
        reference: The law or guidance it rests on.
        evidence: How firmly that reference is known.
        status: Pass, warn, fail or skipped.
        summary: The result in one sentence.
        findings: What was found, with record ids.
        fix: What to do about it, when it did not pass.
    """

    key: str
    number: str
    title: str
    reference: str
    evidence: Evidence
    status: Status
    summary: str
    findings: tuple[Finding, ...] = ()
    fix: str | None = None


@attrs.frozen
class TopicResult:
    """How one Schedule 2 topic is covered."""

    slug: str
    title: str
    reference: str
    evidence: Evidence
    source: str
    coverage: Coverage
    count: int = 0
    ids: tuple[str, ...] = ()
    note: str | None = None


@attrs.frozen
class ProblemCount:
    """Feed problems for one object type."""

    object_type: str
    errors: int
    warnings: int


@attrs.frozen
class Report:
    """A whole check of one feed (and manifest) as of one day."""

    feed: str
    form: str
    version: str
    version_decided_by: str
    as_of: date
    manifest: str | None
    services: int
    active_services: int
    score: float
    topics: tuple[TopicResult, ...]
    checks: tuple[CheckResult, ...]
    problem_counts: tuple[ProblemCount, ...]
    problems: tuple[FeedProblem, ...]
    problems_shown: int
    fix_first: tuple[str, ...]

    def check(self, key: str) -> CheckResult:
        """The result of the check with this key."""
        return next(c for c in self.checks if c.key == key)

    def topic(self, slug: str) -> TopicResult:
        """The coverage of the topic with this slug."""
        return next(t for t in self.topics if t.slug == slug)


def _problem(problem: FeedProblem) -> dict[str, Any]:
    shape = {
        "severity": problem.severity.value,
        "object_type": problem.object_type,
        "object_id": problem.object_id,
        "field": problem.field,
        "message": problem.message,
    }
    if problem.service_id is not None:
        shape["service_id"] = problem.service_id
    return shape


converter.register_unstructure_hook(FeedProblem, _problem)
converter.register_unstructure_hook(Severity, lambda s: s.value)


def report_to_json(report: Report) -> dict[str, Any]:
    """The report as plain JSON data (the ``local-offer check --format json`` shape)."""
    shape: dict[str, Any] = converter.unstructure(report)
    return shape
