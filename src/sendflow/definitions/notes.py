"""Notes: sections of explanation for people, shown on the process's page.

What the rules alone do not say (worked dates, how reports should read a rule, what was
read and what was not) is written as data under ``notes``::

    # in a process file
    notes:
      - title: Reversed refusals
        text: |
          An LA may refuse to assess and then agree to assess after all.

          - a mediation agreement to assess is treated as a tribunal order (reg 42(2));
          - a tribunal order to assess gives 10 weeks and 14 weeks (reg 44(2)(b)).
        table:
          - [route, how the refusal was reversed]
          - [mediation, a mediation agreement to assess]
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sendflow.definitions.model import Note
from sendflow.definitions.reader import Reader
from sendflow.definitions.source import Path

__all__ = ["NOTE_FIELDS", "read_notes"]

NOTE_FIELDS = ("title", "text", "table")


def read_notes(
    reader: Reader,
    value: Any,
    built: Mapping[int, tuple[object, Note]] | None = None,
    local_from: int | None = None,
) -> tuple[Note, ...]:
    """The ``notes`` section: a list of notes, each with a title, text and perhaps a table.

    ``built``: notes already read, by the identity of the entry each was read from (an
    overlay's base's); a note reads from its entry alone, so the same entry is the same note.
    ``local_from``: the index from which the notes are an overlay's own (marked local).
    """
    if value is None:
        return ()
    if not isinstance(value, list):
        reader.report(("notes",), "notes must be a list of {title, text, table}.")
        return ()
    found: list[Note] = []
    for index, entry in enumerate(value):
        local = local_from is not None and index >= local_from
        taken = built.get(id(entry)) if built else None
        if taken is not None and taken[0] is entry and taken[1].local >= local:
            found.append(taken[1])
            continue
        path: Path = ("notes", index)
        fields = reader.mapping(
            path, entry, allowed=NOTE_FIELDS, required=("title", "text"), what="a note"
        )
        title = reader.text((*path, "title"), fields.get("title"), what="title")
        text = reader.text((*path, "text"), fields.get("text"), what="text")
        table = _table(reader, (*path, "table"), fields.get("table"))
        if title and text:
            found.append(Note(title=title, text=text, table=table, local=local))
    return tuple(found)


def _table(reader: Reader, path: Path, value: Any) -> tuple[tuple[str, ...], ...]:
    if value is None:
        return ()
    rows = value if isinstance(value, list) else None
    if not rows or not all(isinstance(row, list) and row for row in rows):
        reader.report(path, "table must be a list of rows, each a list of cells, header first.")
        return ()
    width = len(rows[0])
    found: list[tuple[str, ...]] = []
    for number, row in enumerate(rows):
        if len(row) != width:
            reader.report(
                (*path, number),
                f"this row has {len(row)} cells but the header has {width}; give every row "
                f"{width} cells.",
            )
            continue
        if not all(isinstance(cell, (str, int, float)) for cell in row):
            reader.report((*path, number), "a table cell must be text.")
            continue
        found.append(tuple(str(cell) for cell in row))
    return tuple(found)
