"""The pieces of the HTML report: its style sheet, figure cards, sections and appendix."""

from __future__ import annotations

from html import escape

from sendflow.reports.traces import Drilldown
from sendflow.reports.words import day_words, number

__all__ = ["STYLE", "appendix", "card", "section"]

STYLE = """
body{margin:0;background:#f3f2f1;color:#0b0c0c;font-family:Arial,Helvetica,sans-serif;
font-size:17px;line-height:1.45}
main{max-width:860px;margin:0 auto;background:#fff;padding:24px 32px 48px}
h1{font-size:30px;margin:0 0 6px}h2{font-size:22px;margin:32px 0 6px;
border-top:2px solid #1d70b8;padding-top:14px}
.lead{color:#505a5f;margin:0 0 18px}
.cards{display:grid;grid-template-columns:repeat(3,1fr);gap:12px}
.card{border-left:6px solid #1d70b8;background:#f3f2f1;padding:10px 14px}
.card .big{display:block;font-size:34px;font-weight:bold}
.card .what{display:block}.card .beside{display:block;color:#505a5f;font-size:15px}
svg.chart{width:100%;height:auto;margin:8px 0}
svg .tick{font-size:12px;fill:#505a5f}svg .value{font-size:12px;fill:#0b0c0c}
svg .name{font-size:14px;fill:#0b0c0c}svg .note{font-size:12px;fill:#505a5f}
details{margin:8px 0;border:1px solid #b1b4b6;padding:6px 10px}
summary{cursor:pointer;font-weight:bold}
table{border-collapse:collapse;width:100%;font-size:14px;margin-top:6px}
th,td{text-align:left;padding:3px 8px;border-bottom:1px solid #e5e5e5}
.small{color:#505a5f;font-size:15px}
@media print{body{background:#fff}main{padding:0}details{page-break-inside:avoid}}
"""

_NAMES = {
    "requests_received": "Requests received",
    "decisions_within_6_weeks": "Decisions whether to assess within 6 weeks",
    "plans_issued": "New EHC plans issued",
    "plans_within_20_weeks_including_exceptions": "Plans within 20 weeks, including exceptions",
    "plans_within_20_weeks_excluding_exceptions": "Plans within 20 weeks, excluding exceptions",
    "open_assessments_by_age": "Assessments still open",
    "advice_within_6_weeks_education": "Advice within 6 weeks: education",
    "advice_within_6_weeks_health": "Advice within 6 weeks: health",
    "advice_within_6_weeks_social_care": "Advice within 6 weeks: social care",
    "advice_within_6_weeks_other": "Advice within 6 weeks: others",
    "annual_reviews_on_time": "Annual reviews",
    "overdue_annual_reviews_by_months_late": "Annual reviews overdue, by months late",
    "review_decisions_within_4_weeks": "Review decisions within 4 weeks",
    "amended_plans_within_8_weeks": "Amended plans within 8 weeks",
    "phase_transfers_on_time": "Phase transfers",
    "orders_complied_on_time": "Tribunal orders and agreements",
    "appeals_registered": "Appeals registered",
    "personal_budgets": "Personal budgets",
    "transfers": "Transfers from statements",
}


def card(big: str, what: str, beside: str) -> str:
    """One key figure: the number, what it counts, and what to set it beside."""
    return (
        f"<div class='card'><span class='big'>{escape(big)}</span>"
        f"<span class='what'>{escape(what)}</span>"
        f"<span class='beside'>{escape(beside)}</span></div>"
    )


def section(anchor: str, title: str, text: str, chart: str, *, raw: bool = False) -> str:
    """A section: its heading, a paragraph (escaped unless ``raw``) and its chart."""
    words = text if raw else escape(text)
    return f"<section id='{anchor}'><h2>{escape(title)}</h2><p>{words}</p>{chart}</section>"


def appendix(drilldown: Drilldown) -> str:
    """The cases behind each figure, those late or left out first."""
    parts = [
        "<section id='appendix'><h2>Appendix: the cases behind each figure</h2>"
        "<p class='small'>Each list shows up to "
        f"{drilldown.limit} cases, late or left-out ones first. "
        "<code>sendflow report --format csv</code> writes every case for every figure.</p>"
    ]
    order = list(_NAMES)
    ranked = sorted(drilldown.indicators(), key=lambda n: (order.index(n) if n in order else 99, n))
    for indicator in ranked:
        rows = drilldown.rows(indicator)
        total = drilldown.counts[indicator]
        cells = "".join(
            f"<tr><td>{escape(row.case_id)}</td><td>{day_words(row.on)}</td>"
            f"<td>{escape(row.counted)}</td></tr>"
            for row in rows
        )
        name = _NAMES.get(indicator, indicator.replace("_", " ").capitalize())
        parts.append(
            f"<details><summary>{escape(name)}: {number(total)} cases "
            f"(showing {len(rows)})</summary><table><thead><tr><th>Case</th><th>Date</th>"
            f"<th>How it counted</th></tr></thead><tbody>{cells}</tbody></table></details>"
        )
    parts.append("</section>")
    return "".join(parts)
