"""Which topics a service belongs to: the council's taxonomy map first, keywords second.

A taxonomy map is a small YAML file that names a council's own taxonomy terms (by id,
name or URI, matched without regard to case) and the slugs they stand for::

    terms:
      LO-SB: [short_breaks, social_care_provision]
      "SENDIASS": sendiass

The terms each item of the topics file lists are mapped by default; the map adds to them
and, for a term it names, replaces them.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping

import attrs

from sendflow.definitions.reader import did_you_mean
from sendflow.localoffer.datafiles import open_data_file
from sendflow.localoffer.errors import LocalOfferFileError
from sendflow.localoffer.model import Term
from sendflow.localoffer.topics import Catalogue

__all__ = ["Classes", "Classifier", "load_taxonomy_map"]

WHAT = "taxonomy map"


def load_taxonomy_map(
    path: str | os.PathLike[str], catalogue: Catalogue
) -> dict[str, tuple[str, ...]]:
    """Read a taxonomy map: each term (lower-cased) and the slugs it stands for.

    Raises:
        LocalOfferFileError: Every problem: an unknown slug (with a "did you mean"), a
            term given twice, a value that is not a slug or a list of slugs.
    """
    reader, data = open_data_file(path, WHAT)
    top = reader.mapping((), data, allowed=["terms"], required=["terms"], what="the taxonomy map")
    mapping: dict[str, tuple[str, ...]] = {}
    for term, value in reader.table(("terms",), top.get("terms"), what="terms").items():
        path_ = ("terms", term)
        slugs = value if isinstance(value, list) else [value]
        found: list[str] = []
        for index, slug in enumerate(slugs):
            where = (*path_, index) if isinstance(value, list) else path_
            if not isinstance(slug, str) or slug not in catalogue.items:
                reader.report(
                    where,
                    f"{slug!r} is not a topic, provider type, named service or marker. "
                    f"Use a slug from the topics file.{did_you_mean(str(slug), catalogue.items)}",
                )
                continue
            found.append(slug)
        key = term.strip().lower()
        if key in mapping:
            reader.report(path_, f"the term {term!r} is mapped twice (case does not matter).")
        mapping[key] = tuple(found)
    if reader.problems:
        raise LocalOfferFileError(WHAT, reader.problems)
    return mapping


@attrs.frozen
class Classes:
    """The slugs a service belongs to, by how they were found."""

    mapped: frozenset[str]
    keyword: frozenset[str]

    @property
    def all(self) -> frozenset[str]:
        """Every slug, however found."""
        return self.mapped | self.keyword


class Classifier:
    """Classifies services by taxonomy term, then by keyword in their name and description."""

    def __init__(
        self, catalogue: Catalogue, mapping: Mapping[str, Iterable[str]] | None = None
    ) -> None:
        terms: dict[str, set[str]] = {}
        keywords: dict[str, set[str]] = {}
        for item in catalogue.items.values():
            for term in item.terms:
                terms.setdefault(term.lower(), set()).add(item.slug)
            for word in item.keywords:
                keywords.setdefault(word, set()).add(item.slug)
        for term, slugs in (mapping or {}).items():
            terms[term.lower()] = set(slugs)
        self._terms = {term: frozenset(slugs) for term, slugs in terms.items()}
        self._keywords = {word: frozenset(slugs) for word, slugs in keywords.items()}
        self._pattern = (
            re.compile(rf"(?<![\w-]){_trie(list(keywords))}(?![\w-])") if keywords else None
        )
        self._cache: dict[tuple[str, str, str], frozenset[str]] = {}

    def classify(self, terms: Iterable[Term], text: str) -> Classes:
        """The slugs for a service with these taxonomy ``terms`` and this name and description."""
        mapped: set[str] = set()
        for term in terms:
            key = (term.id, term.name, term.uri)
            slugs = self._cache.get(key)
            if slugs is None:
                slugs = frozenset().union(
                    *(self._terms.get(part.strip().lower(), frozenset()) for part in key if part)
                )
                self._cache[key] = slugs
            mapped.update(slugs)
        keyword: set[str] = set()
        if self._pattern is not None and text:
            for word in set(self._pattern.findall(text.lower())):
                keyword.update(self._keywords[word])
        return Classes(frozenset(mapped), frozenset(keyword - mapped))


_Node = dict[str, "_Node"]


def _trie(words: list[str]) -> str:
    """One regular expression matching any of ``words``, factored by common prefixes.

    Python's ``re`` tries the branches of a plain alternation one by one; a prefix tree
    lets it rule out most keywords on their first letter, which makes keyword matching
    several times faster on a large feed.
    """
    root: _Node = {}
    for word in words:
        node = root
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def pattern(node: _Node) -> str:
        branches = [
            re.escape(char) + pattern(child) for char, child in sorted(node.items()) if char
        ]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return pattern(root)
