"""The committee report as one self-contained HTML page: inline SVG, no script, no fonts.

Laid out to be read in five minutes: the key figures first, then one section per topic
with a chart, a sentence saying what it shows, and the figures, then how they are counted
and an appendix listing the cases behind each figure.
"""

from __future__ import annotations

from datetime import date, timedelta
from html import escape

from sendflow.compliance.figures import Rate, Report
from sendflow.compliance.national import NationalFigures
from sendflow.compliance.transfers import TransferPlan
from sendflow.reports.charts import bar_chart, line_chart, percent_bars
from sendflow.reports.page_parts import STYLE, appendix, card, section
from sendflow.reports.traces import Drilldown
from sendflow.reports.words import (
    DECISIONS,
    MONTHS_LATE,
    RATES,
    day_words,
    england_year,
    month_words,
    months_late_counts,
    number,
    rate_words,
)

__all__ = ["render_html"]


def render_html(
    report: Report,
    *,
    national: NationalFigures,
    title: str = "EHC plans and SEND time limits",
    drilldown: Drilldown | None = None,
    plan: TransferPlan | None = None,
) -> str:
    """The report as a complete HTML document."""
    figures = report.indicators
    england = england_year(report, national)
    headline = figures.plans_within_20_weeks_excluding_exceptions
    open_ages = figures.open_assessments_by_age
    late_open = open_ages.from_20_to_30 + open_ages.from_30_to_52 + open_ages.over_52
    cards = [
        card(
            _percent(headline),
            "of new EHC plans issued within 20 weeks (excluding exceptions)",
            f"England {england.year}: {england.excluding_exceptions.percent:.1f}%",
        ),
        card(
            number(figures.requests_received.count),
            "requests for an EHC needs assessment",
            _change(figures.requests_received.count, figures.requests_received.previous_year),
        ),
        card(
            _percent(figures.decisions_within_6_weeks),
            "of decisions whether to assess made within 6 weeks",
            f"England 2024: {100 * national.share('decided_within_6_weeks'):.1f}%",
        ),
        card(
            number(late_open),
            "assessments still open after 20 weeks",
            f"on {day_words(report.as_of)}, of {number(late_open + open_ages.up_to_20)} open",
        ),
        card(_percent(figures.annual_reviews_on_time), "of annual reviews on time", ""),
        card(number(figures.appeals_registered.count), "appeals registered with the tribunal", ""),
    ]
    body = [
        f"<header><h1>{escape(title)}</h1><p class='lead'>Report for {escape(_period(report))}. "
        f"Figures as at {day_words(report.as_of)}.</p></header>",
        "<section class='cards' aria-label='Key figures'>" + "".join(cards) + "</section>",
        _requests(report),
        _timeliness(report, national),
        _weeks(report),
        _open(report),
        _advice(report),
        _other_rates(report),
        _overdue_reviews(report),
        _transfers(report, plan),
        _appeals(report),
        _budgets(report),
        _england(national),
        _method(),
    ]
    if drilldown is not None:
        body.append(appendix(drilldown))
    return (
        "<!DOCTYPE html><html lang='en-GB'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{escape(title)}: {escape(_period(report))}</title><style>{STYLE}</style></head>"
        f"<body><main>{''.join(body)}</main></body></html>\n"
    )


def _period(report: Report) -> str:
    return f"{day_words(report.period.first)} to {day_words(report.period.last)}"


def _change(now: int, before: int) -> str:
    """The change on the year before, in words."""
    if not before:
        return "none in the year before"
    change = 100 * (now - before) / before
    direction = "up" if change >= 0 else "down"
    return f"{direction} {abs(change):.0f}% on the year before ({number(before)})"


def _percent(rate: Rate) -> str:
    return "n/a" if rate.percent is None else f"{rate.percent:.1f}%"


def _requests(report: Report) -> str:
    months = report.months
    chart = bar_chart(
        [month_words(m.month) for m in months],
        [m.requests_received for m in months],
        label="Requests for an EHC needs assessment received each month",
    )
    count = report.indicators.requests_received.count
    return section(
        "requests",
        "Requests for an assessment",
        f"{number(count)} requests for an EHC needs assessment were received in the period "
        "(counting children the council became responsible for without a request).",
        chart if count else "",
    )


