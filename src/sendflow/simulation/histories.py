"""Building simulated histories: events added in date order, cut at the simulation's end."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

__all__ = ["Dice", "History"]


class Dice:
    """A seeded source of chances and day counts."""

    def __init__(self, seed: int) -> None:
        self._random = random.Random(seed)  # noqa: S311 - a simulation, not cryptography

    def chance(self, probability: float) -> bool:
        """True with the given probability."""
        return self._random.random() < probability

    def days(self, low: int, high: int) -> timedelta:
        """A whole number of days from ``low`` to ``high``, both included."""
        return timedelta(days=self._random.randint(low, high))

    def pick(self, options: tuple[str, ...]) -> str:
        """One of ``options``, each as likely."""
        return self._random.choice(options)

    def weighted(self, options: tuple[Any, ...], weights: tuple[float, ...]) -> Any:
        """One of ``options``, in proportion to ``weights``."""
        return self._random.choices(options, weights)[0]

    def day_in(self, first: date, last: date) -> date:
        """A day from ``first`` to ``last``, each as likely."""
        return first + timedelta(days=self._random.randint(0, (last - first).days))


class History:
    """One case's events, kept in legal order: an event never comes before the one before."""

    def __init__(self, process: str, case_id: str, *, related_case: str | None = None) -> None:
        self.process = process
        self.case_id = case_id
        self.related_case = related_case
        self.events: list[dict[str, Any]] = []
        self.last: date = date.min

    def add(self, event: str, on: date, **data: Any) -> date:
        """Record ``event`` on ``on`` (or on the latest day so far, if that is later)."""
        day = max(on, self.last)
        item: dict[str, Any] = {"event": event, "on": day}
        if data:
            item["data"] = data
        self.events.append(item)
        self.last = day
        return day

    def case_file(self, until: date) -> dict[str, Any] | None:
        """The case-file form of the events up to ``until``; ``None`` if none are."""
        events = [
            {**item, "on": item["on"].isoformat()} for item in self.events if item["on"] <= until
        ]
        if not events:
            return None
        case: dict[str, Any] = {"process": self.process, "case_id": self.case_id}
        if self.related_case is not None:
            case["related_case"] = self.related_case
        case["events"] = events
        return case
