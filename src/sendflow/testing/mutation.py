"""Mutation testing of a definition: would a scenario suite notice a wrong rule?

:func:`mutate` makes every mutant of a process (:mod:`sendflow.testing.mutants`), runs the
scenario files against each, and reports the **mutation score** (the share of mutants some
scenario fails on) and every surviving mutant, with a scenario that would kill it: a
history on which the mutant and the definition disagree, found by generating histories
with the kit's strategies, with what the definition gives as its expectations.

A mutant is compiled once and every scenario runs on it; mutants run in parallel processes
when there are enough of them to pay for starting the processes.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Iterable, Sequence
from typing import Any, ClassVar

import attrs

from sendflow.engine.events import to_event
from sendflow.errors import RefusedError, SendflowError
from sendflow.testing.mutants import OPERATORS, Mutant, mutants
from sendflow.testing.processes import ProcessLike, as_process
from sendflow.testing.scenario_checks import run_scenario
from sendflow.testing.scenarios import Scenario, ScenarioFile, load_scenario_file
from sendflow.testing.suggestions import Seed, Suggestion, suggest

__all__ = ["MutantResult", "MutationReport", "SuiteFailsError", "mutate", "survives"]

_PARALLEL_FROM = 40
"""The fewest mutants worth starting worker processes for."""


class SuiteFailsError(RefusedError, AssertionError):
    """The scenario suite fails on the definition itself, so it cannot judge mutants."""

    code: ClassVar[str] = "suite_fails"


@attrs.frozen
class MutantResult:
    """What the suite made of one mutant.

    Attributes:
        mutant: The mutant.
        killed_by: ``file :: scenario: field ...`` of the first scenario that failed on
            it, or ``None`` if it survived.
        suggestion: For a survivor, a scenario that would kill it (``None`` if none was
            found in the histories tried: the mutant may be equivalent).
    """

    mutant: Mutant
    killed_by: str | None
    suggestion: Suggestion | None = None

    @property
    def killed(self) -> bool:
        """Whether some scenario failed on the mutant."""
        return self.killed_by is not None

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: the mutant's id, rule, operator, change and verdict."""
        found: dict[str, Any] = {
            "id": self.mutant.id,
            "rule": self.mutant.rule,
            "operator": self.mutant.operator,
            "change": self.mutant.change,
            "killed": self.killed,
            "killed_by": self.killed_by,
        }
        if not self.killed:
            found["suggestion"] = None if self.suggestion is None else self.suggestion.to_dict()
        return found


@attrs.frozen
class MutationReport:
    """The mutation score of a scenario suite on one process."""

    process: str
    version: str
    files: tuple[str, ...]
    scenarios: int
    results: tuple[MutantResult, ...]
    seconds: float
    suggested: bool = True

    @property
    def killed(self) -> int:
        """How many mutants some scenario failed on."""
        return sum(1 for r in self.results if r.killed)

    @property
    def survivors(self) -> tuple[MutantResult, ...]:
        """The mutants no scenario failed on."""
        return tuple(r for r in self.results if not r.killed)

    @property
    def score(self) -> float:
        """The share of mutants killed, from 0 to 1 (1 when there are no mutants)."""
        return self.killed / len(self.results) if self.results else 1.0

    def to_dict(self) -> dict[str, Any]:
        """The JSON form of the report."""
        return {
            "process": self.process,
            "version": self.version,
            "files": list(self.files),
            "scenarios": self.scenarios,
            "mutants": len(self.results),
            "killed": self.killed,
            "survived": len(self.survivors),
            "score": round(self.score, 4),
            "seconds": round(self.seconds, 2),
            "suggested": self.suggested,
            "results": [r.to_dict() for r in self.results],
        }


def survives(mutant: ProcessLike, scenarios: Iterable[tuple[str, Scenario]]) -> str | None:
    """The first failure of ``scenarios`` (``(file, scenario)`` pairs) on a definition.

    Returns ``None`` when every scenario passes: the definition survives the suite.
    """
    for file, scenario in scenarios:
        try:
            mismatches = [str(m) for m in run_scenario(scenario, mutant)]
        except Exception as exc:
            mismatches = [f"error: {type(exc).__name__}: {exc}"]
        if mismatches:
            return f"{file} :: {scenario.name}: {mismatches[0]}"
    return None


