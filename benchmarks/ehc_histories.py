"""A seeded generator of valid EHC needs assessment histories, for benchmarks.

The histories vary as a caseload does: who made the request, how many bodies are asked
for advice and the order their advice comes back in (some after the draft plan), zero to
two exceptions, refusals (some reversed on appeal or reconsideration), withdrawals,
decisions not to issue, one or two institutions consulted, and some that never answer.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta

from sendflow import Event

SOURCES = ("parent", "parent", "parent", "school", "early-years", "health", "young-person")
PARTIES = (
    "educational-psychology", "health", "social-care", "school", "early-years",
    "speech-and-language", "occupational-therapy",
)  # fmt: skip
SCHOOLS = ("Riverside Primary", "Hill Academy", "Oak Special School", "St Mary's College")
REASONS = ("absence-from-area", "exceptional-personal-circumstances", "missed-appointment")
ROUTES = ("mediation", "tribunal", "reconsideration")


class _Days:
    """The dates of one history, moving forward."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.day = date(2015, 1, 1) + timedelta(days=rng.randrange(0, 10 * 365))

    def later(self, low: int, high: int) -> date:
        self.day += timedelta(days=self.rng.randint(low, high))
        return self.day


def ehc_history(rng: random.Random) -> list[Event]:
    """One legal EHC history: 2 to 3 events when refused or withdrawn early, else 8 to 16."""
    days = _Days(rng)
    later = days.later
    events = [Event("request_received", days.day, data={"source": rng.choice(SOURCES)})]

    def exception(reasons: tuple[str, ...]) -> None:
        if rng.random() < 0.08:
            events.append(
                Event("exception_recorded", later(0, 5), data={"reason": rng.choice(reasons)})
            )

    roll = rng.random()
    if roll < 0.03:
        events.append(Event("request_withdrawn", later(5, 30)))
        return events
    if roll < 0.11:
        events.append(Event("refused_to_assess", later(20, 50)))
        if rng.random() < 0.7:
            return events
        route = rng.choice(ROUTES)
        events.append(Event("refusal_reversed", later(30, 120), data={"route": route}))
    else:
        exception(REASONS[:2])  # a missed appointment excuses only advice
        events.append(Event("decided_to_assess", later(20, 50)))
    parties = rng.sample(PARTIES, rng.choice((2, 2, 2, 3, 3, 3, 4)))
    events += [Event("advice_requested", later(0, 3), data={"party": p}) for p in parties]
    exception(REASONS)
    replies = rng.sample(parties, len(parties))
    late = replies[-1] if rng.random() < 0.1 else None
    events += [
        Event("advice_received", later(3, 25), data={"party": p}) for p in replies if p != late
    ]
    if rng.random() < 0.02:
        events.append(Event("request_withdrawn", later(5, 30)))
        return events
    if rng.random() < 0.08:
        events.append(Event("decided_not_to_issue", later(5, 30)))
        return events
    events.append(Event("draft_plan_issued", later(5, 40)))
    if late is not None:
        events.append(Event("advice_received", later(0, 10), data={"party": late}))
    schools = rng.sample(SCHOOLS, rng.choice((1, 1, 1, 1, 2)))
    for school in schools:
        events.append(Event("institution_consulted", later(0, 2), data={"institution": school}))
    for school in rng.sample(schools, len(schools)):
        if rng.random() < 0.9:
            events.append(
                Event("institution_responded", later(3, 20), data={"institution": school})
            )
    events.append(Event("final_plan_issued", later(1, 30)))
    return events


def ehc_histories(count: int, *, seed: int = 2014) -> Iterator[list[Event]]:
    """``count`` histories, generated lazily so memory stays flat."""
    rng = random.Random(seed)
    for _ in range(count):
        yield ehc_history(rng)
