"""Reading the checker's small YAML (or JSON) data files, with file and line in every problem."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sendflow.definitions.reader import Reader
from sendflow.definitions.source import read_yaml
from sendflow.errors import Problem
from sendflow.localoffer.errors import LocalOfferFileError

__all__ = ["open_data_file", "read_data_text"]


def open_data_file(path: str | os.PathLike[str], what: str) -> tuple[Reader, Any]:
    """Read the YAML or JSON file at ``path`` into a reader and its plain data.

    Raises:
        LocalOfferFileError: The file cannot be read or is not valid YAML.
    """
    file = os.fspath(path)
    try:
        text = Path(file).read_text(encoding="utf-8")
    except OSError as exc:
        problem = Problem(f"cannot read the file: {exc.strerror or exc}", file=file)
        raise LocalOfferFileError(what, [problem]) from exc
    except UnicodeDecodeError as exc:
        problem = Problem("the file is not UTF-8 text; save it as UTF-8", file=file)
        raise LocalOfferFileError(what, [problem]) from exc
    return read_data_text(text, file, what)


def read_data_text(text: str, file: str, what: str) -> tuple[Reader, Any]:
    """Parse ``text`` (YAML, or JSON, which YAML reads) into a reader and its plain data."""
    source, problems = read_yaml(text, file)
    if source.data is None:
        raise LocalOfferFileError(what, problems)
    reader = Reader(source)
    reader.problems.extend(problems)
    return reader, source.data
