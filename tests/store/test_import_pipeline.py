"""An import prepared in a second process writes exactly what one process alone writes."""

from __future__ import annotations

import json
import os
import signal
import time
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

import sendflow
from sendflow.cli import main
from sendflow.engine.casefiles import case_files, read_case_sources
from sendflow.simulation import Council, simulate_cases
from sendflow.store import ImportRejectedError, Sourced, Store, importing, pipeline
from sendflow.store import idle_cores as idle_cores_module
from sendflow.store.idle_cores import CpuTimes, cpu_times, idle_cores
from sendflow.store.schema import metadata

from .helpers import PROCESS

NOW = datetime(2025, 3, 4, 5, 6, 7, 891011, tzinfo=UTC)
INVALID = Path(__file__).parents[1] / "engine" / "invalid_cases"


class _Frozen(datetime):
    """``datetime`` whose ``now`` is one fixed moment, so that two imports can be compared."""

    @classmethod
    def now(cls, tz: Any = None) -> Any:
        return NOW


class Exploding(dict[str, Any]):
    """A case that fails as no case file can: its reading raises an unexpected error."""

    def get(self, key: str, default: Any = None) -> Any:
        raise RuntimeError(f"boom at {super().get('case_id')}")


@pytest.fixture(autouse=True)
def _small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fixed import time; chunks small, so that a small caseload takes many of them."""
    monkeypatch.setattr(importing, "datetime", _Frozen)
    monkeypatch.setattr(pipeline, "spare_core", lambda since=None: True)
    monkeypatch.setattr(pipeline, "CHUNK", 7)
    monkeypatch.setattr(pipeline, "AHEAD", 3)


def _caseload() -> list[Any]:
    """A mixed caseload with every kind of bad case among the good ones."""
    council = Council(requests=120, first=date(2022, 1, 1), last=date(2024, 12, 31), seed=3)
    cases: list[Any] = list(simulate_cases(council))
    bad_history = {**cases[3], "case_id": "BAD1"}
    bad_history["events"] = [*bad_history["events"], {"event": "no_such_event", "on": "2025-01-01"}]
    case = sendflow.Case.from_dict({**cases[5], "case_id": "OBJ1"})
    cases[10:10] = [
        bad_history,
        {"process": PROCESS, "events": cases[0]["events"]},  # no case id
        {**cases[1], "case_id": ""},
        {**cases[2]},  # the same id again, in the same batch
        Sourced("file.jsonl, line 9", None, "the line is not JSON"),
        Sourced("file.jsonl, line 10", {**cases[7], "case_id": "SRC1"}),
        {**cases[8], "case_id": "REL1", "related_case": "a\x00b"},
        {**cases[9], "case_id": "UNKNOWN1", "process": "no-such-process"},
        case,
    ]
    cases.append({**cases[0]})  # the same id again, in a later batch: found in the store
    return cases


def _stored(store: Store) -> dict[str, list[Any]]:
    """Every row of every table, as the database holds it, in a fixed order.

    Feed positions and transaction tokens are given as their ranks: PostgreSQL's go on
    counting from one import to the next.
    """
    with store._writer.connect() as conn:
        found = {
            table.name: [
                tuple(row)
                for row in conn.execute(
                    text(
                        f"SELECT * FROM {table.name} ORDER BY "  # our own tables
                        + ", ".join(str(i + 1) for i in range(len(table.c)))
                    )
                )
            ]
            for table in metadata.sorted_tables
        }
    txns = {txn: rank for rank, txn in enumerate(sorted({r[1] for r in found["feed_commits"]}))}
    found["feed_commits"] = [(rank, txns[r[1]]) for rank, r in enumerate(found["feed_commits"])]
    found["feed_changes"] = [(txns[r[0]], *r[1:]) for r in found["feed_changes"]]
    return found


def _empty(store: Store) -> None:
    with store._writer.begin() as conn:
        for table in reversed(metadata.sorted_tables):
            conn.execute(table.delete())


def _both(store: Store, items: Iterable[Any], **options: Any) -> list[Any]:
    """Import ``items`` alone and pipelined (emptying the store between); what each gave."""
    items = list(items)
    outcomes = []
    for after in (None, 0):
        _empty(store)
        try:
            outcome: Any = store.import_cases(items, pipeline_after=after, **options)
        except Exception as exc:  # compared below
            outcome = (type(exc), str(exc), getattr(exc, "report", None))
        outcomes.append((outcome, _stored(store)))
    return outcomes


def test_a_pipelined_import_writes_the_same_rows(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Good and bad cases, skipping the bad: the same report and the same rows."""
    started = []
    start = pipeline._Worker.start

    def counted(header: Any) -> Any:
        started.append(worker := start(header))
        return worker

    monkeypatch.setattr(pipeline._Worker, "start", counted)
    cases = _caseload()
    alone, pipelined = _both(store, cases, skip_bad=True, batch_size=40)
    assert pipelined == alone
    assert len(started) == 1
    assert started[0] is not None
    report = alone[0]
    assert report.cases > 150
    again, later = cases[13]["case_id"], cases[-1]["case_id"]
    assert [bad.case_id for bad in report.bad] == [
        "BAD1",
        None,
        None,
        again,
        None,
        "REL1",
        "UNKNOWN1",
        later,
    ]


