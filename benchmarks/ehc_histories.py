"""A seeded generator of valid EHC needs assessment histories, for benchmarks."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta

from sendflow import Event

PARTIES = ("educational-psychology", "health", "social-care", "school")
SCHOOLS = ("Riverside Primary", "Hill Academy", "Oak Special School")


def ehc_history(rng: random.Random) -> list[Event]:
    """One legal EHC history, usually 7-11 events."""
    day = date(2015, 1, 1) + timedelta(days=rng.randrange(0, 10 * 365))
    events = [Event("request_received", day, data={"source": "parent"})]

    def later(low: int, high: int) -> date:
        nonlocal day
        day += timedelta(days=rng.randint(low, high))
        return day

    roll = rng.random()
    if roll < 0.06:
        events.append(Event("refused_to_assess", later(20, 50)))
        return events
    if roll < 0.08:
        events.append(Event("request_withdrawn", later(5, 30)))
        return events
    events.append(Event("decided_to_assess", later(20, 50)))
    parties = rng.sample(PARTIES, rng.randint(2, 3))
    events += [Event("advice_requested", later(0, 3), data={"party": p}) for p in parties]
    if rng.random() < 0.1:
        events.append(
            Event("exception_recorded", later(0, 5), data={"reason": "absence-from-area"})
        )
    events += [Event("advice_received", later(5, 25), data={"party": p}) for p in parties]
    if rng.random() < 0.08:
        events.append(Event("decided_not_to_issue", later(5, 30)))
        return events
    events.append(Event("draft_plan_issued", later(5, 40)))
    school = rng.choice(SCHOOLS)
    events.append(Event("institution_consulted", later(0, 2), data={"institution": school}))
    events.append(Event("institution_responded", later(3, 20), data={"institution": school}))
    events.append(Event("final_plan_issued", later(1, 30)))
    return events


def ehc_histories(count: int, *, seed: int = 2014) -> Iterator[list[Event]]:
    """``count`` histories, generated lazily so memory stays flat."""
    rng = random.Random(seed)
    for _ in range(count):
        yield ehc_history(rng)
