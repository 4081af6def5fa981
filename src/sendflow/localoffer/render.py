"""A check's report as a plain-text table, Markdown or JSON text."""

from __future__ import annotations

import json

from sendflow.localoffer.results import Report, report_to_json

__all__ = ["render_json", "render_markdown", "render_table"]

MARK = {"pass": "PASS", "warn": "WARN", "fail": "FAIL", "skipped": "SKIP"}


def _heading(report: Report) -> list[str]:
    return [
        f"Local offer check of {report.feed}",
        f"{report.form} ({report.version_decided_by}); as of {report.as_of}; "
        f"{report.services:,} services, {report.active_services:,} active.",
        f"Coverage score: {report.score:.1f}% of Schedule 2 topics.",
    ]


def render_table(report: Report) -> str:
    """The report as plain text for a terminal."""
    lines = [*_heading(report), "", "Checks"]
    for check in report.checks:
        lines.append(
            f"  {check.number:>3}  {MARK[check.status.value]}  {check.title}: {check.summary}"
        )
        for finding in check.findings:
            if finding.shown:
                more = ", ..." if (finding.count or 0) > len(finding.ids) else ""
                ids = f" [{', '.join(finding.ids)}{more}]" if finding.ids else ""
                lines.append(
                    f"            - {finding.text}"
                    + (f" ({finding.count:,})" if finding.count else "")
                    + ids
                )
    lines += ["", "Schedule 2 topics"]
    for topic in report.topics:
        lines.append(
            f"  {topic.coverage.value:<13} {topic.title} ({topic.reference}, "
            f"{topic.evidence.value}) {topic.count:,} from the {topic.source}"
        )
    if report.problems:
        lines += ["", f"Feed problems (first {report.problems_shown:,})"]
        lines += [f"  {p.severity.value}: {p}" for p in report.problems]
    if report.fix_first:
        lines += ["", "Fix first"]
        lines += [f"  {i}. {fix}" for i, fix in enumerate(report.fix_first, 1)]
    return "\n".join(lines) + "\n"


def render_markdown(report: Report) -> str:
    """The report as Markdown."""
    head = _heading(report)
    lines = [f"# {head[0]}", "", head[1], "", f"**{head[2]}**", ""]
    if report.fix_first:
        lines += (
            ["## Fix first", ""] + [f"{i}. {f}" for i, f in enumerate(report.fix_first, 1)] + [""]
        )
    lines += [
        "## Checks",
        "",
        "| # | result | check | summary | reference |",
        "|---|---|---|---|---|",
    ]
    lines += [
        f"| {c.number} | {c.status.value} | {c.title} | {_cell(c.summary)} | "
        f"{c.reference} ({c.evidence.value}) |"
        for c in report.checks
    ]
    lines += [
        "",
        "## Schedule 2 topics",
        "",
        "| topic | coverage | records | reference |",
        "|---|---|---|---|",
    ]
    lines += [
        f"| {t.title} | {t.coverage.value} | {t.count} | {t.reference} ({t.evidence.value}) |"
        for t in report.topics
    ]
    if report.problems:
        lines += [
            "",
            "## Feed problems",
            "",
            "| severity | object | id | field | problem |",
            "|---|---|---|---|---|",
        ]
        lines += [
            f"| {p.severity.value} | {p.object_type} | {p.object_id} | `{p.field}` | "
            f"{_cell(p.message)} |"
            for p in report.problems
        ]
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def render_json(report: Report) -> str:
    """The report as JSON text (the public shape)."""
    return json.dumps(report_to_json(report), indent=2) + "\n"
