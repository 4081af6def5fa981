"""Writing overlays into a folder and reading what loading them says."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest

from sendflow.definitions import catalogue, overlays
from sendflow.definitions.catalogue import load_file
from sendflow.definitions.checks import check_process
from sendflow.definitions.loading import build_definition
from sendflow.definitions.model import Process
from sendflow.errors import DefinitionError, Problem

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "overlays"
EXAMPLE_OVERLAY = EXAMPLE / "northshire-ehc-needs-assessment.yaml"

HEAD = """\
extends: ehc-needs-assessment
id: test-council-ehc
title: EHC needs assessment (a test council)
version: "1"
"""


def write(folder: Path, body: str, *, name: str = "overlay.yaml", head: str = HEAD) -> Path:
    """Write an overlay whose ``body`` follows the usual heading; return its path."""
    path = folder / name
    path.write_text(head + textwrap.dedent(body), encoding="utf-8")
    return path


def load(folder: Path, body: str, **kwargs: str) -> Process:
    """Load an overlay written from ``body``."""
    return load_file(write(folder, body, **kwargs))


def problems(folder: Path, body: str) -> tuple[Path, tuple[Problem, ...]]:
    """The problems loading an overlay written from ``body`` reports."""
    path = write(folder, body)
    with pytest.raises(DefinitionError) as caught:
        load_file(path)
    return path, caught.value.problems


def line_of(path: Path, text: str) -> int:
    """The 1-based line of the first line of ``path`` holding ``text``."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if text in line:
            return number
    raise AssertionError(f"{text!r} is not in {path}")


def the_problem(path: Path, found: tuple[Problem, ...], at: str) -> Problem:
    """The one problem reported on the line holding ``at``, in the overlay file."""
    line = line_of(path, at)
    here = [p for p in found if p.file == str(path) and p.line == line]
    assert here, f"nothing reported on line {line} ({at!r}); reported: {found}"
    return here[0]


def load_reading_every_rule(path: Path) -> Process:
    """The overlay at ``path`` loaded afresh with every rule, event and note read again and
    every rule checked, none taken from the base as built or as checked (to compare with an
    ordinary load)."""

    def without_base(*args: Any, base: object = None, **kwargs: Any) -> Process:
        return build_definition(*args, **kwargs)

    def checking_all(*args: Any, base: object = None, **kwargs: Any) -> list[Problem]:
        return check_process(*args, **kwargs)

    kept = overlays.build_definition, overlays.check_process
    overlays.build_definition = without_base  # type: ignore[assignment]
    overlays.check_process = checking_all  # type: ignore[assignment]
    try:
        catalogue._layers.clear()
        return load_file(path, ())
    finally:
        overlays.build_definition, overlays.check_process = kept
