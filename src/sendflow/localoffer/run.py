"""Checking a directory feed (and manifest) as of a day: the whole run, streamed."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from datetime import date

from sendflow.localoffer.checks import ServiceChecks
from sendflow.localoffer.feed import Feed
from sendflow.localoffer.lifecycle import lifecycle_checks
from sendflow.localoffer.manifest import Manifest
from sendflow.localoffer.model import Severity
from sendflow.localoffer.problems import ProblemSink
from sendflow.localoffer.results import CheckResult, ProblemCount, Report, Status
from sendflow.localoffer.taxonomy import Classifier
from sendflow.localoffer.topics import Catalogue, packaged_topics
from sendflow.localoffer.verdicts import feed_checks, score, topic_results

__all__ = ["check_feed"]

FIX_ORDER = (
    "topic-coverage",
    "reg56",
    "named-services",
    "reg57",
    "reg54",
    "conformance",
    "out-of-area",
    "age-coverage",
    "who-and-how",
    "freshness",
    "venues",
    "provider-types",
    "cost",
)
"""The order in which to fix what failed: what the law requires first."""


def check_feed(
    path: str | os.PathLike[str],
    *,
    as_of: date,
    manifest: Manifest | None = None,
    taxonomy_map: Mapping[str, tuple[str, ...]] | None = None,
    catalogue: Catalogue | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    keep_problems: int = 500,
) -> Report:
    """Check a directory feed against the local offer's duties, as of ``as_of``.

    Args:
        path: An ORUK 3.0 or 1.0 JSON export, or a folder of ORUK 1.0 CSV tables.
        as_of: The day the check is made (dates in the feed and manifest are judged against it).
        manifest: The policy documents, area and consultees (see :mod:`.manifest`).
        taxonomy_map: The council's terms mapped onto slugs (see :mod:`.taxonomy`).
        catalogue: The topics to check; the packaged ones by default.
        on_progress: Called with (bytes read, bytes in all) as a JSON feed is read.
        keep_problems: How many feed problems to keep in full (all are counted).

    Raises:
        FeedError: The feed cannot be read at all.
    """
    catalogue = catalogue or packaged_topics()
    classifier = Classifier(catalogue, taxonomy_map or {})
    sink = ProblemSink(keep_problems)
    feed = Feed(path, sink, on_progress)
    counts = ServiceChecks(catalogue, as_of, manifest.postcode_districts if manifest else ())
    for service in feed.services():
        counts.add(
            service, classifier.classify(service.terms, f"{service.name} {service.description}")
        )
    version = feed.version or "1.0"
    topics = topic_results(catalogue, counts, manifest)
    checks = feed_checks(catalogue, counts, sink, topics, version) + lifecycle_checks(
        manifest, as_of
    )
    kinds = sorted({kind for kind, _ in sink.counts})
    problem_counts = tuple(
        ProblemCount(k, sink.counts[k, Severity.ERROR], sink.counts[k, Severity.WARNING])
        for k in kinds
    )
    return Report(
        feed=str(path),
        form=f"ORUK {version} {feed.form}",
        version=version,
        version_decided_by=feed.how,
        as_of=as_of,
        manifest=manifest.file if manifest else None,
        services=counts.services,
        active_services=counts.active,
        score=score(topics),
        topics=tuple(topics),
        checks=tuple(checks),
        problem_counts=problem_counts,
        problems=tuple(sink.kept),
        problems_shown=len(sink.kept),
        fix_first=_fix_first(checks),
    )


def _fix_first(checks: list[CheckResult]) -> tuple[str, ...]:
    by_key = {c.key: c for c in checks}
    ordered = [by_key[k] for k in FIX_ORDER if k in by_key]
    fixes = [c.fix for c in ordered if c.status is Status.FAIL and c.fix]
    fixes += [c.fix for c in ordered if c.status is Status.WARN and c.fix]
    return tuple(fixes[:5])
