"""Coverage only grows as services are added, and a topic with no services is missing."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from sendflow.localoffer import Report, packaged_topics
from sendflow.localoffer.model import Term
from sendflow.localoffer.taxonomy import Classifier
from tests.localoffer.builders import check, feed3, service3

NAMES = [
    "Speech therapy",
    "Short breaks club",
    "Travel training",
    "Swimming club",
    "SENDIASS",
    "Supported internships",
    "Inclusive nursery",
    "Mediation service",
    "A helpline",
]
TERMS = ["Health", "Breaks and respite", "Transport", "Early years support", "EHC needs assessment"]
RANK = {"missing": 0, "keyword only": 1, "covered": 2}


@st.composite
def services(draw: st.DrawFn) -> list[dict[str, Any]]:
    count = draw(st.integers(min_value=0, max_value=6))
    return [
        service3(
            f"s{i}",
            draw(st.sampled_from(NAMES)),
            terms=tuple(draw(st.lists(st.sampled_from(TERMS), max_size=2, unique=True))),
            status=draw(st.sampled_from(["active", "active", "inactive"])),
        )
        for i in range(count)
    ]


def _check(records: list[dict[str, Any]]) -> Report:
    with tempfile.TemporaryDirectory() as folder:
        return check(feed3(Path(folder), records))


@given(services(), services())
def test_adding_a_service_never_lowers_a_topics_coverage(
    before: list[dict[str, Any]], extra: list[dict[str, Any]]
) -> None:
    """Each topic's coverage and count after adding services is at least what it was."""
    added = [dict(s, id=f"extra-{s['id']}") for s in extra[:1]]
    old, new = _check(before), _check(before + added)
    for topic in old.topics:
        grown = new.topic(topic.slug)
        assert RANK[grown.coverage.value] >= RANK[topic.coverage.value], topic.slug
        assert grown.count >= topic.count
    assert new.score >= old.score


@given(
    services(),
    st.sampled_from(
        [
            i.slug
            for i in packaged_topics().items.values()
            if i.document is None and i.group.value == "topics"
        ]
    ),
)
def test_removing_every_service_of_a_topic_makes_it_missing(
    records: list[dict[str, Any]], slug: str
) -> None:
    """Take out every service the classifier puts in a topic, and that topic is missing."""
    classifier = Classifier(packaged_topics())

    def in_topic(record: dict[str, Any]) -> bool:
        terms = [
            Term(a["taxonomy_term"]["id"], a["taxonomy_term"]["name"]) for a in record["attributes"]
        ]
        return slug in classifier.classify(terms, f"{record['name']} {record['description']}").all

    rest = [r for r in records if not in_topic(r)]
    report = _check(rest)
    assert report.topic(slug).coverage.value == "missing"
    assert report.topic(slug).count == 0
