"""Diagrams of a process: Mermaid, Graphviz DOT, or SVG drawn without any tool or network.

Each shows the states, the events between them, the time limits each event meets (with
their periods), the events a case records without moving, and every rule. An overlay's
own states, events and rules are drawn dashed in orange and marked "local".
"""

from __future__ import annotations

from sendflow.definitions.model import Process
from sendflow.pages.graph import ANY_OPEN, Edge, Graph, process_graph
from sendflow.pages.svg import svg_diagram

__all__ = ["DIAGRAM_FORMATS", "diagram", "dot", "mermaid"]

DIAGRAM_FORMATS = ("mermaid", "svg", "dot")
_ANY_ID = "any_open_state"


def diagram(process: Process, format: str = "mermaid") -> str:
    """The diagram of ``process`` in ``format`` (one of :data:`DIAGRAM_FORMATS`)."""
    if format == "svg":
        return svg_diagram(process)
    graph = process_graph(process)
    return dot(process, graph) if format == "dot" else mermaid(process, graph)


def _node_id(state: str) -> str:
    return _ANY_ID if state == ANY_OPEN else state


def _mermaid_text(text: str) -> str:
    return text.replace('"', "#quot;")


def _edge_lines(edge: Edge, separator: str, labelled: set[tuple[str, str]]) -> str:
    """An arrow's label: the event, and the rules it meets on the first of its arrows."""
    lines = [edge.event + (" (local)" if edge.local else "")]
    if (edge.event, edge.target) not in labelled:
        lines += [f"meets {rule}" for rule in edge.meets]
        labelled.add((edge.event, edge.target))
    return separator.join(lines)


def mermaid(process: Process, graph: Graph | None = None) -> str:
    """A Mermaid flowchart: paste it into Markdown that renders Mermaid."""
    graph = graph or process_graph(process)
    out = ["flowchart TD", "  start(( ))"]
    for node in graph.nodes:
        if node.id == ANY_OPEN:
            out.append(f'  {_ANY_ID}(["any open state"])')
            continue
        title = _mermaid_text(node.title)
        tag = " (local)" if node.local else ""
        shape = ('(["', '"])') if node.final else ('["', '"]')
        out.append(f"  {node.id}{shape[0]}{title}{tag}<br/><small>{node.id}</small>{shape[1]}")
    out += [f'  start -->|"{_mermaid_text(e.event)}"| {e.target}' for e in graph.entries]
    labelled: set[tuple[str, str]] = set()
    for edge in graph.edges:
        arrow = "-.->" if edge.local else "-->"
        label = _mermaid_text(_edge_lines(edge, "<br/>", labelled))
        out.append(f'  {_node_id(edge.source)} {arrow}|"{label}"| {_node_id(edge.target)}')
    for state, events in graph.stays.items():
        note = f"stay_{_node_id(state)}"
        out.append(f'  {note}["records without moving:<br/>{"<br/>".join(events)}"]')
        out.append(f"  {_node_id(state)} --- {note}")
        out.append(f"  class {note} note")
    out += [
        "  classDef local fill:#fff4e5,stroke:#d9822b,stroke-dasharray:5 5",
        "  classDef final stroke-width:3px",
        "  classDef note fill:#f6f6f6,stroke:#bbbbbb,font-size:11px",
    ]
    local = [n.id for n in graph.nodes if n.local]
    finals = [n.id for n in graph.nodes if n.final]
    if local:
        out.append(f"  class {','.join(local)} local")
    if finals:
        out.append(f"  class {','.join(finals)} final")
    return "\n".join(out)


def _dot_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def dot(process: Process, graph: Graph | None = None) -> str:
    """A Graphviz DOT graph: ``dot -Tsvg`` draws it where Graphviz is installed."""
    graph = graph or process_graph(process)
    out = [
        f'digraph "{_dot_text(process.id)}" {{',
        f'  label="{_dot_text(process.title)} ({process.id} {process.version})"; labelloc=t;',
        "  rankdir=TB; fontname=Helvetica;",
        '  node [shape=box, style="rounded,filled", fillcolor=white, fontname=Helvetica];',
        "  edge [fontname=Helvetica, fontsize=10];",
        '  start [shape=circle, label="", width=0.2, style=filled, fillcolor=black];',
    ]
    for node in graph.nodes:
        if node.id == ANY_OPEN:
            out.append(f'  {_ANY_ID} [label="any open state", style="rounded,dashed"];')
            continue
        extra = ", peripheries=2" if node.final else ""
        if node.local:
            extra += ', style="rounded,filled,dashed", fillcolor="#fff4e5", color="#d9822b"'
        tag = "\\n(local)" if node.local else ""
        label = f"{_dot_text(node.title)}\\n[{node.id}]{tag}"
        out.append(f'  {node.id} [label="{label}"{extra}];')
    out += [f'  start -> {e.target} [label="{_dot_text(e.event)}"];' for e in graph.entries]
    labelled: set[tuple[str, str]] = set()
    for edge in graph.edges:
        style = ', style=dashed, color="#d9822b", fontcolor="#d9822b"' if edge.local else ""
        label = _dot_text(_edge_lines(edge, "\n", labelled)).replace("\n", "\\n")
        out.append(
            f'  {_node_id(edge.source)} -> {_node_id(edge.target)} [label="{label}"{style}];'
        )
    for state, events in graph.stays.items():
        note = f"stay_{_node_id(state)}"
        text = "records without moving:\\n" + "\\n".join(events)
        out.append(f'  {note} [shape=note, label="{text}", fontsize=9, color=gray];')
        out.append(f"  {_node_id(state)} -> {note} [style=dotted, arrowhead=none];")
    out.append("}")
    return "\n".join(out)
