"""The short ways through reading a process give what the long ways give.

A list of names all known reads as written without the item-by-item walk; a field list
is asked as a set; which states are reachable is worked out once per process; an
overlay's own rules and notes are read local, and its parent's rules take its closures.
"""

from __future__ import annotations

from collections import deque
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

import sendflow
from sendflow.definitions.catalogue import load_file
from sendflow.definitions.checks import reachable_states
from sendflow.definitions.model import Process
from sendflow.definitions.packaged import packaged_processes
from sendflow.definitions.reader import Reader
from sendflow.definitions.source import Source
from tests.overlays.helpers import EXAMPLE_OVERLAY, write

_WORDS = st.sampled_from(["a", "b", "c", "d", "to", "from", "titel", "title"])
_ITEMS = st.one_of(_WORDS, st.integers(0, 3), st.none(), st.lists(_WORDS, max_size=2))


def _names_one_by_one(value: Any, known: set[str]) -> tuple[tuple[str, ...], int]:
    """What ``names`` reads, item by item: the known names in order, and how many are not."""
    if value is None:
        return (), 0
    items = value if isinstance(value, list) else [value]
    found = tuple(i for i in items if isinstance(i, str) and i in known)
    return found, len(items) - len(found)


@given(
    value=st.one_of(_ITEMS, st.lists(_ITEMS, max_size=5)),
    known=st.sets(_WORDS, max_size=6),
)
def test_names_read_as_one_by_one(value: Any, known: set[str]) -> None:
    """Each name known is kept in order; each other item is one problem."""
    reader = Reader(Source({}, "x.yaml"))
    found = reader.names(("starts",), value, known=known, what="starts", kind="event")
    assert (found, len(reader.problems)) == _names_one_by_one(value, known)


@given(st.dictionaries(_WORDS, st.integers(), max_size=6))
def test_a_field_list_reads_as_the_same_fields_given_as_a_set(value: dict[str, int]) -> None:
    """The fields kept and the words of every problem do not depend on how they are given."""
    allowed = ("title", "to", "from")
    listed, as_set = Reader(Source({}, "x.yaml")), Reader(Source({}, "x.yaml"))
    kept = listed.mapping(("e",), value, allowed=allowed, required=("title",), what="an event")
    again = as_set.mapping(
        ("e",), value, allowed=frozenset(allowed), required=("title",), what="an event"
    )
    assert kept == again == {k: v for k, v in value.items() if k in allowed}
    assert listed.problems == as_set.problems


def _reached_breadth_first(process: Process) -> set[str]:
    seen: set[str] = set()
    queue = deque(t for e in process.start for t in process.events[e].targets)
    while queue:
        state = queue.popleft()
        if state not in seen:
            seen.add(state)
            leaving = [e for e in process.events.values() if state in e.sources]
            queue.extend(t for e in leaving for t in e.targets)
    return seen


def test_reachable_states_are_those_reached_breadth_first() -> None:
    """Every packaged process and the example overlay; each caller gets a set of its own."""
    processes = [sendflow.load_process(pid) for pid in packaged_processes()]
    for process in [*processes, load_file(EXAMPLE_OVERLAY, ())]:
        assert process.reachable_states == _reached_breadth_first(process)
        mine = reachable_states(process)
        mine.add("somewhere else")
        assert "somewhere else" not in reachable_states(process)


def test_an_overlays_own_rules_and_notes_are_read_local() -> None:
    """Its targets and notification carry its closures; the law's rules and notes do not."""
    process = load_file(EXAMPLE_OVERLAY, ())
    assert process.extends is not None
    own = {"decide-within-5-weeks", "advice-within-5-weeks", "draft-by-week-14"}
    own |= {"final-by-week-18", "week-4-update"}
    for rule in process.time_limits.values():
        assert rule.local == (rule.id in own)
        assert bool(rule.closures) == (rule.id in own)
    assert [n.local for n in process.notes] == [False] * len(process.extends.notes) + [True]


def test_a_parents_rules_take_the_childs_closures(tmp_path: Path) -> None:
    """An overlay of the example with closures of its own: the parent's targets count them."""
    child = write(
        tmp_path,
        "closures: ['2026-08-03..2026-08-07']\n",
        head=f"extends: {EXAMPLE_OVERLAY}\nid: east-area\ntitle: East area\nversion: '2'\n",
    )
    parent = load_file(EXAMPLE_OVERLAY, ())
    process = load_file(child, ())
    rule = process.time_limits["decide-within-5-weeks"]
    before = parent.time_limits["decide-within-5-weeks"]
    assert rule.local
    assert rule.closures > before.closures
    assert len(rule.closures - before.closures) == 5
