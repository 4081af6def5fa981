"""The indicators, counted one evaluated case at a time.

:class:`Tally` takes each case with its evaluation as of the report's date and keeps only
counts (and, for medians, a count per number of days), so memory stays flat however many
cases stream through. A case counts in a rate's period when the event that settles it
falls inside the period: the decision, the final plan, the advice; a clock never met
settles the day after it fell due. ``docs/compliance.md`` defines every indicator.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Iterable
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
from sendflow.engine.events import Event
from sendflow.engine.results import Status
from sendflow.store.records import StoredCase
from sendflow.time.periods import add_months

__all__ = [
    "APPEAL_OUTCOMES",
    "ASSESSMENT",
    "CLOCK_RULES",
    "EVENTS_READ",
    "LEFT_OUT_ROUTES",
    "MEDIATION",
    "ORDERS",
    "ORDERS_RATE",
    "RULES_READ",
    "TRIBUNAL",
    "TWENTY_WEEKS",
    "Tally",
    "duty_holder",
    "month_key",
]

ASSESSMENT = "ehc-needs-assessment"
LEFT_OUT_ROUTES = frozenset({"mediation", "tribunal"})
"""Reversal routes that put an assessment outside DfE's 20-week measure."""

APPEAL_OUTCOMES = frozenset({"tribunal_decided", "appeal_conceded", "appeal_withdrawn"})
"""The events that settle an appeal, as the tally reads them."""
EVENTS_READ = frozenset(
    {
        "final_plan_issued",
        "refusal_reversed",
        "exception_recorded",
        "direct_payments_refused",
        "appeal_registered",
        *APPEAL_OUTCOMES,
    }
)
"""The events the tally reads of a case, besides its start event."""

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
ORDERS_RATE = "orders_complied_on_time"
_RATE_OF = {
    "decide-whether-to-assess": "decisions_within_6_weeks",
    "annual-review": "annual_reviews_on_time",
    "advice": "advice_within_6_weeks",
    "agreement-other-actions": ORDERS_RATE,
    **_PLAIN_RATES,
}
CLOCK_RULES = frozenset(_RATE_OF)
"""The rules whose clocks count in a rate, besides every rule starting with :data:`ORDERS`."""
MEDIATION = frozenset({"mediation_held", "mediation_agreement_reached"})
"""Events that show an appeal reached mediation."""
TRIBUNAL = frozenset({"appeal_registered"})
"""Events that show an appeal was registered with the tribunal."""
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

    def _count(
        self, indicator: str, case_id: str, on: date | None, on_time: bool, n: int = 1
    ) -> None:
        self.rates[indicator] = self.rates.get(indicator, Rate()) + Rate(on_time * n, n)
        self._note(indicator, case_id, on, "on time" if on_time else "late")

    def _clock(self, case_id: str, result: Verdict) -> None:
        rule = result.rule
        if rule == "decide-whether-to-assess":
            on = result.met_on if result.status in _SETTLED else None
        elif rule == "annual-review":
            on = result.due_on if result.status in _SETTLED else None
        elif rule in _RATE_OF or rule.startswith(ORDERS):
            on = _settled_on(result)
        else:
            return
        if on in self.period:
            self.count_clock(rule, result.key, _met(result), case_id=case_id, on=on)

    def count_clock(
        self,
        rule: str,
        key: str | None,
        on_time: bool,
        n: int = 1,
        *,
        case_id: str = "",
        on: date | None = None,
    ) -> None:
        """Count ``n`` clocks of ``rule`` whose verdict settled in the period.

        ``key`` names the body asked, for advice; ``case_id`` and ``on`` (the day the
        verdict settled) go to the trace.
        """
        if rule == "advice":
            group = duty_holder(key)
            self.advice[group] += Rate(on_time * n, n)
            said = f"{'on time' if on_time else 'late'} ({key})"
            self._note(f"advice_within_6_weeks_{group}", case_id, on, said)
        else:
            self._count(_RATE_OF.get(rule, ORDERS_RATE), case_id, on, on_time, n)

    def _assessment(self, case: StoredCase, evaluation: Verdicts) -> None:
        case_id = case.case_id
        requested_on = case.events[0].on
        self.count_request(requested_on, case_id=case_id, start=case.events[0].name)
        if not evaluation.final:
            self.count_open(requested_on, case_id=case_id)
        issued_on = _latest_on(case.events, "final_plan_issued")
        if issued_on not in self.period or issued_on is None:
            return
        left_out = case_id in self.left_out or _reversed_on_appeal(case)
        final = _final_plan(evaluation)
        if final is None:  # a start event the 20-week clock does not (yet) start from
            on_time = (issued_on - requested_on).days <= TWENTY_WEEKS
            exceptions = tuple(
                e.data.get("reason", "") for e in case.events if e.name == "exception_recorded"
            )
        else:
            on_time, exceptions = final.status is Status.MET, final.exceptions
        self.count_plan(
            month_key(issued_on),
            (issued_on - requested_on).days,
            left_out=left_out,
            on_time=on_time,
            exceptions=exceptions,
            case_id=case_id,
            on=issued_on,
        )

    def count_request(
        self, requested_on: date, n: int = 1, *, case_id: str = "", start: str = ""
    ) -> None:
        """Count ``n`` assessments requested on ``requested_on`` (by event ``start``)."""
        if requested_on in self.period:
            self.requests += n
            self.months[month_key(requested_on)].requests += n
            self._note("requests_received", case_id, requested_on, start)
        if requested_on in self.year_before:
            self.requests_year_before += n

    def count_open(self, requested_on: date, n: int = 1, *, case_id: str = "") -> None:
        """Count ``n`` assessments requested on ``requested_on`` and open on the as-of date."""
        days = (self.as_of - requested_on).days
        band = 0 if days <= TWENTY_WEEKS else 1 if days <= 210 else 2 if days <= 364 else 3
        self.open_ages[band] += n
        labels = ("up to 20 weeks", "20 to 30 weeks", "30 to 52 weeks", "over 52 weeks")
        self._note("open_assessments_by_age", case_id, self.as_of, labels[band])

    def count_plan(
        self,
        month: str,
        days: int,
        *,
        left_out: bool,
        on_time: bool,
        exceptions: tuple[str, ...],
        n: int = 1,
        case_id: str = "",
        on: date | None = None,
    ) -> None:
        """Count ``n`` final plans issued in the period, in ``month``, ``days`` after the request.

        ``left_out`` says an appeal took the assessment to mediation or tribunal (DfE's
        measure leaves it out); ``exceptions`` are those the 20-week clock accepted; ``on``
        is the day of issue, for the trace.
        """
        self.plans += n
        if left_out:
            self.plans_left_out += n
            self._note("plans_issued", case_id, on, "left out: mediation or tribunal")
            return
        self._note("plans_issued", case_id, on, "counted")
        self.days_to_issue[days] += n
        figures = self.months[month]
        figures.including += Rate(on_time * n, n)
        self._count("plans_within_20_weeks_including_exceptions", case_id, on, on_time, n)
        if exceptions:
            self._note(
                "plans_within_20_weeks_excluding_exceptions",
                case_id,
                on,
                "left out: exception " + ", ".join(exceptions),
            )
            return
        figures.excluding += Rate(on_time * n, n)
        self._count("plans_within_20_weeks_excluding_exceptions", case_id, on, on_time, n)

    def _overdue_review(self, case_id: str, evaluation: Verdicts) -> None:
        due_on = overdue_review(evaluation)
        if due_on is not None:
            self.count_overdue_review(due_on, case_id=case_id)

    def count_overdue_review(self, due_on: date, n: int = 1, *, case_id: str = "") -> None:
        """Count ``n`` plans whose annual review, due on ``due_on``, is overdue."""
        months = months_late(due_on, self.as_of)
        band = review_band(months)
        self.overdue_reviews[band] += n
        late = f"{months} month{'' if months == 1 else 's'} late ({MONTH_BANDS[band][1]})"
        self._note("overdue_annual_reviews_by_months_late", case_id, due_on, late)

    def _appeal(self, case: StoredCase) -> None:
        events = case.events
        registered = _latest_on(events, "appeal_registered")
        if registered not in self.period or registered is None:
            return
        decision = events[0].data.get("decision")
        last = None
        for event in events:
            if event.on > self.as_of:
                break
            if event.name in APPEAL_OUTCOMES:
                last = event
        outcome = appeal_outcome(
            None if last is None else last.name, None if last is None else last.data.get("order")
        )
        self.count_appeal(decision, outcome, case_id=case.case_id, on=registered)

    def count_appeal(
        self,
        decision: object,
        outcome: str,
        n: int = 1,
        *,
        case_id: str = "",
        on: date | None = None,
    ) -> None:
        """Count ``n`` appeals registered in the period (``on``, for the trace).

        ``decision`` is the start event's ``decision`` (``None`` when it has none) and
        ``outcome`` the words :func:`appeal_outcome` gives.
        """
        decided = "unknown" if decision is None else str(decision)
        self.appeals_by_decision[decided] += n
        self.appeals_by_outcome[outcome] += n
        self._note("appeals_registered", case_id, on, f"{decided}; {outcome}")

    def _budget(self, case: StoredCase, evaluation: Verdicts) -> None:
        self.count_budget(evaluation.state, case_id=case.case_id)
        for event in case.events:
            if event.name == "direct_payments_refused" and event.on in self.period:
                self.count_refusals(event.on, case_id=case.case_id)

    def count_budget(self, state: str, n: int = 1, *, case_id: str = "") -> None:
        """Count ``n`` personal-budget cases in ``state`` on the as-of date."""
        if state in _BUDGET_STATES:
            self.budgets[0] += n
            active = state == "direct_payments_active"
            self.budgets[1] += active * n
            self._note(
                "personal_budgets",
                case_id,
                self.as_of,
                "direct payments" if active else "in place",
            )

    def count_refusals(self, on: date | None, n: int = 1, *, case_id: str = "") -> None:
        """Count ``n`` refusals of direct payments in the period (``on`` for the trace)."""
        self.budgets[2] += n
        self._note("personal_budgets", case_id, on, "direct payments refused")

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


def _final_plan(evaluation: Verdicts) -> Verdict | None:
    try:
        return evaluation.result("final-plan")
    except KeyError:
        return None


def _latest_on(events: Iterable[Event], event: str) -> date | None:
    found = None
    for item in events:
        if item.name == event:
            found = item.on
    return found


def _reversed_on_appeal(case: StoredCase) -> bool:
    return any(
        e.name == "refusal_reversed" and e.data.get("route") in LEFT_OUT_ROUTES for e in case.events
    )


def appeal_outcome(event: str | None, order: object) -> str:
    """An appeal's outcome in words, from the name of its latest settling event, if any.

    ``order`` is that event's ``order`` (a tribunal's decision: ``dismissed`` or what it
    ordered).
    """
    if event == "tribunal_decided":
        return "dismissed" if order == "dismissed" else "decided for the family"
    if event == "appeal_conceded":
        return "conceded by the local authority"
    if event == "appeal_withdrawn":
        return "withdrawn"
    return "awaiting decision"


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
