"""The indicators, counted one evaluated case at a time.

:class:`Tally` takes each case with its evaluation as of the report's date and keeps only
counts (and, for medians, a count per number of days), so memory stays flat however many
cases stream through. A case counts in a rate's period when the event that settles it
falls inside the period: the decision, the final plan, the advice; a clock never met
settles the day after it fell due. ``docs/compliance.md`` defines every indicator.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection
from datetime import date, timedelta

from sendflow.compliance.figures import (
    AdviceByParty,
    Appeals,
    Figures,
    MonthFigures,
    OpenAssessments,
    OverdueReviews,
    PersonalBudgets,
    PlansIssued,
    Rate,
    Report,
    Requests,
    TraceRow,
    WeeksToIssue,
)
from sendflow.compliance.periods import ReportPeriod
from sendflow.compliance.reviews import MONTH_BANDS, months_late, overdue_review, review_band
from sendflow.compliance.transfers import TRANSFER_RULES, TransferPlan, TransferTally
from sendflow.compliance.verdicts import Verdict, Verdicts
from sendflow.engine.results import Status
from sendflow.store.records import StoredCase
from sendflow.time.periods import add_months

__all__ = [
    "ASSESSMENT",
    "EVENTS_READ",
    "LEFT_OUT_ROUTES",
    "ORDERS",
    "RULES_READ",
    "Tally",
    "duty_holder",
    "month_key",
]

ASSESSMENT = "ehc-needs-assessment"
LEFT_OUT_ROUTES = frozenset({"mediation", "tribunal"})
"""Reversal routes that put an assessment outside DfE's 20-week measure."""

EVENTS_READ = frozenset(
    {"final_plan_issued", "refusal_reversed", "exception_recorded", "direct_payments_refused"}
)
"""The events the tally reads of a case other than an appeal, besides its start event."""

ORDERS = "order-"
"""The start of the id of every rule for complying with a tribunal order."""

TWENTY_WEEKS = 140
"""Days: a plan issued at most 140 days after the request was issued within 20 weeks."""

_SETTLED = frozenset({Status.MET, Status.LATE, Status.OVERDUE, Status.EXCUSED})
_PLAIN_RATES = {
    "review-decision": "review_decisions_within_4_weeks",
    "amended-plan": "amended_plans_within_8_weeks",
    "phase-transfer": "phase_transfers_on_time",
}
RULES_READ = frozenset(
    {
        "decide-whether-to-assess",
        "final-plan",
        "annual-review",
        "advice",
        "agreement-other-actions",
        *_PLAIN_RATES,
        *TRANSFER_RULES,
    }
)
"""The rules whose verdicts the tally reads, with every rule starting with :data:`ORDERS`."""
_BUDGET_STATES = frozenset(
    {
        "prepared",
        "direct_payments_requested",
        "direct_payments_refused",
        "refusal_under_review",
        "direct_payments_agreed",
        "direct_payments_active",
        "arrangement_in_place",
    }
)
_ONE_DAY = timedelta(days=1)

Trace = Callable[[TraceRow], None]


def month_key(day: date) -> str:
    """The month a day falls in, as ``YYYY-MM``."""
    return f"{day.year:04d}-{day.month:02d}"


def duty_holder(party: str | None) -> str:
    """Which partner a body asked for advice belongs to: education, health, social care.

    Read from the party's name as recorded (``educational-psychology``, ``health``,
    ``nhs-trust``, ``social-care``); anything else is ``other``.
    """
    name = (party or "").lower()
    if "social" in name:
        return "social_care"
    if any(word in name for word in ("health", "nhs", "medical", "icb", "therap", "paediatric")):
        return "health"
    if any(word in name for word in ("educat", "school", "psycholog", "teacher", "college")):
        return "education"
    return "other"


def _settled_on(result: Verdict) -> date | None:
    """The day a clock's verdict settled: when it was met, else the day after it fell due."""
    if result.status not in _SETTLED:
        return None
    if result.met_on is not None:
        return result.met_on
    return None if result.due_on is None else result.due_on + _ONE_DAY


