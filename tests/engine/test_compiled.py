"""The optional compiled engine (``hatch_build.py``): what it compiles, and that it is used.

CI installs a second, compiled build (``SENDFLOW_COMPILE=1 pip install .``) and runs the
whole suite against it with ``SENDFLOW_EXPECT_COMPILED=1``, so every test of the engine's
exactness also holds for the compiled modules.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import os
import tomllib
from pathlib import Path

import pytest

import sendflow

ROOT = Path(__file__).resolve().parents[2]


def _listed() -> list[str]:
    """The module paths ``pyproject.toml`` lists for compiling."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    modules: list[str] = config["tool"]["hatch"]["build"]["targets"]["wheel"]["hooks"]["custom"][
        "modules"
    ]
    return modules


def _module_name(path: str) -> str:
    return path.removeprefix("src/").removesuffix(".py").replace("/", ".")


def test_every_listed_module_is_a_module_of_the_engine() -> None:
    """Each listed path is a source file of ``sendflow.engine``, listed once."""
    listed = _listed()
    assert len(set(listed)) == len(listed)
    for path in listed:
        assert (ROOT / path).is_file(), path
        assert _module_name(path).startswith("sendflow.engine."), path


def test_no_public_name_is_defined_in_a_compiled_module() -> None:
    """Public names stay in Python modules: a compiled function keeps no docstring, and a
    compiled signature would refuse a wrong type with mypyc's message instead of ours."""
    compiled = {_module_name(path) for path in _listed()}
    for name in sendflow.__all__:
        found = getattr(sendflow, name)
        assert getattr(found, "__module__", None) not in compiled, name


@pytest.mark.skipif(
    os.environ.get("SENDFLOW_EXPECT_COMPILED") != "1",
    reason="runs on the compiled build only (CI sets SENDFLOW_EXPECT_COMPILED=1 for it)",
)
def test_the_compiled_build_runs_the_compiled_modules() -> None:
    """Under the compiled build each listed module is loaded from its C extension."""
    suffixes = tuple(importlib.machinery.EXTENSION_SUFFIXES)
    for path in _listed():
        module = importlib.import_module(_module_name(path))
        assert str(module.__file__).endswith(suffixes), module.__file__
