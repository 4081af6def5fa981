"""A page about one process (or overlay), made from its definition: Markdown or HTML.

The page has the process's description, its diagram (Mermaid in Markdown, the SVG drawing
in HTML), its states, its events, a table of every rule with its period, counting,
exceptions, reference and evidence grade, then each rule's notes, the exception reasons
and the sources. An overlay's page says what it extends and marks its local additions.
"""

from __future__ import annotations

import html

import attrs

from sendflow.definitions.model import Kind, Process, TimeLimit
from sendflow.pages.diagram import mermaid
from sendflow.pages.graph import period_words
from sendflow.pages.svg import svg_diagram
from sendflow.time.periods import Unit

__all__ = ["GENERATED", "PAGE_FORMATS", "Section", "page_sections", "process_page"]

PAGE_FORMATS = ("md", "html")
GENERATED = "<!-- generated from the process definition by `sendflow docs`; do not edit -->"


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
    intro = [process.description or ""]
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
        Section("Time limits", table=_rules(process)),
    ]
    notes = [_notes(limit) for limit in process.time_limits.values()]
    if any(notes):
        sections.append(Section("Notes on the rules", tuple(n for n in notes if n)))
    if process.exception_reasons:
        rows = [("reason", "meaning", "reference")]
        rows += [
            (f"`{r.id}`", r.title, str(r.reference or "-"))
            for r in process.exception_reasons.values()
        ]
        sections.append(Section("Exception reasons", table=tuple(rows)))
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
        meaning = state.title + (f". {state.description}" if state.description else "")
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
        data = "; ".join(
            f"`{f.name}`" + (" (required)" if f.required else "")
            for f in event.data.values()
        )  # fmt: skip
        rows.append((f"`{event.id}`{tag}", event.title, source, target, data or "-"))
    return tuple(rows)


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


def _notes(limit: TimeLimit) -> str:
    parts = [limit.description or ""]
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
    parts = html.escape(text).split("`")
    marked = "".join(f"<code>{p}</code>" if i % 2 else p for i, p in enumerate(parts))
    pieces = marked.split("*")
    return "".join(f"<em>{p}</em>" if i % 2 else p for i, p in enumerate(pieces))


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
            out.append(f"<h2>{html.escape(section.heading)}</h2>")
        out += [f"<p>{_inline(p)}</p>" for p in section.paragraphs]
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
