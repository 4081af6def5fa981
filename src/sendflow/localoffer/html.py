"""The report as one self-contained HTML page for a council officer."""

from __future__ import annotations

from html import escape

from sendflow.localoffer.page_style import page
from sendflow.localoffer.results import Coverage, Finding, Report, Status
from sendflow.localoffer.words import plural

__all__ = ["render_html"]

_LABEL = {"pass": "Pass", "warn": "Review", "fail": "Fail", "skipped": "Not run"}
_TOPIC = {
    Coverage.COVERED: ("covered", "Covered"),
    Coverage.KEYWORD_ONLY: ("keyword", "By keyword"),
    Coverage.MISSING: ("missing", "Missing"),
}


def _ids(ids: tuple[str, ...], count: int | None) -> str:
    if not ids:
        return ""
    count = count or len(ids)
    more = f" and {count - len(ids):,} more" if count > len(ids) else ""
    return f' <span class="ids">{escape(", ".join(ids))}{more}</span>'


def _finding(finding: Finding) -> str:
    count = f" ({finding.count:,})" if finding.count else ""
    return f"<li>{escape(finding.text)}{count}{_ids(finding.ids, finding.count)}</li>"


def _tally(report: Report) -> str:
    counts = {s: sum(c.status is s for c in report.checks) for s in Status}
    return (
        f"{plural(counts[Status.FAIL], 'check')} failed, {counts[Status.WARN]} to review, "
        f"{counts[Status.PASS]} passed, {counts[Status.SKIPPED]} not run."
    )


def render_html(report: Report) -> str:
    """The report as a whole HTML document with inline styles and no scripts."""
    e = escape
    body = [
        f'<h1>Local offer check</h1><p class="lead">{e(report.feed)} &middot; {e(report.form)}'
        f" &middot; as of {report.as_of:%-d %B %Y} &middot; {report.services:,} services "
        f"({report.active_services:,} active)</p>",
        f'<p class="score">Schedule 2 coverage: {report.score:.0f}%</p>',
        f"<p>{_tally(report)}</p>",
    ]
    if report.fix_first:
        body.append(
            '<h2>Fix first</h2><ol class="fix">'
            + "".join(f"<li>{e(f)}</li>" for f in report.fix_first)
            + "</ol>"
        )
    rows = []
    for c in report.checks:
        shown = [f for f in c.findings if f.shown]
        findings = (
            '<ul class="findings">' + "".join(_finding(f) for f in shown) + "</ul>" if shown else ""
        )
        rows.append(
            f'<tr><td>{e(c.number)}</td><td><span class="tag {c.status.value}">'
            f"{_LABEL[c.status.value]}</span></td><td><strong>{e(c.title)}</strong><br>"
            f'{e(c.summary)}{findings}</td><td class="evidence">{e(c.reference)}<br>'
            f"evidence: {c.evidence.value}</td></tr>"
        )
    body.append(
        "<h2>Checks</h2><table><thead><tr><th>#</th><th>Result</th><th>Check</th>"
        "<th>Law or guidance</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>"
    )
    rows = []
    for t in report.topics:
        css, label = _TOPIC[t.coverage]
        if t.source == "manifest":
            detail = f"manifest, {t.note}" if t.count else (t.note or "")
        else:
            detail = plural(t.count, "service record") if t.count else "no service record"
        rows.append(
            f'<tr><td><span class="tag {css}">{label}</span></td><td>{e(t.title)}</td>'
            f"<td>{e(detail)}{_ids(t.ids[:5], t.count if t.source == 'feed' else len(t.ids))}</td>"
            f'<td class="evidence">{e(t.reference)}<br>evidence: {t.evidence.value}</td></tr>'
        )
    body.append(
        "<h2>Schedule 2 topics</h2><table><thead><tr><th>Coverage</th><th>Topic</th>"
        "<th>Found in</th><th>Reference</th></tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table>"
    )
    if report.problems:
        rows = [
            f"<tr><td>{p.severity.value}</td><td>{e(p.object_type)}</td><td><code>"
            f"{e(p.object_id)}</code></td><td><code>{e(p.field)}</code></td><td>{e(p.message)}"
            "</td></tr>"
            for p in report.problems
        ]
        body.append(
            f"<h2>Feed problems (first {report.problems_shown:,})</h2><table><thead><tr>"
            "<th>Severity</th><th>Object</th><th>Id</th><th>Field</th><th>Problem</th>"
            "</tr></thead><tbody>" + "".join(rows) + "</tbody></table>"
        )
    return page(f"Local offer check: {report.feed}", "".join(body))