def _timeliness(report: Report, national: NationalFigures) -> str:
    figures = report.indicators
    months = report.months
    including = [m.plans_within_20_weeks_including_exceptions.percent for m in months]
    excluding = [m.plans_within_20_weeks_excluding_exceptions.percent for m in months]
    england = [national.year(int(m.month[:4])).excluding_exceptions.percent for m in months]
    chart = line_chart(
        [month_words(m.month) for m in months],
        [
            ("Excluding exceptions", excluding, False),
            ("Including exceptions", including, False),
            ("England (excluding exceptions)", england, True),
        ],
        label="Plans issued within 20 weeks each month, with England's figure for the year",
        top=100,
        suffix="%",
    )
    issued = figures.plans_issued
    text = (
        f"Of {number(issued.count)} new EHC plans issued, "
        f"{rate_words(figures.plans_within_20_weeks_excluding_exceptions)} came within 20 "
        "weeks of the request, leaving out plans where an exception applied (DfE's headline "
        f"measure); {rate_words(figures.plans_within_20_weeks_including_exceptions)} counting "
        f"them. {number(issued.mediation_or_tribunal)} plans are left out because the "
        "assessment went to mediation or the tribunal, as DfE does. Months are by the date "
        "the final plan was issued."
    )
    has_any = any(v is not None for v in including)
    return section(
        "timeliness", "New EHC plans issued within 20 weeks", text, chart if has_any else ""
    )


def _weeks(report: Report) -> str:
    weeks = report.indicators.weeks_to_issue
    values = [weeks.up_to_20, weeks.from_20_to_52, weeks.over_52]
    chart = bar_chart(
        ["Up to 20 weeks", "20 to 52 weeks", "Over 52 weeks"],
        values,
        label="New EHC plans by weeks from request to final plan",
        height=200,
    )
    if weeks.mean is None:
        return section("weeks", "How long plans took", "No new plans were counted.", "")
    text = (
        f"On average a plan took {weeks.mean:.1f} weeks from request to final plan "
        f"(half took {weeks.median:.1f} weeks or less). {number(weeks.over_52)} took over a year."
    )
    return section("weeks", "How long plans took", text, chart)


def _open(report: Report) -> str:
    ages = report.indicators.open_assessments_by_age
    values = [ages.up_to_20, ages.from_20_to_30, ages.from_30_to_52, ages.over_52]
    chart = bar_chart(
        ["Up to 20 weeks", "20 to 30 weeks", "30 to 52 weeks", "Over 52 weeks"],
        values,
        label="Assessments still open, by weeks since the request",
        height=200,
    )
    text = (
        f"On {day_words(report.as_of)}, {number(sum(values))} requests were still open "
        f"(awaiting a decision, being assessed or awaiting the final plan); "
        f"{number(sum(values[1:]))} of them had passed 20 weeks."
    )
    return section("open", "Assessments still open", text, chart if sum(values) else "")


def _advice(report: Report) -> str:
    advice = report.indicators.advice_within_6_weeks
    rows = [
        ("Education (including psychology)", advice.education),
        ("Health", advice.health),
        ("Social care", advice.social_care),
        ("Others asked", advice.other),
    ]
    shown = [(name, rate.percent, _of(rate)) for name, rate in rows if rate.denominator]
    text = (
        "The law gives each body asked for advice 6 weeks to give it. This shows how often "
        "each partner did, for advice given (or overdue) in the period."
    )
    chart = percent_bars(shown, label="Advice given within 6 weeks, by partner") if shown else ""
    return section("advice", "Advice from partners within 6 weeks", text, chart)


def _of(rate: Rate) -> str:
    return f"({number(rate.numerator)} of {number(rate.denominator)})"


def _other_rates(report: Report) -> str:
    figures = report.indicators
    rows = [(name, getattr(figures, key)) for key, name in RATES]
    shown = [(name, rate.percent, _of(rate)) for name, rate in rows if rate.denominator]
    text = (
        "Once a plan is in place it must be reviewed every 12 months, the decision sent within "
        "4 weeks of the review meeting and any amended plan issued within 8 weeks; tribunal "
        "orders and mediation agreements have their own time limits."
    )
    chart = percent_bars(shown, label="Other time limits met") if shown else ""
    return section("reviews", "Reviews, amendments and orders", text, chart)


def _overdue_reviews(report: Report) -> str:
    values = months_late_counts(report)
    chart = bar_chart(
        list(MONTHS_LATE),
        values,
        label="Plans whose annual review is overdue, by months late",
        height=200,
    )
    text = (
        f"On {day_words(report.as_of)}, {number(sum(values))} plans were past their 12 months "
        f"without a review decision; {number(sum(values[2:]))} of them by 3 months or more."
    )
    return section("overdue-reviews", "Annual reviews overdue", text, chart if sum(values) else "")


