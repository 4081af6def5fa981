"""A page about one process (or overlay), made from its definition: Markdown or HTML.

The page has the process's description, its diagram (Mermaid in Markdown, the SVG drawing
in HTML), its states, its events, a table of every rule with its period, counting,
exceptions, reference and evidence grade, then each rule's notes, the exception reasons
and the sources. An overlay's page says what it extends and marks its local additions.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping

import attrs

from sendflow.definitions.model import (
    DataField,
    FieldType,
    Kind,
    Process,
    Reference,
    TimeLimit,
)
from sendflow.pages.diagram import mermaid
from sendflow.pages.graph import period_words
from sendflow.pages.svg import svg_diagram
from sendflow.time.periods import Unit

__all__ = ["GENERATED", "PAGE_FORMATS", "Section", "page_sections", "process_page"]

PAGE_FORMATS = ("md", "html")
_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
GENERATED = "<!-- generated from the process definition by `sendflow docs`; do not edit -->"
EVIDENCE = (
    "Evidence grades: *primary* (the legislation's text was read), *official* (gov.uk or "
    "HMCTS guidance), *secondary* (advice services, solicitors, or the text seen only as a "
    "quotation), *unconfirmed* (best knowledge), *practice* (no legislation sets it; held to "
    "in practice, so a miss is not a statutory breach). Unless a rule says otherwise, a due "
    "date that falls on a weekend or bank holiday does not move."
)
LINKS = (
    "A case file may name `related_case`: a case of another process. These events of this "
    "process record an event in that case on the same day, once, with "
    "`sendflow.engine.related.apply_to_related`, `Store.record(..., apply_links=True)` or "
    "`sendflow record ... --apply-to-related` (see [linked-cases.md](../linked-cases.md))."
)


@attrs.frozen
class Section:
    """A part of the page: a heading, paragraphs, and a table (header row first)."""

    heading: str
    paragraphs: tuple[str, ...] = ()
    table: tuple[tuple[str, ...], ...] = ()
    diagram: bool = False


def process_page(process: Process, format: str = "md") -> str:
    """The page of ``process`` as Markdown (``md``) or a standalone HTML page (``html``)."""
    sections = page_sections(process)
    if format == "html":
        return _html(process, sections)
    return _markdown(process, sections)


def _local(process: Process, kind: str, name: str) -> bool:
    found = getattr(process.statutory, kind)
    return process.statutory is not process and name not in found


def _names(names: tuple[str, ...]) -> str:
    return ", ".join(f"`{n}`" for n in names) or "-"


def page_sections(process: Process) -> list[Section]:
    """The sections of the page, in order, as plain text with Markdown code marks."""
    intro = list(_blocks(process.description or ""))
    if process.extends is not None:
        intro.append(
            f"A local adaptation of `{process.extends.id}` ({process.extends.title}). Its "
            "own states, events and rules are marked *local*; every statutory rule of "
            f"`{process.statutory.id}` applies unchanged."
        )
    sections = [
        Section("", tuple(p for p in intro if p)),
        Section("Diagram", diagram=True),
        Section("States", table=_states(process)),
        Section("Events", table=_events(process)),
        Section("Time limits", (EVIDENCE,), table=_rules(process)),
    ]
    events = [
        f"`{e.id}`: {_one_line(e.reference.note)}"
        for e in process.events.values()
        if e.reference is not None and e.reference.note
    ]
    if events:
        sections.insert(4, Section("Notes on the events", tuple(events)))
    notes = [_notes(limit) for limit in process.time_limits.values()]
    if any(notes):
        sections.append(Section("Notes on the rules", tuple(n for n in notes if n)))
    sections += [
        Section(n.title + (" (*local*)" if n.local else ""), _blocks(n.text), table=n.table)
        for n in process.notes
    ]
    if process.exception_reasons:
        rows = [("reason", "meaning", "reference")]
        reasons = process.exception_reasons.values()
        rows += [(f"`{r.id}`", r.title, _with_note(r.reference)) for r in reasons]
        sections.append(Section("Exception reasons", table=tuple(rows)))
    if process.links:
        sections.append(Section("Linked cases", (LINKS,), table=_links(process)))
    if process.sources:
        sources = tuple(
            f"{s.citation}: {s.title}" + (f" <{s.url}>" if s.url else "")
            for s in process.sources.values()
        )
        sections.append(Section("Sources", sources))
    return sections


def _states(process: Process) -> tuple[tuple[str, ...], ...]:
    rows = [("state", "meaning", "closes the case")]
    for state in process.states.values():
        tag = " (*local*)" if _local(process, "states", state.id) else ""
        meaning = state.title + (f". {_one_line(state.description)}" if state.description else "")
        closes = f"yes, outcome `{state.outcome}`" if state.final and state.outcome else ""
        rows.append((f"`{state.id}`{tag}", meaning, closes or ("yes" if state.final else "")))
    return tuple(rows)


def _events(process: Process) -> tuple[tuple[str, ...], ...]:
    open_states = {s.id for s in process.states.values() if not s.final}
    rows = [("event", "meaning", "from", "to", "data")]
    for event in process.events.values():
        tag = " (*local*)" if _local(process, "events", event.id) else ""
        if event.id in process.start:
            source = "opens the case"
        elif len(event.sources) > 2 and set(event.sources) == open_states:
            source = "any open state"
        else:
            source = _names(event.sources)
        target = _names(event.targets) if event.targets else "stays"
        data = "; ".join(_field(process, f) for f in event.data.values())
        meaning = event.title + (f". {_one_line(event.description)}" if event.description else "")
        if event.reference is not None:
            meaning += f" ({event.reference})"
        rows.append((f"`{event.id}`{tag}", meaning, source, target, data or "-"))
    return tuple(rows)


def _field(process: Process, field: DataField) -> str:
    words = [w for w in ("required" if field.required else "", field.description or "") if w]
    if field.type is not FieldType.TEXT:
        article = "an" if field.type.value[0] in "aeiou" else "a"
        words.append(f"{article} {field.type.value}")
    values = field.one_of or process.lists.get(field.one_of_list or "", ())
    if field.type is FieldType.BOOLEAN:
        values = tuple(v.lower() for v in values)
    if values and field.one_of_list != "exception-reasons":
        words.append("one of " + ", ".join(f"`{v}`" for v in values))
    return f"`{field.name}`" + (f" ({'; '.join(words)})" if words else "")


def _with_note(reference: Reference | None) -> str:
    if reference is None:
        return "-"
    return str(reference) + (f". {_one_line(reference.note)}" if reference.note else "")


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _blocks(text: str) -> tuple[str, ...]:
    """Paragraphs separated by blank lines; a list keeps one ``- `` item per line."""
    blocks = []
    for chunk in text.strip().split("\n\n"):
        lines = [line.strip() for line in chunk.strip().splitlines()]
        if lines and lines[0].startswith("- "):
            items: list[str] = []
            for line in lines:
                if line.startswith("- ") or not items:
                    items.append(line)
                else:
                    items[-1] += " " + line
            blocks.append("\n".join(items))
        elif lines:
            blocks.append(" ".join(lines))
    return tuple(blocks)


def _links(process: Process) -> tuple[tuple[str, ...], ...]:
    rows = [("events", "when", "in a case opened with", "records in the related case")]
    for link in process.links:
        when = _conditions(link.when)
        case_when = _conditions(link.case_when)
        data = ", ".join(f"`{k}`: `{v}`" for k, v in link.data.items())
        record = f"`{link.record}` in the `{link.process}` case" + (f" ({data})" if data else "")
        rows.append((_names(link.on), when or "always", case_when or "any", record))
    return tuple(rows)


def _conditions(values: Mapping[str, tuple[str, ...]]) -> str:
    return "; ".join(
        f"`{k}` is " + " or ".join(f"`{v}`" for v in found) for k, found in values.items()
    )


def _rules(process: Process) -> tuple[tuple[str, ...], ...]:
    rows = [("rule", "what", "period", "counting", "starts", "met by", "exceptions",
             "reference", "evidence")]  # fmt: skip
    for limit in process.time_limits.values():
        name = f"`{limit.id}`"
        if limit.local:
            name += f" (*local target of `{limit.target_of}`*)" if limit.target_of else " (*local*)"
        counting = sorted({v.due.counting.value.replace("_", " ") for v in limit.versions})
        grades = sorted({v.reference.evidence.value for v in limit.versions if v.reference})
        references = list(dict.fromkeys(str(v.reference) for v in limit.versions if v.reference))
        ends = limit.guards if limit.kind is Kind.MINIMUM else limit.met_by
        rows.append(
            (
                name,
                limit.title,
                period_words(limit) + _calendar(limit),
                ", ".join(counting),
                _names(limit.starts),
                ("not before the end: " if limit.kind is Kind.MINIMUM else "") + _names(ends),
                _names(limit.excusable) if limit.excusable else "none",
                "; ".join(references) or "-",
                ", ".join(grades) or "-",
            )
        )
    return tuple(rows)


def _calendar(limit: TimeLimit) -> str:
    words = []
    if limit.calendar != "england":
        words.append(f"{limit.calendar} calendar")
    if limit.next_working_day:
        words.append("moves to the next working day")
    counted = {v.due.period.unit for v in limit.versions if v.due.period is not None}
    if limit.closures and Unit.WORKING_DAYS in counted:
        words.append("the council's closures are not working days")
    return f" ({'; '.join(words)})" if words else ""


def _facts(limit: TimeLimit) -> str:
    """Who owes the duty, and what else the table has no column for."""
    words = [f"Duty: {limit.duty.replace('-', ' ')}."]
    if limit.per:
        words.append(f"One clock per `{limit.per}`.")
    if limit.when:
        words.append(f"Starts only when {_conditions(limit.when)}.")
    if limit.conditional:
        words.append("Conditional: it counts only if the case ends through its `met_by` event.")
    if limit.void_by:
        words.append(f"Void by {_names(limit.void_by)}.")
    if limit.restart:
        words.append("Each start restarts the clock.")
    if limit.period_from:
        words.append(f"A `{limit.period_from}` given on the starting event replaces the period.")
    return " ".join(words)


def _notes(limit: TimeLimit) -> str:
    parts = [_facts(limit), limit.description or ""]
    for version in limit.versions:
        if version.reference is not None and version.reference.note:
            parts.append(version.reference.note)
        if version.effective_from or version.effective_to:
            low = version.effective_from or "..."
            high = version.effective_to or "..."
            due = version.due.period or version.due.mode.value
            parts.append(f"{due}: clocks started {low} to {high}.")
    text = " ".join(dict.fromkeys(p.strip() for p in parts if p.strip()))
    return f"`{limit.id}`: {text}" if text else ""


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _markdown(process: Process, sections: list[Section]) -> str:
    out = [GENERATED, "", f"# {process.title} (`{process.id}`)", "", f"Version {process.version}."]
    for section in sections:
        if section.heading:
            out += ["", f"## {section.heading}"]
        for paragraph in section.paragraphs:
            out += ["", paragraph]
        if section.diagram:
            out += ["", "```mermaid", mermaid(process), "```"]
        if section.table:
            out.append("")
            head, *rows = section.table
            out.append("| " + " | ".join(head) + " |")
            out.append("|" + "---|" * len(head))
            out += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return "\n".join(out) + "\n"


def _inline(text: str) -> str:
    """Markdown code marks and emphasis as HTML, everything else escaped."""
    escaped = _LINK.sub(r'<a href="\2">\1</a>', html.escape(text))
    parts = escaped.split("`")
    marked = "".join(f"<code>{p}</code>" if i % 2 else p for i, p in enumerate(parts))
    pieces = marked.split("*")
    return "".join(f"<em>{p}</em>" if i % 2 else p for i, p in enumerate(pieces))


def _html_block(block: str) -> str:
    if not block.startswith("- "):
        return f"<p>{_inline(block)}</p>"
    items = "".join(f"<li>{_inline(line[2:])}</li>" for line in block.splitlines())
    return f"<ul>{items}</ul>"


def _html(process: Process, sections: list[Section]) -> str:
    title = html.escape(f"{process.title} ({process.id})")
    out = [
        "<!DOCTYPE html>",
        '<html lang="en-GB">',
        '<head><meta charset="utf-8">',
        f"<title>{title}</title>",
        "<style>body{font-family:Helvetica,Arial,sans-serif;max-width:80rem;margin:2rem auto;"
        "padding:0 1rem;color:#1f2933}table{border-collapse:collapse;margin:1rem 0}"
        "th,td{border:1px solid #cbd2d9;padding:.3rem .5rem;text-align:left;vertical-align:top;"
        "font-size:.9rem}th{background:#f5f7fa}em{color:#b45309}svg{max-width:100%;height:auto}"
        "</style></head>",
        "<body>",
        f"<h1>{title}</h1>",
        f"<p>Version {html.escape(process.version)}.</p>",
    ]
    for section in sections:
        if section.heading:
            out.append(f"<h2>{_inline(section.heading)}</h2>")
        out += [_html_block(p) for p in section.paragraphs]
        if section.diagram:
            out.append(svg_diagram(process))
        if section.table:
            head, *rows = section.table
            out.append("<table><thead><tr>" + "".join(f"<th>{_inline(c)}</th>" for c in head))
            out.append("</tr></thead><tbody>")
            out += [
                "<tr>" + "".join(f"<td>{_inline(c)}</td>" for c in row) + "</tr>" for row in rows
            ]
            out.append("</tbody></table>")
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"