def test_a_pipelined_import_refuses_the_same_bad_cases(store: Store) -> None:
    """Without skipping: the same refusal, listing the same bad cases, and nothing written."""
    alone, pipelined = _both(store, _caseload(), batch_size=40)
    assert pipelined == alone
    assert alone[0][0] is ImportRejectedError
    assert not any(alone[1].values())


def test_an_error_reading_the_items_comes_at_the_same_place(store: Store) -> None:
    """An error raised by the items is raised after the same batches are written."""
    cases = _caseload()[:150]

    def items() -> Iterator[Any]:
        yield from cases[:100]
        raise OSError("the disk went away")

    outcomes = []
    for after in (None, 0):
        _empty(store)
        with pytest.raises(OSError, match="the disk went away"):
            store.import_cases(items(), pipeline_after=after, skip_bad=True, batch_size=30)
        outcomes.append(_stored(store))
    assert outcomes[0] == outcomes[1]
    assert len(outcomes[0]["cases"]) == 90


def test_an_unexpected_error_preparing_a_case_comes_at_the_same_case(store: Store) -> None:
    """A case the worker fails on is prepared again here, raising the same error there."""
    cases = _caseload()[:120]
    cases.insert(95, Exploding(cases[95], case_id="X1"))
    alone, pipelined = _both(store, cases, skip_bad=True, batch_size=30)
    assert pipelined == alone
    assert alone[0][:2] == (RuntimeError, "boom at X1")
    assert 0 < len(alone[1]["cases"]) < 95


def test_the_rest_is_prepared_here_when_the_worker_dies(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker killed part-way changes nothing: what it had is prepared again here."""
    cases = _caseload()
    expected = _both(store, cases, skip_bad=True, batch_size=40)[0]
    workers = []
    start = pipeline._Worker.start

    def kept(header: Any) -> Any:
        workers.append(worker := start(header))
        return worker

    def items() -> Iterator[Any]:
        for number, case in enumerate(cases):
            if number == 60:
                os.kill(workers[0].process.pid, signal.SIGKILL)
            yield case

    monkeypatch.setattr(pipeline._Worker, "start", kept)
    _empty(store)
    report = store.import_cases(items(), pipeline_after=0, skip_bad=True, batch_size=40)
    assert (report, _stored(store)) == expected
    assert workers[0].process.wait(timeout=5) == -signal.SIGKILL


def test_a_small_import_or_a_busy_machine_starts_no_worker(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Below ``pipeline_after`` items, or with no core to spare, no process is started."""
    _refuse_workers(monkeypatch)
    report = store.import_cases(_caseload()[:50], skip_bad=True)
    assert report.cases > 40
    _empty(store)
    monkeypatch.setattr(pipeline, "spare_core", lambda since=None: False)
    report = store.import_cases(_caseload()[:50], pipeline_after=0, skip_bad=True)
    assert report.cases > 40


def test_a_program_calling_the_store_gets_no_worker_unless_it_asks(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``Store.import_cases`` starts no process by default, however many cases it is given."""
    _refuse_workers(monkeypatch)
    monkeypatch.setattr(pipeline, "START_AFTER", 0)
    report = store.import_cases(_caseload(), skip_bad=True)
    assert report.cases > 40


@pytest.mark.parametrize(
    ("cores", "load", "spare"), [(1, 0.0, False), (2, 0.4, True), (2, 0.6, False), (8, 5.0, True)]
)
def test_a_core_is_spare_while_the_load_leaves_one_free(
    monkeypatch: pytest.MonkeyPatch, cores: int, load: float, spare: bool
) -> None:
    """The load average, this import's own process in it, must leave a core free."""
    monkeypatch.undo()
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(cores)))
    monkeypatch.setattr(os, "getloadavg", lambda: (load, load, load))
    assert pipeline.spare_core() is spare


