"""The items a local offer must hold, read from the packaged ``topics.yaml`` (or a council's copy).

Four groups: Schedule 2 ``topics`` (checked against the feed, or against the manifest when
they are a ``document``), ``provider_types`` (Schedule 2 paragraph 1(a)-(h)),
``named_services`` (records a family would look for by name) and ``markers`` (facts
about a service, such as being outside the area). Each item cites its reference with an
evidence grade, as the process definitions do.
"""

from __future__ import annotations

import enum
import functools
import os
from collections.abc import Mapping
from importlib import resources
from typing import Any

import attrs

from sendflow.definitions.model import Evidence
from sendflow.definitions.reader import Reader
from sendflow.localoffer.datafiles import open_data_file, read_data_text
from sendflow.localoffer.errors import LocalOfferFileError

__all__ = ["DOCUMENTS", "Catalogue", "Citation", "Group", "Item", "load_topics", "packaged_topics"]

DOCUMENTS = (
    "funding_policy",
    "transport_policy",
    "s41_list",
    "complaints_procedure",
    "accessibility_strategy",
    "reg56_publication",
    "reg57_arrangements",
)
"""The policy documents a manifest may list, by key."""

WHAT = "local offer topics file"


class Group(enum.StrEnum):
    """The kind of item."""

    TOPIC = "topics"
    PROVIDER_TYPE = "provider_types"
    NAMED_SERVICE = "named_services"
    MARKER = "markers"


@attrs.frozen
class Citation:
    """Where an item comes from in law, and how firmly that is known."""

    provision: str
    evidence: Evidence
    note: str | None = None

    def __str__(self) -> str:
        return self.provision


@attrs.frozen
class Item:
    """One thing a local offer must hold, or a fact about a service.

    Attributes:
        slug: The stable id a taxonomy map names.
        group: Which group it belongs to.
        title: The item in words.
        citation: Its legal reference and evidence grade.
        keywords: Lower-case words and phrases matched whole in a service's text.
        terms: Taxonomy term names mapped onto it by default.
        document: For a topic met by a policy document, the manifest key; else ``None``.
        required: ``False`` for an item whose absence is only a warning.
    """

    slug: str
    group: Group
    title: str
    citation: Citation
    keywords: tuple[str, ...] = ()
    terms: tuple[str, ...] = ()
    document: str | None = None
    required: bool = True


@attrs.frozen
class Catalogue:
    """Every item, by slug, in file order."""

    items: Mapping[str, Item]

    def group(self, group: Group) -> tuple[Item, ...]:
        """The items of one group, in file order."""
        return tuple(item for item in self.items.values() if item.group is group)


_ITEM_FIELDS = ("title", "reference", "keywords", "terms", "document", "required")
_CITATION_FIELDS = ("provision", "evidence", "note")


def load_topics(path: str | os.PathLike[str]) -> Catalogue:
    """Load and check a topics file; raise :class:`LocalOfferFileError` listing every problem."""
    reader, data = open_data_file(path, WHAT)
    return _build(reader, data)


@functools.cache
def packaged_topics() -> Catalogue:
    """The topics shipped with sendflow (read once)."""
    text = resources.files("sendflow.localoffer").joinpath("topics.yaml").read_text("utf-8")
    reader, data = read_data_text(text, "sendflow/localoffer/topics.yaml", WHAT)
    return _build(reader, data)


def _build(reader: Reader, data: Any) -> Catalogue:
    top = reader.mapping(
        (), data, allowed=[g.value for g in Group], required=["topics"], what="the topics file"
    )
    items: dict[str, Item] = {}
    for group in Group:
        table = reader.table((group.value,), top.get(group.value), what=group.value)
        for slug, value in table.items():
            path = (group.value, slug)
            if slug in items:
                reader.report(path, f"the slug {slug!r} is used twice; slugs must be unique.")
                continue
            item = _item(reader, path, slug, group, value)
            if item is not None:
                items[slug] = item
    if reader.problems:
        raise LocalOfferFileError(WHAT, reader.problems)
    return Catalogue(items)


def _item(
    reader: Reader, path: tuple[str, ...], slug: str, group: Group, value: Any
) -> Item | None:
    fields = reader.mapping(
        path, value, allowed=_ITEM_FIELDS, required=["title", "reference"], what=f"item {slug!r}"
    )
    title = reader.text((*path, "title"), fields.get("title"), what="title")
    citation = _citation(reader, (*path, "reference"), fields.get("reference"))
    document = fields.get("document")
    if document is not None:
        document = reader.choice(
            (*path, "document"), document, allowed=DOCUMENTS, what="document", default=""
        )
        if group is not Group.TOPIC:
            reader.report((*path, "document"), "only a Schedule 2 topic may name a document.")
    keywords = _words(reader, (*path, "keywords"), fields.get("keywords"), lower=True)
    terms = _words(reader, (*path, "terms"), fields.get("terms"), lower=False)
    if document is None and not keywords and not terms:
        reader.report(
            path,
            f"item {slug!r} needs keywords or terms to be found in a feed, "
            "or a document to be found in the manifest.",
        )
    required = fields.get("required", True)
    if not isinstance(required, bool):
        reader.report((*path, "required"), f"required must be true or false, not {required!r}.")
        required = True
    if title is None or citation is None:
        return None
    return Item(slug, group, title, citation, keywords, terms, document or None, required)


def _citation(reader: Reader, path: tuple[str, ...], value: Any) -> Citation | None:
    fields = reader.mapping(
        path,
        value,
        allowed=_CITATION_FIELDS,
        required=["provision", "evidence"],
        what="a reference",
    )
    provision = reader.text((*path, "provision"), fields.get("provision"), what="provision")
    evidence = reader.choice(
        (*path, "evidence"),
        fields.get("evidence"),
        allowed=[e.value for e in Evidence],
        what="evidence",
        default="",
    )
    note = reader.text((*path, "note"), fields.get("note"), what="note")
    if provision is None or not evidence:
        return None
    return Citation(provision, Evidence(evidence), note)


def _words(reader: Reader, path: tuple[str, ...], value: Any, *, lower: bool) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        reader.report(path, "must be a list of words or phrases.")
        return ()
    found: list[str] = []
    for index, word in enumerate(value):
        text = reader.text((*path, index), word, what="a word or phrase")
        if text is not None:
            found.append(text.lower() if lower else text)
    return tuple(found)
