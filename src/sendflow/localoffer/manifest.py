"""The local offer manifest: what no directory feed carries.

A small YAML (or JSON) file giving the URL and date of each policy document, the
authority's area (for provision outside it) and the consultees of the current review::

    authority: Fernbridge Council
    area:
      postcode_districts: [FB1, FB2, FB3]
    documents:
      funding_policy: {url: "https://...", date: 2026-01-10}
      reg56_publication: {url: "https://...", date: 2026-03-02, anonymised: true,
                          exclusions_logged: true}
    review:
      consultees: [children-young-people-sen-and-parents, academy-proprietors]

The consultee names are the ``reg54-consultees`` list of the ``local-offer`` process.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import date
from typing import Any

import attrs

from sendflow.definitions.reader import Reader
from sendflow.definitions.registry import load_process
from sendflow.localoffer.datafiles import open_data_file
from sendflow.localoffer.errors import LocalOfferFileError
from sendflow.localoffer.topics import DOCUMENTS

__all__ = ["Document", "Manifest", "load_manifest", "reg54_consultees"]

WHAT = "local offer manifest"


def reg54_consultees() -> tuple[str, ...]:
    """The reg 54 categories of consultee, as the ``local-offer`` process lists them."""
    return load_process("local-offer").lists["reg54-consultees"]


@attrs.frozen
class Document:
    """A policy document the offer links to.

    Attributes:
        key: Which document (``funding_policy``, ``reg56_publication``, ...).
        url: Where it is published.
        date: When it was published or last updated.
        line: The manifest line that gives it.
        anonymised: For the reg 56 publication: attested that nobody can be identified.
        exclusions_logged: For the reg 56 publication: comments left out have reasons logged.
    """

    key: str
    url: str
    date: date
    line: int | None = None
    anonymised: bool | None = None
    exclusions_logged: bool | None = None


@attrs.frozen
class Manifest:
    """What the manifest says."""

    file: str
    authority: str | None = None
    postcode_districts: tuple[str, ...] = ()
    documents: Mapping[str, Document] = attrs.field(factory=dict)
    consultees: tuple[str, ...] | None = None


_DOC_FIELDS = ("url", "date", "anonymised", "exclusions_logged")


def load_manifest(path: str | os.PathLike[str]) -> Manifest:
    """Load and check a manifest; raise :class:`LocalOfferFileError` listing every problem."""
    reader, data = open_data_file(path, WHAT)
    top = reader.mapping(
        (), data, allowed=("authority", "area", "documents", "review"), what="the manifest"
    )
    authority = reader.text(("authority",), top.get("authority"), what="authority")
    area = reader.mapping(("area",), top.get("area"), allowed=("postcode_districts",), what="area")
    districts = _texts(reader, ("area", "postcode_districts"), area.get("postcode_districts"))
    documents: dict[str, Document] = {}
    for key, value in reader.table(("documents",), top.get("documents"), what="documents").items():
        if key not in DOCUMENTS:
            reader.choice(
                ("documents", key), key, allowed=DOCUMENTS, what="a document key", default=""
            )
            continue
        document = _document(reader, key, value)
        if document is not None:
            documents[key] = document
    review = reader.mapping(("review",), top.get("review"), allowed=("consultees",), what="review")
    consultees = None
    if "consultees" in review:
        consultees = reader.names(
            ("review", "consultees"),
            review["consultees"],
            known=reg54_consultees(),
            what="consultees",
            kind="reg 54 consultee",
        )
    if reader.problems:
        raise LocalOfferFileError(WHAT, reader.problems)
    return Manifest(
        reader.source.file,
        authority,
        tuple(d.upper().replace(" ", "") for d in districts),
        documents,
        consultees,
    )


def _document(reader: Reader, key: str, value: Any) -> Document | None:
    path = ("documents", key)
    fields = reader.mapping(
        path, value, allowed=_DOC_FIELDS, required=("url", "date"), what=f"document {key!r}"
    )
    url = reader.text((*path, "url"), fields.get("url"), what="url")
    day = reader.day((*path, "date"), fields.get("date"), what="date")
    flags: dict[str, bool | None] = {}
    for flag in ("anonymised", "exclusions_logged"):
        if flag in fields and key != "reg56_publication":
            reader.report((*path, flag), f"{flag} belongs only to reg56_publication.")
        flags[flag] = (
            reader.flag((*path, flag), fields[flag], what=flag) if flag in fields else None
        )
    if url is None or day is None:
        return None
    return Document(key, url, day, reader.source.line(path), **flags)


def _texts(reader: Reader, path: tuple[str, ...], value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        reader.report(path, "must be a list, such as [FB1, FB2].")
        return ()
    return tuple(
        text
        for i, v in enumerate(value)
        if (text := reader.text((*path, i), v, what="a postcode district"))
    )