class _Month:
    __slots__ = ("excluding", "including", "requests")

    def __init__(self) -> None:
        self.requests = 0
        self.including = Rate()
        self.excluding = Rate()


class Tally:
    """Counts every indicator over cases given one at a time.

    Args:
        period: The reporting period.
        as_of: The date the verdicts are for (usually the period's last day or later).
        left_out: Assessment case ids that went to mediation or tribunal (see
            :func:`sendflow.compliance.went_to_mediation_or_tribunal`).
        plan: The council's transfer plan, if any.
        trace: Called with each case behind each figure, when given.
    """

    def __init__(
        self,
        period: ReportPeriod,
        as_of: date,
        *,
        left_out: Collection[str] = frozenset(),
        plan: TransferPlan | None = None,
        trace: Trace | None = None,
    ) -> None:
        self.period = period
        self.as_of = as_of
        self.left_out = left_out
        self.trace = trace
        self.transfers = TransferTally(as_of, plan)
        self.months = {month_key(m.first): _Month() for m in period.months()}
        self.rates: dict[str, Rate] = {}
        self.advice = {
            "education": Rate(),
            "health": Rate(),
            "social_care": Rate(),
            "other": Rate(),
        }
        self.requests = 0
        self.year_before = ReportPeriod(add_months(period.first, -12), add_months(period.last, -12))
        self.requests_year_before = 0
        self.plans = 0
        self.plans_left_out = 0
        self.days_to_issue: Counter[int] = Counter()
        self.open_ages = [0, 0, 0, 0]
        self.overdue_reviews = [0] * len(MONTH_BANDS)
        self.appeals_by_decision: Counter[str] = Counter()
        self.appeals_by_outcome: Counter[str] = Counter()
        self.budgets = [0, 0, 0]

    # Counting ----------------------------------------------------------------------------

    def add(self, case: StoredCase, evaluation: Verdicts) -> None:
        """Count one case, evaluated as of the tally's date.

        ``evaluation`` is the case's :class:`sendflow.Evaluation`, or its
        :class:`~sendflow.compliance.verdicts.StoredVerdicts` when the case has no event
        after the tally's date (the case's ``events`` then need hold only those named in
        :data:`EVENTS_READ` and its start event).
        """
        for result in evaluation.time_limits:
            self._clock(case.case_id, result)
        if case.process == ASSESSMENT:
            self._assessment(case, evaluation)
        elif case.process == "annual-review":
            self._overdue_review(case.case_id, evaluation)
        elif case.process == "appeal":
            self._appeal(case)
        elif case.process == "personal-budget":
            self._budget(case, evaluation)
        elif case.process == "statement-transfer":
            self.transfers.add(case, evaluation, self.trace)

    def _note(self, indicator: str, case_id: str, on: date | None, counted: str) -> None:
        if self.trace is not None:
            self.trace(TraceRow(indicator, case_id, on, counted))

    def _count(self, indicator: str, case_id: str, on: date | None, on_time: bool) -> None:
        self.rates[indicator] = self.rates.get(indicator, Rate()) + Rate(int(on_time), 1)
        self._note(indicator, case_id, on, "on time" if on_time else "late")

    def _clock(self, case_id: str, result: Verdict) -> None:
        rule = result.rule
        if rule == "decide-whether-to-assess":
            if result.met_on in self.period and result.status in _SETTLED:
                self._count("decisions_within_6_weeks", case_id, result.met_on, _met(result))
        elif rule == "annual-review":
            if result.due_on in self.period and result.status in _SETTLED:
                self._count("annual_reviews_on_time", case_id, result.due_on, _met(result))
        elif rule == "advice":
            settled = _settled_on(result)
            if settled in self.period:
                group = duty_holder(result.key)
                self.advice[group] += Rate(int(_met(result)), 1)
                self._note(f"advice_within_6_weeks_{group}", case_id, settled, _said(result))
        elif rule in _PLAIN_RATES or rule.startswith(ORDERS) or rule == "agreement-other-actions":
            settled = _settled_on(result)
            if settled in self.period:
                name = _PLAIN_RATES.get(rule, "orders_complied_on_time")
                self._count(name, case_id, settled, _met(result))

    def _assessment(self, case: StoredCase, evaluation: Verdicts) -> None:
        case_id = case.case_id
        requested_on = case.events[0].on
        if requested_on in self.period:
            self.requests += 1
            self.months[month_key(requested_on)].requests += 1
            self._note("requests_received", case_id, requested_on, case.events[0].name)
        if requested_on in self.year_before:
            self.requests_year_before += 1
        if not evaluation.final:
            self._open(case_id, (self.as_of - requested_on).days)
        issued_on = _latest_on(case, "final_plan_issued")
        if issued_on not in self.period or issued_on is None:
            return
        self.plans += 1
        if case_id in self.left_out or _reversed_on_appeal(case):
            self.plans_left_out += 1
            self._note("plans_issued", case_id, issued_on, "left out: mediation or tribunal")
            return
        self._note("plans_issued", case_id, issued_on, "counted")
        days = (issued_on - requested_on).days
        final = _final_plan(evaluation)
        if final is None:  # a start event the 20-week clock does not (yet) start from
            on_time = days <= TWENTY_WEEKS
            exceptions = tuple(
                e.data.get("reason", "") for e in case.events if e.name == "exception_recorded"
            )
        else:
            on_time, exceptions = final.status is Status.MET, final.exceptions
        self.days_to_issue[days] += 1
        month = self.months[month_key(issued_on)]
        month.including += Rate(int(on_time), 1)
        self._count("plans_within_20_weeks_including_exceptions", case_id, issued_on, on_time)
        if exceptions:
            self._note(
                "plans_within_20_weeks_excluding_exceptions",
                case_id,
                issued_on,
                "left out: exception " + ", ".join(exceptions),
            )
            return
        month.excluding += Rate(int(on_time), 1)
        self._count("plans_within_20_weeks_excluding_exceptions", case_id, issued_on, on_time)

    def _open(self, case_id: str, days: int) -> None:
        band = 0 if days <= TWENTY_WEEKS else 1 if days <= 210 else 2 if days <= 364 else 3
        self.open_ages[band] += 1
        labels = ("up to 20 weeks", "20 to 30 weeks", "30 to 52 weeks", "over 52 weeks")
        self._note("open_assessments_by_age", case_id, self.as_of, labels[band])

    def _overdue_review(self, case_id: str, evaluation: Verdicts) -> None:
        due_on = overdue_review(evaluation)
        if due_on is None:
            return
        months = months_late(due_on, self.as_of)
        band = review_band(months)
        self.overdue_reviews[band] += 1
        late = f"{months} month{'' if months == 1 else 's'} late ({MONTH_BANDS[band][1]})"
        self._note("overdue_annual_reviews_by_months_late", case_id, due_on, late)

    def _appeal(self, case: StoredCase) -> None:
        registered = _latest_on(case, "appeal_registered")
        if registered not in self.period or registered is None:
            return
        decision = str(case.events[0].data.get("decision", "unknown"))
        outcome = _appeal_outcome(case, self.as_of)
        self.appeals_by_decision[decision] += 1
        self.appeals_by_outcome[outcome] += 1
        self._note("appeals_registered", case.case_id, registered, f"{decision}; {outcome}")

    def _budget(self, case: StoredCase, evaluation: Verdicts) -> None:
        if evaluation.state in _BUDGET_STATES:
            self.budgets[0] += 1
            active = evaluation.state == "direct_payments_active"
            self.budgets[1] += active
            self._note(
                "personal_budgets",
                case.case_id,
                self.as_of,
                "direct payments" if active else "in place",
            )
        for event in case.events:
            if event.name == "direct_payments_refused" and event.on in self.period:
                self.budgets[2] += 1
                self._note("personal_budgets", case.case_id, event.on, "direct payments refused")

    # Results -----------------------------------------------------------------------------

    def report(self) -> Report:
        """The figures counted so far."""
        rate = self.rates.get
        figures = Figures(
            requests_received=Requests(
                self.requests,
                {key: month.requests for key, month in self.months.items()},
                self.requests_year_before,
            ),
            decisions_within_6_weeks=rate("decisions_within_6_weeks", Rate()),
            plans_issued=PlansIssued(self.plans, self.plans_left_out),
            plans_within_20_weeks_including_exceptions=rate(
                "plans_within_20_weeks_including_exceptions", Rate()
            ),
            plans_within_20_weeks_excluding_exceptions=rate(
                "plans_within_20_weeks_excluding_exceptions", Rate()
            ),
            weeks_to_issue=_weeks(self.days_to_issue),
            open_assessments_by_age=OpenAssessments(*self.open_ages),
            advice_within_6_weeks=AdviceByParty(**self.advice),
            annual_reviews_on_time=rate("annual_reviews_on_time", Rate()),
            overdue_annual_reviews_by_months_late=OverdueReviews(*self.overdue_reviews),
            review_decisions_within_4_weeks=rate("review_decisions_within_4_weeks", Rate()),
            amended_plans_within_8_weeks=rate("amended_plans_within_8_weeks", Rate()),
            phase_transfers_on_time=rate("phase_transfers_on_time", Rate()),
            transfers=self.transfers.figures(),
            appeals_registered=Appeals(
                sum(self.appeals_by_decision.values()),
                dict(sorted(self.appeals_by_decision.items())),
                dict(sorted(self.appeals_by_outcome.items())),
            ),
            orders_complied_on_time=rate("orders_complied_on_time", Rate()),
            personal_budgets=PersonalBudgets(*self.budgets),
        )
        months = tuple(
            MonthFigures(key, month.requests, month.including, month.excluding)
            for key, month in self.months.items()
        )
        return Report(self.period, self.as_of, figures, months)


