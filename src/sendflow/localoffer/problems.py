"""Collecting feed problems without holding an unbounded list of them."""

from __future__ import annotations

from collections import Counter

from sendflow.localoffer.model import FeedProblem, Severity

__all__ = ["ProblemSink"]


class ProblemSink:
    """Counts every problem by object type and severity, and keeps the first ``keep`` in full."""

    def __init__(self, keep: int = 500) -> None:
        self.keep = keep
        self.kept: list[FeedProblem] = []
        self.counts: Counter[tuple[str, Severity]] = Counter()

    def add(
        self,
        severity: Severity,
        object_type: str,
        object_id: str,
        field: str,
        message: str,
        service_id: str | None = None,
    ) -> None:
        """Record one problem."""
        self.counts[object_type, severity] += 1
        if len(self.kept) < self.keep:
            owner = service_id if service_id != object_id else None
            self.kept.append(FeedProblem(severity, object_type, object_id, field, message, owner))

    def total(self, severity: Severity) -> int:
        """How many problems of this severity were found."""
        return sum(n for (_, s), n in self.counts.items() if s is severity)
