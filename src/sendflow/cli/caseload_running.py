"""What the caseload commands run: simulating, the demo, SEN2 extracts in and out."""

from __future__ import annotations

import argparse
import csv
import sys
import time
from datetime import date
from pathlib import Path
from typing import IO

import attrs

from sendflow.cli.database import database_url, open_store, pipeline_after
from sendflow.cli.output import emit, warn
from sendflow.cli.report_running import report_period, write_report
from sendflow.compliance import (
    Rate,
    ReportPeriod,
    StoredCase,
    TransferPlan,
    calendar_year,
    measure_store,
)
from sendflow.compliance.measuring import appeal_stages
from sendflow.compliance.sen2 import COLUMNS, read_sen2, sen2_rows
from sendflow.errors import SendflowError
from sendflow.reports import Drilldown
from sendflow.simulation import Council, simulate, transfer_plan_rows
from sendflow.store import CaseNotFoundError, Store

__all__ = ["DEMO", "run_demo", "run_sen2_export", "run_sen2_import", "run_simulate"]

DEMO = Council(
    requests=5000,
    first=date(2014, 9, 1),
    last=date(2024, 12, 31),
    seed=2014,
    statements=1400,
    prefix="demo-",
)
"""The demo council: mid-sized (about 1 in 150 of England's requests), September 2014 to 2024."""


def run_simulate(args: argparse.Namespace) -> int:
    """Simulate a council into the store."""
    council = Council(
        requests=args.cases,
        first=args.first,
        last=args.last,
        seed=args.seed,
        performance=args.performance,
        statements=args.statements,
        prefix=args.prefix,
    )
    started = time.perf_counter()
    with open_store(args) as store:
        report = simulate(store, council)
    seconds = time.perf_counter() - started
    emit(f"simulated {report.cases:,} case(s), {report.events:,} event(s) in {seconds:.1f} s")
    return 0


def run_demo(args: argparse.Namespace) -> int:
    """Simulate the demo council (once) and write its report."""
    url = database_url(args.db)
    plan_path = args.output.with_name(args.output.stem + "-transfer-plan.csv")
    rows = transfer_plan_rows(DEMO)
    with Store(url) as store:
        try:
            store.version(f"{DEMO.prefix}A000001")
            emit(f"using the demo council already in {url}")
        except CaseNotFoundError:
            emit(f"simulating a mid-sized council into {url} ...")
            done = simulate(store, DEMO)
            emit(f"  {done.cases:,} cases, {done.events:,} events")
        drilldown = Drilldown()
        as_of = DEMO.last
        report = measure_store(
            store,
            calendar_year(as_of.year),
            as_of=as_of,
            plan=TransferPlan(tuple(rows)),
            trace=drilldown,
        )
    _write_plan(plan_path, rows)
    write_report(report, "html", args.output, plan=TransferPlan(tuple(rows)), drilldown=drilldown)
    f = report.indicators
    lines = [
        ("requests received", f"{f.requests_received.count:,}"),
        ("decisions within 6 weeks", _rate(f.decisions_within_6_weeks)),
        (
            "plans within 20 weeks, excl. exceptions",
            _rate(f.plans_within_20_weeks_excluding_exceptions),
        ),
        (
            "plans within 20 weeks, incl. exceptions",
            _rate(f.plans_within_20_weeks_including_exceptions),
        ),
        ("annual reviews on time", _rate(f.annual_reviews_on_time)),
        ("appeals registered", f"{f.appeals_registered.count:,}"),
    ]
    emit(
        "\n".join(
            [
                f"Calendar year {as_of.year}, as at {as_of.isoformat()}:",
                *(f"  {name:<42}{value}" for name, value in lines),
                f"report: {args.output.resolve()}",
            ]
        )
    )
    return 0


def _rate(rate: Rate) -> str:
    shown = "n/a" if rate.percent is None else f"{rate.percent:.1f}%"
    return f"{shown} ({rate.numerator:,} of {rate.denominator:,})"


def _write_plan(path: Path, rows: list[tuple[date, int]]) -> None:
    text = "date,planned\n" + "".join(f"{on.isoformat()},{count}\n" for on, count in rows)
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise SendflowError(f"{path}: cannot write the transfer plan: {exc.strerror}.") from exc


def run_sen2_import(args: argparse.Namespace) -> int:
    """Import an SEN2-style extract."""
    try:
        lines = args.path.read_text(encoding="utf-8-sig").splitlines()
    except OSError as exc:
        raise SendflowError(f"{args.path}: cannot read the extract: {exc.strerror}.") from exc
    sources = list(read_sen2(lines, where=str(args.path)))
    with open_store(args) as store:
        report = store.import_cases(
            sources, skip_bad=args.skip_bad, pipeline_after=pipeline_after()
        )
    for bad in report.bad:
        warn(f"sendflow sen2-import: skipped {bad}")
    emit(f"imported {report.cases:,} case(s), {report.events:,} event(s)")
    return 0


def run_sen2_export(args: argparse.Namespace) -> int:
    """Write the stored assessments as an SEN2-style extract, one row at a time."""
    written = 0
    with open_store(args) as store:
        period, as_of, _ = report_period(args, store)
        mediation, tribunal = appeal_stages(
            store.iter_cases(process="appeal", recorded=False), as_of=as_of
        )
        cases = (
            _cut(case, as_of)
            for case in store.iter_cases(recorded=False)
            if case.process == "ehc-needs-assessment" and case.events[0].on <= as_of
        )
        rows = sen2_rows(cases, mediation=mediation, tribunal=tribunal)
        stream = sys.stdout if args.output is None else _open(args.output)
        try:
            writer = csv.DictWriter(stream, fieldnames=COLUMNS, lineterminator="\n")
            writer.writeheader()
            for row in rows:
                if args.first is None or _touches(row, period):
                    writer.writerow(row)
                    written += 1
        finally:
            if args.output is not None:
                stream.close()
    if args.output is not None:
        emit(f"wrote {written:,} row(s) to {args.output}")
    return 0


def _open(path: Path) -> IO[str]:
    try:
        return path.open("w", encoding="utf-8", newline="")
    except OSError as exc:
        raise SendflowError(f"{path}: cannot write the extract: {exc.strerror}.") from exc


def _cut(case: StoredCase, as_of: date) -> StoredCase:
    if case.events[-1].on <= as_of:
        return case
    return attrs.evolve(case, events=tuple(e for e in case.events if e.on <= as_of))


def _touches(row: dict[str, str], period: ReportPeriod) -> bool:
    """Whether a row was received, decided or settled in the period, or open at its end."""
    days = (row["received_date"], row["request_outcome_date"], row["assessment_outcome_date"])
    if any(day and date.fromisoformat(day) in period for day in days):
        return True
    still_open = row["request_outcome"] == "A" or row["assessment_outcome"] == "A"
    return still_open and date.fromisoformat(row["received_date"]) <= period.last