def _met(result: Verdict) -> bool:
    return result.status is Status.MET


def _said(result: Verdict) -> str:
    return f"{'on time' if _met(result) else 'late'} ({result.key})"


def _final_plan(evaluation: Verdicts) -> Verdict | None:
    try:
        return evaluation.result("final-plan")
    except KeyError:
        return None


def _latest_on(case: StoredCase, event: str) -> date | None:
    found = None
    for item in case.events:
        if item.name == event:
            found = item.on
    return found


def _reversed_on_appeal(case: StoredCase) -> bool:
    return any(
        e.name == "refusal_reversed" and e.data.get("route") in LEFT_OUT_ROUTES for e in case.events
    )


def _appeal_outcome(case: StoredCase, as_of: date) -> str:
    outcome = "awaiting decision"
    for event in case.events:
        if event.on > as_of:
            break
        if event.name == "tribunal_decided":
            dismissed = event.data.get("order") == "dismissed"
            outcome = "dismissed" if dismissed else "decided for the family"
        elif event.name == "appeal_conceded":
            outcome = "conceded by the local authority"
        elif event.name == "appeal_withdrawn":
            outcome = "withdrawn"
    return outcome


def _weeks(days: Counter[int]) -> WeeksToIssue:
    total = sum(days.values())
    if not total:
        return WeeksToIssue(None, None, 0, 0, 0)
    mean = sum(d * n for d, n in days.items()) / total / 7
    ordered = sorted(days.items())
    middle = (_nth(ordered, (total - 1) // 2) + _nth(ordered, total // 2)) / 2
    return WeeksToIssue(
        round(mean, 2),
        round(middle / 7, 2),
        sum(n for d, n in ordered if d <= TWENTY_WEEKS),
        sum(n for d, n in ordered if TWENTY_WEEKS < d <= 364),
        sum(n for d, n in ordered if d > 364),
    )


def _nth(ordered: list[tuple[int, int]], index: int) -> int:
    """The ``index``-th smallest (from 0) of the values counted in ``ordered``."""
    seen = 0
    for value, count in ordered:
        seen += count
        if index < seen:
            return value
    raise IndexError(index)
