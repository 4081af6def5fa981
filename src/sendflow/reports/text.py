"""The report as Markdown (for papers and e-mail) and as a summary CSV (one row a figure)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

from sendflow.compliance.figures import Report
from sendflow.compliance.national import NationalFigures
from sendflow.reports.shapes import report_json
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

__all__ = ["render_markdown", "summary_csv"]


def render_markdown(report: Report, *, national: NationalFigures) -> str:
    """The report as Markdown: key figures, then a table per topic."""
    f = report.indicators
    england = england_year(report, national)
    weeks = f.weeks_to_issue
    ages = f.open_assessments_by_age
    advice = f.advice_within_6_weeks
    lines = [
        "# EHC plans and SEND time limits",
        "",
        f"Report for {day_words(report.period.first)} to {day_words(report.period.last)}; "
        f"figures as at {day_words(report.as_of)}.",
        "",
        "## Key figures",
        "",
        "| figure | value | England |",
        "|---|---|---|",
        f"| Requests for an EHC needs assessment | {number(f.requests_received.count)} "
        f"({number(f.requests_received.previous_year)} the year before) | |",
        f"| Decisions whether to assess within 6 weeks | {rate_words(f.decisions_within_6_weeks)} "
        f"| {100 * national.share('decided_within_6_weeks'):.1f}% (2024) |",
        f"| New plans within 20 weeks, excluding exceptions "
        f"| {rate_words(f.plans_within_20_weeks_excluding_exceptions)} "
        f"| {england.excluding_exceptions.percent:.1f}% ({england.year}) |",
        f"| New plans within 20 weeks, including exceptions "
        f"| {rate_words(f.plans_within_20_weeks_including_exceptions)} "
        f"| {england.including_exceptions.percent:.1f}% ({england.year}) |",
        "| Plans left out (mediation or tribunal) "
        f"| {number(f.plans_issued.mediation_or_tribunal)} "
        f"of {number(f.plans_issued.count)} | |",
        f"| Weeks to issue: mean, median | {_weeks(weeks.mean)}, {_weeks(weeks.median)} | |",
        f"| Plans: up to 20 weeks, 20 to 52, over 52 | {weeks.up_to_20}, {weeks.from_20_to_52}, "
        f"{weeks.over_52} | |",
        f"| Open assessments: up to 20 weeks, 20 to 30, 30 to 52, over 52 | {ages.up_to_20}, "
        f"{ages.from_20_to_30}, {ages.from_30_to_52}, {ages.over_52} | |",
        "",
        "## Advice within 6 weeks",
        "",
        "| partner | within 6 weeks |",
        "|---|---|",
        f"| Education | {rate_words(advice.education)} |",
        f"| Health | {rate_words(advice.health)} |",
        f"| Social care | {rate_words(advice.social_care)} |",
        f"| Others | {rate_words(advice.other)} |",
        "",
        "## Other time limits",
        "",
        "| time limit | met |",
        "|---|---|",
        *(f"| {name} | {rate_words(getattr(f, key))} |" for key, name in RATES),
        "",
        "## Annual reviews overdue",
        "",
        f"Plans past their 12 months without a review decision on {day_words(report.as_of)}, "
        "by whole months late.",
        "",
        "| months late | plans |",
        "|---|---|",
        *(
            f"| {band} | {number(count)} |"
            for band, count in zip(MONTHS_LATE, months_late_counts(report), strict=True)
        ),
        "",
        *_transfers(report),
        "## Appeals registered",
        "",
        f"{number(f.appeals_registered.count)} appeals registered.",
        "",
        *(f"- {DECISIONS.get(k, k)}: {v}" for k, v in f.appeals_registered.by_decision.items()),
        *(f"- Now {k}: {v}" for k, v in f.appeals_registered.by_outcome.items()),
        "",
        "## Personal budgets",
        "",
        f"{number(f.personal_budgets.in_place)} in place, "
        f"{number(f.personal_budgets.direct_payments)} "
        f"as direct payments; {number(f.personal_budgets.refusals)} direct payments refused.",
        "",
        "## By month",
        "",
        "| month | requests | within 20 weeks, excl. exceptions | incl. exceptions |",
        "|---|---|---|---|",
        *(
            f"| {month_words(m.month)} | {m.requests_received} "
            f"| {rate_words(m.plans_within_20_weeks_excluding_exceptions)} "
            f"| {rate_words(m.plans_within_20_weeks_including_exceptions)} |"
            for m in report.months
        ),
        "",
        f"England's figures: {national.source.publisher}, {national.source.publication} "
        f"<{national.source.url}>.",
    ]
    return "\n".join(lines) + "\n"


def _weeks(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f}"


def _transfers(report: Report) -> list[str]:
    t = report.indicators.transfers
    if not t.cohort:
        return []
    planned = "n/a" if t.planned_to_date is None else number(t.planned_to_date)
    rate = "n/a" if t.required_rate_per_week is None else f"{t.required_rate_per_week:.1f}"
    return [
        "## Transfers from statements",
        "",
        f"{number(t.completed)} of {number(t.cohort)} completed ({t.percent:.1f}%); "
        f"planned by now: {planned}; forecast completion: {day_words(t.forecast_completion)}; "
        f"needed per week: {rate}.",
        "",
    ]


def summary_csv(report: Report) -> str:
    """Every figure as a CSV row: ``indicator``, ``measure``, ``value``."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(("indicator", "measure", "value"))
    data = report_json(report)
    writer.writerow(("period", "from", data["period"]["from"]))
    writer.writerow(("period", "to", data["period"]["to"]))
    writer.writerow(("as_of", "", data["as_of"]))
    for name, value in data["indicators"].items():
        for measure, item in _flat(value, ""):
            writer.writerow((name, measure, "" if item is None else item))
    return out.getvalue()


def _flat(value: Any, prefix: str) -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _flat(item, f"{prefix}.{key}" if prefix else str(key))
    else:
        yield prefix, value
