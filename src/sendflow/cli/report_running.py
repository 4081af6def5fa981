"""What ``sendflow report`` runs: reading the store, counting, writing the report."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

from sendflow.cli.database import database_url
from sendflow.cli.output import Progress, emit
from sendflow.compliance import (
    ReportPeriod,
    measure_store,
    read_transfer_plan,
    rolling_12_months,
)
from sendflow.compliance.figures import Report
from sendflow.compliance.national import england
from sendflow.compliance.transfers import TransferPlan
from sendflow.errors import SendflowError
from sendflow.reports import (
    CsvFolder,
    Drilldown,
    prepare_folder,
    render_html,
    render_markdown,
    report_json,
    summary_csv,
)
from sendflow.store import Store

__all__ = ["report_period", "run_report", "write_report"]

DEFAULT_OUTPUT = {"html": "sendflow-report.html", "csv": "sendflow-report-csv"}


def report_period(
    args: argparse.Namespace, store: Store, *, count: bool = False
) -> tuple[ReportPeriod, date, int]:
    """The period, the as-of date and (with ``count``) the number of cases stored.

    The store's case list is read only when it is needed: for the latest event when no
    date is given, or to size the progress bar.
    """
    as_of = args.as_of or args.last
    summaries = store.cases() if count or as_of is None else []
    if as_of is None:
        if not summaries:
            raise SendflowError(
                "the store holds no cases, so there is no latest event to report as of; "
                "import or simulate cases first, or give --as-of DATE."
            )
        as_of = max(s.last_event_on for s in summaries)
    last = args.last or as_of
    period = rolling_12_months(last) if args.first is None else ReportPeriod(args.first, last)
    return period, as_of, len(summaries)


def run_report(args: argparse.Namespace) -> int:
    """Count the figures and write the report."""
    plan = None if args.transfer_plan is None else read_transfer_plan(args.transfer_plan)
    output = args.output or (
        Path(DEFAULT_OUTPUT[args.format]) if args.format in DEFAULT_OUTPUT else None
    )
    folder = None
    if args.format == "csv" and output is not None:
        prepare_folder(output)
        folder = CsvFolder(output)
    drilldown = Drilldown() if args.format == "html" else None
    with Store(database_url(args.db)) as store:
        period, as_of, count = report_period(args, store, count=sys.stderr.isatty())
        progress = Progress(count, sys.stderr, label="counting")
        try:
            report = measure_store(
                store,
                period,
                as_of=as_of,
                plan=plan,
                trace=folder or drilldown,
                progress=progress.advance,
            )
        finally:
            progress.close()
            written = folder.close() if folder is not None else []
    path = write_report(report, args.format, output, plan=plan, drilldown=drilldown)
    if args.format == "csv" and path is not None:
        emit(f"wrote {path / 'indicators.csv'} and {len(written)} file(s) of cases in {path}")
    elif path is not None:
        emit(f"wrote {path}")
    return 0


def write_report(
    report: Report,
    form: str,
    output: Path | None,
    *,
    plan: TransferPlan | None = None,
    drilldown: Drilldown | None = None,
) -> Path | None:
    """Write ``report`` in ``form`` to ``output`` (standard output when ``None``)."""
    national = england()
    if form == "html":
        text = render_html(report, national=national, drilldown=drilldown, plan=plan)
    elif form == "md":
        text = render_markdown(report, national=national)
    elif form == "json":
        text = json.dumps(report_json(report), indent=2) + "\n"
    else:
        assert output is not None
        _write(output / "indicators.csv", summary_csv(report))
        return output
    if output is None:
        sys.stdout.write(text)
        return None
    _write(output, text)
    return output


def _write(path: Path, text: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise SendflowError(f"{path}: cannot write the report: {exc.strerror}.") from exc
