"""Seeded random walks through any process definition, for benchmarks.

Each walk follows the transition table from a start event to a final state (or a length
limit), filling each event's data from its declared fields and moving the date forward a
few days at a time. Exception events are left out. Walks that replay rejects (a rare
combination of data) are dropped and walked again.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import Any

import sendflow
from sendflow.definitions.model import DataField, FieldType, Process
from sendflow.engine.machine import INITIAL, CompiledProcess, compile_process

NAMES = ("health", "education", "social-care", "school")


def _value(field: DataField, on: date, rng: random.Random) -> Any:
    if field.type is FieldType.BOOLEAN:
        return True
    if field.one_of:
        return rng.choice(field.one_of)
    if field.type is FieldType.DATE:
        return on + timedelta(days=rng.randint(14, 120))
    if field.type is FieldType.INTEGER:
        return on.year + rng.randint(1, 2)
    if field.type is FieldType.LIST:
        return [rng.choice(NAMES)]
    return rng.choice(NAMES)


def _closes(compiled: Any, state: str, event: str) -> bool:
    return bool(compiled.final[compiled.table[state][event]])


def walk(process: Process, rng: random.Random, *, max_events: int = 12) -> list[sendflow.Event]:
    """One random walk through ``process`` (not yet checked by replay)."""
    compiled = compile_process(process)
    day = date(2018, 1, 1) + timedelta(days=rng.randrange(0, 6 * 365))
    state = INITIAL
    events: list[sendflow.Event] = []
    while len(events) < max_events and not compiled.final[state]:
        choices = [e for e in compiled.allowed(state) if not process.events[e].exception]
        if state == INITIAL:
            choices = list(process.start)
        if not choices:
            break
        # Most cases run their course: prefer events that keep the case open.
        staying = [e for e in choices if not _closes(compiled, state, e)]
        if staying and (len(events) < 6 or rng.random() < 0.6) and rng.random() < 0.9:
            choices = staying
        name = rng.choice(choices)
        spec = process.events[name]
        data = {
            f.name: _value(f, day, rng)
            for f in spec.data.values()
            if f.required or f.type is FieldType.DATE or (f.one_of and rng.random() < 0.5)
        }
        events.append(sendflow.Event(name, day, data=data))
        state = spec.target_for(data) or compiled.table[state][name]
        day += timedelta(days=rng.randint(0, 20))
    return events


def walks(process: Process, count: int, *, seed: int = 2014) -> Iterator[list[sendflow.Event]]:
    """``count`` valid walks, generated lazily."""
    return accepted(process, lambda rng: walk(process, rng), count, seed=seed)


def accepted(
    process: Process,
    make: Callable[[random.Random], list[sendflow.Event]],
    count: int,
    *,
    seed: int,
) -> Iterator[list[sendflow.Event]]:
    """``count`` histories made by ``make`` that replay accepts, generated lazily."""
    rng = random.Random(seed)
    # A compiled process of its own, so that checking the histories does not warm the
    # replay programs of the process being measured.
    checker = CompiledProcess(process)
    made = 0
    while made < count:
        events = make(rng)
        try:
            sendflow.evaluate(checker, events)
        except sendflow.SendflowError:
            continue
        made += 1
        yield events
