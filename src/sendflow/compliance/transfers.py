"""The transfer programme: statements and LDAs moved to EHC plans, against the council's plan.

A transfer plan is a CSV file with a header ``date,planned`` and one row per milestone:
the date and the planned cumulative number of transfers completed by then::

    date,planned
    2015-03-31,300
    2016-03-31,900
    2018-03-31,1800
"""

from __future__ import annotations

import csv
import math
from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import attrs

from sendflow.compliance.figures import TraceRow, Transfers
from sendflow.compliance.periods import read_day
from sendflow.compliance.verdicts import Verdicts
from sendflow.errors import SendflowError
from sendflow.store.records import StoredCase

__all__ = [
    "RECENT_WEEKS",
    "TRANSFER_DEADLINES",
    "TransferPlan",
    "TransferTally",
    "read_transfer_plan",
]

RECENT_WEEKS = 12
"""The current rate is the weekly average of transfers completed in the last 12 weeks."""

TRANSFER_DEADLINES = ("transfer-programme-deadline", "lda-transfer-deadline")
"""The rules whose due dates are the programme's statutory deadlines."""
TRANSFER_RULES = frozenset({*TRANSFER_DEADLINES, "transfer-final-plan"})
"""The rules whose verdicts the transfer figures read."""


@attrs.frozen
class TransferPlan:
    """Planned cumulative completions by date, in date order."""

    milestones: tuple[tuple[date, int], ...]

    def planned_by(self, day: date) -> int:
        """The planned cumulative completions on ``day`` (0 before the first milestone)."""
        planned = 0
        for on, count in self.milestones:
            if on <= day:
                planned = count
        return planned


def read_transfer_plan(path: Path) -> TransferPlan:
    """Read a transfer plan file.

    Raises:
        SendflowError: The file cannot be read, lacks the ``date,planned`` header, or a
            row has a bad date, a count that is not a whole number of at least 0, or dates
            or counts that go backwards.
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise SendflowError(f"{path}: cannot read the transfer plan: {exc.strerror}.") from exc
    rows = csv.reader(text.splitlines())
    header = [cell.strip().lower() for cell in next(rows, [])]
    if header != ["date", "planned"]:
        raise SendflowError(
            f"{path}, line 1: the transfer plan must start with the header 'date,planned' "
            f"(found {','.join(header) or 'nothing'}); then one row per milestone, such as "
            "2016-03-31,900 (the planned cumulative completions by that date)."
        )
    milestones: list[tuple[date, int]] = []
    for line, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue
        milestones.append(_milestone(path, line, row, milestones[-1] if milestones else None))
    if not milestones:
        raise SendflowError(f"{path}: the transfer plan has no milestones after its header.")
    return TransferPlan(tuple(milestones))


def _milestone(
    path: Path, line: int, row: list[str], previous: tuple[date, int] | None
) -> tuple[date, int]:
    where = f"{path}, line {line}"
    if len(row) != 2:
        raise SendflowError(f"{where}: expected 2 values (date,planned), found {len(row)}.")
    on = read_day(row[0].strip(), where=f"{where}, date")
    try:
        planned = int(row[1].strip())
    except ValueError:
        planned = -1
    if planned < 0:
        raise SendflowError(
            f"{where}: planned {row[1].strip()!r} is not a whole number of at least 0."
        )
    if previous is not None and (on <= previous[0] or planned < previous[1]):
        raise SendflowError(
            f"{where}: milestones must come in date order with planned totals that never "
            f"fall (the row before says {previous[1]} by {previous[0].isoformat()})."
        )
    return on, planned


class TransferTally:
    """Counts statement-transfer cases as of a date."""

    def __init__(self, as_of: date, plan: TransferPlan | None) -> None:
        self.as_of = as_of
        self.plan = plan
        self.cohort = 0
        self.completed = 0
        self.recent = 0
        self.deadline: date | None = None
        self.last_done: date | None = None
        self.by_month: Counter[str] = Counter()

    def add(
        self, case: StoredCase, evaluation: Verdicts, trace: Callable[[TraceRow], None] | None
    ) -> None:
        """Count one transfer case."""
        if evaluation.state == "withdrawn":
            return
        done_on = None
        for result in evaluation.time_limits:
            if result.rule in TRANSFER_DEADLINES and result.due_on is not None:
                self.count_deadline(result.due_on)
            if result.rule == "transfer-final-plan":
                done_on = result.met_on
        self.count(evaluation.final, done_on)
        if trace is not None:
            trace(TraceRow("transfers", case.case_id, done_on, evaluation.state))

    def count_deadline(self, due_on: date) -> None:
        """Note a programme deadline: the figures read the latest."""
        self.deadline = max(self.deadline or due_on, due_on)

    def count(self, final: bool, done_on: date | None, n: int = 1) -> None:
        """Count ``n`` transfer cases not withdrawn, ``done_on`` the day the plan was issued.

        A case counts as completed when it is closed (``final``) with its plan issued.
        """
        self.cohort += n
        if final and done_on is not None:
            self.completed += n
            self.last_done = max(self.last_done or done_on, done_on)
            self.by_month[f"{done_on.year:04d}-{done_on.month:02d}"] += n
            if (self.as_of - done_on).days < RECENT_WEEKS * 7:
                self.recent += n

    def figures(self) -> Transfers:
        """The programme's figures."""
        remaining = self.cohort - self.completed
        rate = self.recent / RECENT_WEEKS
        forecast = None
        if remaining == 0:
            forecast = self.last_done
        elif rate > 0:
            forecast = self.as_of + timedelta(days=math.ceil(remaining / rate * 7))
        required = None
        if self.deadline is not None and self.deadline > self.as_of and remaining:
            required = round(remaining / ((self.deadline - self.as_of).days / 7), 2)
        return Transfers(
            cohort=self.cohort,
            completed=self.completed,
            percent=None if not self.cohort else round(100 * self.completed / self.cohort, 2),
            planned_to_date=None if self.plan is None else self.plan.planned_by(self.as_of),
            forecast_completion=forecast,
            required_rate_per_week=required,
            deadline=self.deadline,
            completed_by_month=dict(sorted(self.by_month.items())),
        )