def mutate(
    process: ProcessLike,
    scenario_files: Sequence[str | os.PathLike[str] | ScenarioFile],
    *,
    operators: tuple[str, ...] = OPERATORS,
    jobs: int | None = None,
    suggestions: bool = True,
    tries: int = 100,
) -> MutationReport:
    """Run the scenario files against every mutant of ``process`` and score the suite.

    Args:
        process: The process (or its compiled form), a process id or a file path.
        scenario_files: Scenario files (paths, or files already loaded) for ``process``.
        operators: The kinds of mistake to make (see :data:`~sendflow.testing.mutants.OPERATORS`).
        jobs: Worker processes; default: the machine's cores when there are enough mutants.
        suggestions: Whether to look for a scenario that kills each survivor.
        tries: How many generated histories to try per survivor.

    Raises:
        ScenarioFileError: A scenario file cannot be used.
        SuiteFailsError: A file is for another process, or a scenario fails on ``process``.
    """
    started = time.perf_counter()
    original = as_process(process)
    loaded = [f if isinstance(f, ScenarioFile) else load_scenario_file(f) for f in scenario_files]
    for found in loaded:
        if found.process.id != original.id:
            raise SuiteFailsError(
                f"{found.file}: the scenarios are for {found.process.id!r}, not {original.id!r}; "
                "give scenario files of the process being mutated."
            )
    pairs = [(f.file, s) for f in loaded for s in f.scenarios]
    failure = survives(original, pairs)
    if failure is not None:
        raise SuiteFailsError(
            f"the scenarios must pass on {original.id!r} itself before its mutants can be "
            f"judged; this one fails: {failure}"
        )
    made = mutants(original, operators=operators)
    job = _Job(original, made, pairs, suggestions, tries, _seeds(pairs))
    workers = jobs if jobs is not None else (os.cpu_count() or 1)
    if workers > 1 and len(made) >= _PARALLEL_FROM:
        results = _in_parallel(job, workers)
    else:
        results = [job.run(i) for i in range(len(made))]
    return MutationReport(
        process=original.id,
        version=original.version,
        files=tuple(f.file for f in loaded),
        scenarios=len(pairs),
        results=tuple(
            MutantResult(m, killed, hint) for m, (killed, hint) in zip(made, results, strict=True)
        ),
        seconds=time.perf_counter() - started,
        suggested=suggestions,
    )


@attrs.frozen
class _Job:
    """What each worker needs: the definition, its mutants and the scenarios."""

    original: Any
    mutants: list[Mutant]
    pairs: list[tuple[str, Scenario]]
    suggestions: bool
    tries: int
    seeds: list[Seed]

    def run(self, index: int) -> tuple[str | None, Suggestion | None]:
        mutant = self.mutants[index]
        killed = survives(mutant.process, self.pairs)
        if killed is not None or not self.suggestions:
            return killed, None
        return None, suggest(self.original, mutant, tries=self.tries, seeds=self.seeds)


def _seeds(pairs: Sequence[tuple[str, Scenario]]) -> list[Seed]:
    """The histories of the scenarios that expect no error, to look for killing scenarios in."""
    found: list[Seed] = []
    for _, scenario in pairs:
        if scenario.error is None:
            try:
                events = tuple(to_event(e, index=i) for i, e in enumerate(scenario.events))
            except SendflowError:
                continue
            found.append((events, scenario.as_of))
    return found


_SHARED: list[_Job] = []


def _run_shared(index: int) -> tuple[str | None, Suggestion | None]:
    return _SHARED[0].run(index)


def _in_parallel(job: _Job, workers: int) -> list[tuple[str | None, Suggestion | None]]:
    """Run the job's mutants in forked workers that inherit it (nothing big is pickled)."""
    _SHARED[:] = [job]
    try:
        context = multiprocessing.get_context("fork")
        with context.Pool(workers) as pool:
            return pool.map(_run_shared, range(len(job.mutants)), chunksize=4)
    finally:
        _SHARED.clear()
