"""How fast, and in how little memory, hostile files are refused; and what the checks cost.

Run: ``python benchmarks/hostile_files.py [--repeat N] [--cases N]``

For each kind of hostile file (generated in a temporary folder) it prints the best time
of ``--repeat`` runs to refuse it and the peak memory Python allocated while doing so
(``tracemalloc``). Then it reads a JSON Lines file of ``--cases`` generated EHC histories
twice, through sendflow's bounded, depth-checked reader and with bare ``json.loads`` per
line, to show what the limits add to reading cases for an import.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.ehc_histories import ehc_history
from tests.definitions.test_loading import VALID
from tests.hostile import alias_bomb, many_keys, write_huge

from sendflow import SendflowError, load_process, read_case_file
from sendflow.files import CASE_LINE, read_json_lines

CASE_HEAD = "process: ehc-needs-assessment\ncase_id: A1\n"


def _files(folder: Path) -> dict[str, tuple[Path, Callable[[Path], object]]]:
    """Each hostile file, and the call that must refuse it."""
    bomb = folder / "bomb.yaml"
    bomb.write_text(VALID + alias_bomb(), encoding="utf-8")
    case_bomb = folder / "case-bomb.yaml"
    case_bomb.write_text(CASE_HEAD + "events: []\n" + alias_bomb(), encoding="utf-8")
    keys = folder / "keys.yaml"
    flow = ", ".join(f"k{i}: 1" for i in range(60_000))
    keys.write_text(VALID + "lists:\n  many: {" + flow + "}\n", encoding="utf-8")
    lines = folder / "lines.yaml"
    lines.write_text(many_keys(300_000), encoding="utf-8")
    deep_yaml = folder / "deep.yaml"
    deep_yaml.write_text("a: " + "[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")
    deep_json = folder / "deep.json"
    deep_json.write_text('{"events": ' + "[" * 1_000_000 + "]" * 1_000_000 + "}", encoding="utf-8")
    nul = folder / "nul.yaml"
    nul.write_text(VALID + "description: a\x00b\n", encoding="utf-8")
    return {
        "process file: alias bomb": (bomb, load_process),
        "case file: alias bomb": (case_bomb, read_case_file),
        "process file: 60,000 keys in 0.6 MB": (keys, load_process),
        "process file: 300,000 keys, one a line": (lines, load_process),
        "process file: 20 MB": (write_huge(folder / "huge.yaml", 20), load_process),
        "case file: 40 MB of JSON": (write_huge(folder / "huge.json", 40), read_case_file),
        "process file: nested 100,000 deep": (deep_yaml, load_process),
        "case file: JSON nested 1,000,000 deep": (deep_json, read_case_file),
        "process file: a NUL at the end": (nul, load_process),
    }


def _refuse(path: Path, call: Callable[[Path], object]) -> None:
    try:
        call(path)
    except SendflowError:
        return
    raise AssertionError(f"{path} was not refused")


def _measure(repeat: int, path: Path, call: Callable[[Path], object]) -> tuple[float, float]:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        _refuse(path, call)
        best = min(best, time.perf_counter() - start)
    tracemalloc.start()
    _refuse(path, call)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return best, peak / 1024 / 1024


def _reading(folder: Path, cases: int, repeat: int) -> None:
    rng = random.Random(11)
    path = folder / "cases.jsonl"
    with path.open("w", encoding="utf-8") as stream:
        for number in range(cases):
            events = [e.to_dict() for e in ehc_history(rng)]
            case = {"process": "ehc-needs-assessment", "case_id": f"C{number}", "events": events}
            stream.write(json.dumps(case) + "\n")

    def checked() -> int:
        return sum(1 for line in read_json_lines(path, CASE_LINE) if line.data is not None)

    def bare() -> int:
        with path.open("rb") as stream:
            return sum(1 for raw in stream if json.loads(raw) is not None)

    for name, read in (("bounded and depth-checked", checked), ("bare json.loads", bare)):
        best = min(_timed(read) for _ in range(repeat))
        print(f"  read {cases:,} cases, {name}: {best * 1000:.0f} ms")


def _timed(call: Callable[[], object]) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def main() -> None:
    """Print the time and peak memory to refuse each hostile file."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--cases", type=int, default=20_000)
    args = parser.parse_args()
    load_process("ehc-needs-assessment")  # warm: packaged processes are loaded once
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        for kind, (path, call) in _files(folder).items():
            seconds, peak = _measure(args.repeat, path, call)
            print(f"{kind:<42} refused in {seconds * 1000:8.1f} ms, peak {peak:6.1f} MB")
        _reading(folder, args.cases, args.repeat)


if __name__ == "__main__":
    main()
