"""The topics file, the taxonomy map and the manifest: loaded and checked like a process."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from sendflow.errors import DefinitionError
from sendflow.localoffer import (
    LocalOfferFileError,
    load_manifest,
    load_taxonomy_map,
    load_topics,
    packaged_topics,
)
from sendflow.localoffer.model import Term
from sendflow.localoffer.taxonomy import Classifier
from sendflow.localoffer.topics import Group


def _write(tmp_path: Path, text: str, name: str = "file.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_packaged_topics_cite_every_item_with_an_evidence_grade() -> None:
    """Every packaged item has a reference and an evidence grade; Schedule 2 paragraph 1 is read."""
    catalogue = packaged_topics()
    assert len(catalogue.group(Group.PROVIDER_TYPE)) == 8
    assert catalogue.items["early_years"].citation.provision == "SI 2014/1530 Sch 2 para 1(a)"
    assert catalogue.items["early_years"].citation.evidence.value == "primary"
    assert catalogue.items["iass"].citation.evidence.value == "secondary"
    unconfirmed = [i for i in catalogue.items.values() if "not confirmed" in i.citation.provision]
    assert unconfirmed
    assert all(i.citation.evidence.value == "unconfirmed" for i in unconfirmed)


def test_a_broken_topics_file_lists_every_problem_with_its_line(tmp_path: Path) -> None:
    """Unknown fields, bad evidence and a missing reference are each reported at their line."""
    path = _write(
        tmp_path,
        """\
topics:
  travel:
    title: Travel
    reference: {provision: "s.30(2)(d)", evidence: primry}
    keywords: [transport]
  leisure:
    title: Leisure
    keywrds: [sport]
provider_types: {}
""",
    )
    with pytest.raises(LocalOfferFileError) as caught:
        load_topics(path)
    found = [(p.line, p.path) for p in caught.value.problems]
    assert (4, "topics.travel.reference.evidence") in found
    assert (6, "topics.leisure") in found
    assert (8, "topics.leisure.keywrds") in found
    assert "Did you mean 'primary'?" in str(caught.value)
    assert "in the local offer topics file:" in str(caught.value)
    assert isinstance(caught.value, DefinitionError)


def test_a_taxonomy_map_adds_terms_and_matches_ids_names_without_case(tmp_path: Path) -> None:
    """A council's term id or name maps a service onto the slugs it names."""
    mapping = load_taxonomy_map(
        _write(
            tmp_path,
            "terms:\n  LO-SB: [short_breaks, social_care_provision]\n"
            "  Autism hub: health_provision\n",
        ),
        packaged_topics(),
    )
    classifier = Classifier(packaged_topics(), mapping)
    by_id = classifier.classify([Term("lo-sb", "Something")], "")
    assert by_id.mapped == {"short_breaks", "social_care_provision"}
    by_name = classifier.classify([Term("x1", "AUTISM HUB")], "")
    assert by_name.mapped == {"health_provision"}


def test_keywords_are_a_fallback_matched_as_whole_words(tmp_path: Path) -> None:
    """A keyword in the name or description classifies a service only when no term did."""
    classifier = Classifier(packaged_topics())
    found = classifier.classify([], "Saturday Swimming for disabled children")
    assert "leisure" in found.keyword
    assert "leisure" not in classifier.classify([], "Swimmingly good advice").keyword
    tagged = classifier.classify([Term("t", "Breaks and respite")], "short breaks club")
    assert "short_breaks" in tagged.mapped
    assert "short_breaks" not in tagged.keyword


def test_a_taxonomy_map_with_unknown_slugs_is_refused_with_did_you_mean(tmp_path: Path) -> None:
    """A misspelt slug is reported at its line with the slug it probably meant."""
    path = _write(tmp_path, "terms:\n  LO-SB: short_break\n  lo-sb: iass\n")
    with pytest.raises(LocalOfferFileError) as caught:
        load_taxonomy_map(path, packaged_topics())
    text = str(caught.value)
    assert "line 2, at terms.LO-SB" in text
    assert "Did you mean 'short_breaks'?" in text
    assert "mapped twice" in text


def test_a_manifest_reads_documents_area_and_consultees(manifest_full: Path) -> None:
    """The manifest's dates are legal dates and its districts are upper-cased."""
    manifest = load_manifest(manifest_full)
    assert manifest.postcode_districts == ("FB",)
    assert manifest.documents["reg56_publication"].date == date(2025, 9, 30)
    assert manifest.documents["reg56_publication"].anonymised is True
    assert manifest.consultees is not None
    assert "integrated-care-boards" in manifest.consultees


def test_a_broken_manifest_lists_every_problem(tmp_path: Path) -> None:
    """A bad date, an unknown document, a flag on the wrong document and a stray consultee."""
    path = _write(
        tmp_path,
        """\
documents:
  funding_policy: {url: "https://x", date: 2026-13-01}
  funding_polcy: {url: "https://x", date: 2026-01-01}
  s41_list: {url: "https://x", date: 2026-01-01, anonymised: true}
review:
  consultees: [academy-proprietor]
""",
    )
    with pytest.raises(LocalOfferFileError) as caught:
        load_manifest(path)
    text = str(caught.value)
    assert "line 2" in text
    assert "Did you mean 'funding_policy'?" in text
    assert "anonymised belongs only to reg56_publication" in text
    assert "Did you mean 'academy-proprietors'?" in text


def test_a_manifest_that_cannot_be_read_is_refused(tmp_path: Path) -> None:
    """A missing manifest file is a clear error, not a traceback."""
    with pytest.raises(LocalOfferFileError, match="cannot read the file"):
        load_manifest(tmp_path / "missing.yaml")
