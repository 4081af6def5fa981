"""The pytest plugin: every ``*.scenarios.yaml`` file becomes a test per scenario.

Registered through the ``pytest11`` entry point, so installing sendflow is enough. A
failing scenario is reported without a Python traceback, one line per field::

    tests/scenarios/ehc.scenarios.yaml :: plan in week 21: time_limits.final-plan.status:
    expected 'met', got 'late'

A malformed file is a collection error that names the file, line and field. A file whose
``process`` is a tester's own process id finds it in the folders the ``sendflow_process_dirs``
ini option lists (relative to the ini file), else in those ``SENDFLOW_PROCESSES`` names.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sendflow.definitions.catalogue import process_dirs
from sendflow.definitions.model import Process
from sendflow.errors import SendflowError
from sendflow.testing.scenario_checks import ScenarioMismatchError, run_scenario
from sendflow.testing.scenarios import SUFFIX, Scenario, load_scenario_file

__all__ = ["ScenarioFileCollector", "ScenarioItem", "pytest_addoption", "pytest_collect_file"]

_DIRS = "sendflow_process_dirs"


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add the ``sendflow_process_dirs`` ini option: folders of the tester's own processes."""
    parser.addini(
        _DIRS,
        "folders of your own process definitions, looked up by the id a scenario file names",
        type="paths",
        default=[],
    )


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    """Collect ``*.scenarios.yaml`` files as scenario files."""
    if file_path.name.endswith(SUFFIX):
        collector: ScenarioFileCollector = ScenarioFileCollector.from_parent(parent, path=file_path)
        return collector
    return None


def _shown(path: Path, config: pytest.Config) -> str:
    """``path`` relative to the root of the test run, as pytest shows node ids."""
    try:
        return path.relative_to(config.rootpath).as_posix()
    except ValueError:
        return str(path)


class ScenarioFileCollector(pytest.File):
    """One scenario file: loads it and yields one item per scenario."""

    def collect(self) -> Iterator[ScenarioItem]:
        """Load the file; a malformed one is a collection error naming file and line."""
        try:
            folders = self.config.getini(_DIRS)
            loaded = load_scenario_file(
                self.path,
                file=_shown(self.path, self.config),
                process_dirs=[*folders, *process_dirs()] if folders else None,
            )
        except SendflowError as exc:
            raise self.CollectError(str(exc)) from None
        for scenario in loaded.scenarios:
            yield ScenarioItem.from_parent(
                self, name=scenario.name, scenario=scenario, process=loaded.process
            )


class ScenarioItem(pytest.Item):
    """One scenario, run as a test."""

    def __init__(self, *, scenario: Scenario, process: Process, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.scenario = scenario
        self.process = process

    def runtest(self) -> None:
        """Replay the scenario; raise :class:`ScenarioMismatchError` listing what differs."""
        mismatches = run_scenario(self.scenario, self.process)
        if mismatches:
            raise ScenarioMismatchError(self.scenario, mismatches)

    def repr_failure(
        self,
        excinfo: pytest.ExceptionInfo[BaseException],
        style: Any = None,
    ) -> str | Any:
        """One line per mismatch: file :: scenario: field: expected X, got Y."""
        if isinstance(excinfo.value, ScenarioMismatchError):
            where = f"{_shown(self.path, self.config)} :: {self.scenario.name}"
            return "\n".join(f"{where}: {m}" for m in excinfo.value.mismatches)
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        """Where the scenario is, for pytest's reports."""
        return self.path, self.scenario.line - 1, f"scenario: {self.scenario.name}"
