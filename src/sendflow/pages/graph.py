"""A process as a graph to draw: states, the events between them, and the rules they meet.

The diagram writers (:mod:`sendflow.pages.diagram`) and the process pages share this
reading of a definition. Local additions (an overlay's states, events and rules) are
marked, so that every drawing can show them apart from the law's.
"""

from __future__ import annotations

from collections import deque

import attrs

from sendflow.definitions.model import DueMode, Kind, Process, TimeLimit

__all__ = [
    "ANY_OPEN",
    "Edge",
    "Graph",
    "Node",
    "period_words",
    "process_graph",
    "rule_label",
]

ANY_OPEN = "(any open state)"
"""The node standing for every open state, for events that may come from any of them."""


@attrs.frozen
class Node:
    """A state to draw."""

    id: str
    title: str
    final: bool
    local: bool
    rank: int


@attrs.frozen
class Edge:
    """An event that moves a case from one state to another, and the rules it meets."""

    source: str
    target: str
    event: str
    local: bool
    meets: tuple[str, ...]


@attrs.frozen
class Graph:
    """What a diagram shows: nodes by rank, edges, events that stay, and every rule."""

    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    entries: tuple[Edge, ...]
    stays: dict[str, tuple[str, ...]]
    rules: tuple[str, ...]


def period_words(limit: TimeLimit) -> str:
    """The rule's period in a few words: ``20 weeks``, ``10 weeks / 14 weeks``, ``a date``."""
    words: list[str] = []
    for version in limit.versions:
        due = version.due
        text = str(due.period) if due.mode is DueMode.PERIOD else _due_words(due.mode)
        if text not in words:
            words.append(text)
    if limit.kind is Kind.MINIMUM:
        return "at least " + " / ".join(words)
    if limit.kind is Kind.LEAD_TIME:
        return " / ".join(words) + " before"
    return " / ".join(words)


def _due_words(mode: DueMode) -> str:
    return {
        DueMode.LATER_OF: "the later of two dates",
        DueMode.EARLIER_OF: "the earlier of two dates",
        DueMode.FIXED: "a fixed date",
        DueMode.FROM_DATA: "a date given",
        DueMode.BEFORE: "before a date in the year",
    }.get(mode, mode.value)


def rule_label(process: Process, rule: str) -> str:
    """A rule as a diagram shows it: ``final-plan 20 weeks``, marked if local."""
    limit = process.time_limits[rule]
    mark = " (local)" if limit.local else ""
    return f"{rule}: {period_words(limit)}{mark}"


def process_graph(process: Process) -> Graph:
    """The graph of ``process``, states ranked by their distance from the start."""
    statutory = process.statutory
    open_states = {s.id for s in process.states.values() if not s.final}
    meets: dict[str, list[str]] = {}
    for limit in process.time_limits.values():
        for name in limit.met_by:
            meets.setdefault(name, []).append(limit.id)
    edges: list[Edge] = []
    stays: dict[str, list[str]] = {}
    for event in process.events.values():
        local = event.id not in statutory.events
        sources = event.sources
        if len(sources) > 2 and set(sources) == open_states:
            sources = (ANY_OPEN,)
        for target in event.targets:
            for source in sources or ("",):
                if source == target:
                    continue
                rules = tuple(rule_label(process, r) for r in meets.get(event.id, ()))
                edges.append(Edge(source, target, event.id, local, rules))
        if event.target is None and not event.routes:
            for source in sources:
                stays.setdefault(source, []).append(event.id)
    ranks = _ranks(process, edges)
    nodes = [
        Node(s.id, s.title, s.final, s.id not in statutory.states, ranks.get(s.id, 0))
        for s in process.states.values()
    ]
    if any(e.source == ANY_OPEN for e in edges):
        nodes.append(Node(ANY_OPEN, "", False, False, 1))
    rules = tuple(rule_label(process, r) for r in process.time_limits)
    return Graph(
        nodes=tuple(nodes),
        edges=tuple(e for e in edges if e.source),
        entries=tuple(e for e in edges if not e.source),
        stays={k: tuple(v) for k, v in stays.items()},
        rules=rules,
    )


def _ranks(process: Process, edges: list[Edge]) -> dict[str, int]:
    """Each state's distance from the start; final states on the last rank."""
    ranks: dict[str, int] = {}
    queue = deque((t, 0) for e in process.start for t in process.events[e].targets)
    while queue:
        state, rank = queue.popleft()
        if state in ranks:
            continue
        ranks[state] = rank
        for edge in edges:
            if edge.source == state and edge.target not in ranks:
                queue.append((edge.target, rank + 1))
    for _ in range(len(process.states)):  # a step between two states of one rank goes down
        moved = False
        for edge in edges:
            source, target = ranks.get(edge.source), ranks.get(edge.target)
            if source is not None and source == target and edge.source != edge.target:
                ranks[edge.target] = source + 1
                moved = True
        if not moved:
            break
    last = max((r for s, r in ranks.items() if not process.states[s].final), default=0) + 1
    for state in process.final_states:
        ranks[state] = last
    return ranks
