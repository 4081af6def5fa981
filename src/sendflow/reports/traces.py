"""Where the cases behind each figure go: a drill-down sample, or one CSV per indicator."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path
from typing import IO

from sendflow.compliance.figures import TraceRow
from sendflow.errors import SendflowError
from sendflow.reports.shapes import trace_record

__all__ = ["CsvFolder", "Drilldown", "prepare_folder"]

ON_TIME = frozenset({"on time", "counted", "in place", "direct payments", "up to 20 weeks"})
"""How a case counted when nothing went wrong; the drill-down lists the others first."""


class Drilldown:
    """Keeps, for each indicator, up to ``limit`` cases behind it, problems first.

    Memory is bounded by the number of indicators times ``limit``, whatever the caseload.
    """

    def __init__(self, limit: int = 40) -> None:
        self.limit = limit
        self.counts: Counter[str] = Counter()
        self._problems: dict[str, list[TraceRow]] = {}
        self._others: dict[str, list[TraceRow]] = {}

    def __call__(self, row: TraceRow) -> None:
        """Count one case behind a figure, keeping it if there is room."""
        self.counts[row.indicator] += 1
        kept = self._others if row.counted in ON_TIME else self._problems
        rows = kept.setdefault(row.indicator, [])
        if len(rows) < self.limit:
            rows.append(row)

    def rows(self, indicator: str) -> list[TraceRow]:
        """The cases kept for ``indicator``: those that were late or left out first."""
        problems = self._problems.get(indicator, [])
        return [*problems, *self._others.get(indicator, [])][: self.limit]

    def indicators(self) -> list[str]:
        """The indicators that counted any case, sorted."""
        return sorted(self.counts)


def prepare_folder(path: Path) -> None:
    """Make ``path`` a folder for the CSV files.

    Raises:
        SendflowError: ``path`` is a file, or the folder cannot be made.
    """
    if path.exists() and not path.is_dir():
        raise SendflowError(
            f"{path}: --format csv writes a folder of CSV files, and this is a file; "
            "give --output a folder name."
        )
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SendflowError(f"{path}: cannot make the folder: {exc.strerror}.") from exc


class CsvFolder:
    """Writes each case behind each figure to ``FOLDER/INDICATOR.csv`` as it is counted."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._files: dict[str, tuple[IO[str], csv.DictWriter[str]]] = {}

    def __call__(self, row: TraceRow) -> None:
        """Write one case behind a figure to its indicator's file."""
        found = self._files.get(row.indicator)
        if found is None:
            stream = (self.folder / f"{row.indicator}.csv").open("w", encoding="utf-8", newline="")
            writer = csv.DictWriter(stream, fieldnames=("case_id", "on", "counted"))
            writer.writeheader()
            found = self._files[row.indicator] = (stream, writer)
        found[1].writerow(trace_record(row))

    def close(self) -> list[Path]:
        """Close every file; return their paths, sorted."""
        for stream, _ in self._files.values():
            stream.close()
        return sorted(self.folder / f"{name}.csv" for name in self._files)