@pytest.mark.parametrize(("idle_ticks", "spare"), [(95, True), (75, True), (40, False), (0, False)])
def test_a_core_is_spare_when_one_stood_idle_while_the_first_items_were_prepared(
    monkeypatch: pytest.MonkeyPatch, idle_ticks: int, spare: bool
) -> None:
    """Measured idle time decides, whatever the load average says (here, a busy one)."""
    monkeypatch.undo()
    monkeypatch.setattr(os, "getloadavg", lambda: (9.0, 9.0, 9.0) if spare else (0.0, 0.0, 0.0))
    before = CpuTimes(idle=1_000, total=10_000, cores=2)
    after = CpuTimes(idle=1_000 + idle_ticks, total=10_200, cores=2)  # 1 s on 2 cores
    monkeypatch.setattr(pipeline, "cpu_times", lambda: after)
    assert pipeline.spare_core(before) is spare


@pytest.mark.parametrize(
    "after",
    [
        None,
        CpuTimes(idle=1_010, total=10_010, cores=2),
        CpuTimes(idle=1_100, total=10_200, cores=1),
    ],
    ids=["no counters", "too short a stretch", "other cores"],
)
def test_without_a_measure_of_idle_time_the_load_average_decides(
    monkeypatch: pytest.MonkeyPatch, after: CpuTimes | None
) -> None:
    """Counters missing or unfit: the load average's rule, as before."""
    monkeypatch.undo()
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1})
    monkeypatch.setattr(pipeline, "cpu_times", lambda: after)
    before = CpuTimes(idle=1_000, total=10_000, cores=2)
    monkeypatch.setattr(os, "getloadavg", lambda: (0.2, 0.2, 0.2))
    assert pipeline.spare_core(before) is True
    monkeypatch.setattr(os, "getloadavg", lambda: (1.0, 1.0, 1.0))
    assert pipeline.spare_core(before) is False


@pytest.mark.parametrize(
    ("stat", "expected"),
    [
        (
            "cpu  9 9 9 9 9 9 9 9 0 0\ncpu0 10 1 5 100 4 0 2 3 0 0\ncpu1 20 0 5 50 0 0 0 0 0 0\n"
            "cpu2 7 7 7 7 7 7 7 7 0 0\nintr 1 2 3\nctxt 5\n",
            CpuTimes(idle=154, total=200, cores=2),
        ),
        ("cpu  1 2 3 4 5\ncpu0 one two three four five\n", None),
        ("intr 1 2 3\n", None),
    ],
    ids=["the cores this process may use", "not numbers", "no cores"],
)
def test_the_counters_are_read_for_the_cores_this_process_may_use(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stat: str, expected: CpuTimes | None
) -> None:
    """Idle and waiting ticks count as idle; other cores and other lines are left out."""
    found = tmp_path / "stat"
    found.write_text(stat, encoding="ascii")
    monkeypatch.setattr(idle_cores_module, "_STAT", found)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1})
    assert cpu_times() == expected


@pytest.mark.skipif(
    cpu_times() is None, reason="the processor's counters (/proc/stat) cannot be read here"
)
def test_the_counters_show_this_process_busy_on_one_core() -> None:
    """Counted over a busy stretch, at most the other cores stood idle."""
    before = cpu_times()
    assert before is not None
    assert 0 <= before.idle <= before.total
    deadline = time.perf_counter() + 0.4
    while time.perf_counter() < deadline:
        pass
    after = cpu_times()
    assert after is not None
    idle = idle_cores(before, after)
    assert idle is not None
    assert 0 <= idle <= after.cores - 0.5


def test_the_command_line_reports_the_same_either_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``sendflow import --skip-bad`` over the invalid case files and good ones, both ways."""
    good = tmp_path / "good.jsonl"
    good.write_text(
        "\n".join(json.dumps(c) for c in _caseload() if isinstance(c, dict)),
        encoding="utf-8",
    )
    said = []
    for after in (None, 0):
        monkeypatch.setattr(importing, "PIPELINE_AFTER", after)
        url = f"sqlite:///{tmp_path / f'{after}.db'}"
        assert main(["import", "--skip-bad", str(INVALID), str(good), "--db", url]) == 0
        out, err = capsys.readouterr()
        with Store(url) as store:
            said.append((out, err, _stored(store)))
        assert main(["import", str(INVALID), "--db", url + "x"]) == 2
        said.append(capsys.readouterr())
    assert said[0] == said[2]
    assert said[1] == said[3]
    assert said[0][1].count("sendflow import: skipped") == len(list(case_files([INVALID]))) + 7


def test_sourced_cases_read_from_files_are_the_same_either_way(store: Store) -> None:
    """The invalid case files, read as the command line reads them."""
    sources = list(read_case_sources(case_files([INVALID])))
    alone, pipelined = _both(store, sources, skip_bad=True)
    assert pipelined == alone
    assert len(alone[0].bad) == len(sources)


def _refuse_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make starting a worker fail the test."""

    def refused(header: Any) -> Any:
        raise AssertionError("no worker was wanted")

    monkeypatch.setattr(pipeline._Worker, "start", refused)