def _transfers(report: Report, plan: TransferPlan | None) -> str:
    transfers = report.indicators.transfers
    if not transfers.cohort:
        return section(
            "transfers", "Transfers from statements", "No transfer reviews are recorded.", ""
        )
    months = sorted(transfers.completed_by_month)
    done, total = [], 0
    for month in months:
        total += transfers.completed_by_month[month]
        done.append(float(total))
    series = [("Completed", done, False)]
    if plan is not None:
        series.append(("Planned", [float(plan.planned_by(_month_end(m))) for m in months], True))
    chart = line_chart(
        [month_words(m) for m in months], series, label="Transfers completed against the plan"
    )
    parts = [
        f"{number(transfers.completed)} of {number(transfers.cohort)} transfers completed "
        f"({transfers.percent:.1f}%)."
    ]
    if transfers.planned_to_date is not None:
        parts.append(f"The plan expected {number(transfers.planned_to_date)} by now.")
    if transfers.completed < transfers.cohort:
        parts.append(
            "At the current rate the last will be done by "
            f"{day_words(transfers.forecast_completion)}."
        )
        if transfers.required_rate_per_week is not None:
            parts.append(
                f"To finish by {day_words(transfers.deadline)} needs "
                f"{transfers.required_rate_per_week:.1f} a week."
            )
    else:
        parts.append(f"The last was completed on {day_words(transfers.forecast_completion)}.")
    return section(
        "transfers",
        "Transfers from statements to EHC plans",
        " ".join(parts),
        chart if months else "",
    )


def _month_end(key: str) -> date:
    year, month = int(key[:4]), int(key[5:7])
    following = date(year + (month == 12), month % 12 + 1, 1)
    return following - timedelta(days=1)


def _appeals(report: Report) -> str:
    appeals = report.indicators.appeals_registered
    if not appeals.count:
        return section(
            "appeals", "Appeals to the tribunal", "No appeals were registered in the period.", ""
        )
    decisions = list(appeals.by_decision.items())
    chart = bar_chart(
        [DECISIONS.get(name, name) for name, _ in decisions],
        [count for _, count in decisions],
        label="Appeals registered, by the decision appealed",
        height=200,
    )
    outcomes = "; ".join(
        f"{escape(name)}: {number(count)}" for name, count in appeals.by_outcome.items()
    )
    text = (
        f"{number(appeals.count)} appeals were registered with the tribunal. "
        f"Where they stand now: {outcomes}."
    )
    return section("appeals", "Appeals to the tribunal", text, chart)


def _budgets(report: Report) -> str:
    budgets = report.indicators.personal_budgets
    text = (
        f"On {day_words(report.as_of)}, {number(budgets.in_place)} personal budgets were in place, "
        f"{number(budgets.direct_payments)} of them paid as direct payments. "
        f"{number(budgets.refusals)} requests for direct payments were refused in the period."
    )
    return section("budgets", "Personal budgets", text, "")


def _england(national: NationalFigures) -> str:
    years = [y for y in national.years if y.year >= 2015]
    chart = line_chart(
        [str(y.year) for y in years],
        [
            ("Excluding exceptions", [y.excluding_exceptions.percent for y in years], False),
            ("Including exceptions", [y.including_exceptions.percent for y in years], False),
        ],
        label="England: new EHC plans issued within 20 weeks, by calendar year",
        top=100,
        suffix="%",
    )
    source = national.source
    text = (
        f"Source: {escape(source.publisher)}, <a href='{escape(source.url)}'>"
        f"{escape(source.publication)}</a>. {escape(source.notes)}"
    )
    return section("england", "England's figures for comparison", text, chart, raw=True)


def _method() -> str:
    text = (
        "A plan counts in the month and year its final version was issued. It was on time if "
        "issued at most 140 days (20 weeks) after the request was received, as the SEND "
        "Regulations 2014 count it. 'Excluding exceptions' leaves out plans where one of the "
        "exceptions the Regulations allow was recorded; assessments that went to mediation or "
        "the tribunal are left out of both figures, as in DfE's SEN2 return. Other rates count "
        "a case when the step that settles it happened in the period (or, for a step never "
        "taken, when it fell due). The appendix lists the cases behind each figure."
    )
    return section("method", "How these figures are counted", text, "")
