"""Each broken process file under ``invalid/`` is refused with file, line and key named.

Every file states what it expects in a comment header::

    # expect: line 12, key: time_limits.final-plan.period, contains: "did you mean"

``key: (none)`` means the problem has no YAML path (the text could not be parsed at all).
"""

from __future__ import annotations

import re
from pathlib import Path

import attrs
import pytest

from sendflow.definitions import load_definition
from sendflow.errors import DefinitionError

INVALID = Path(__file__).parent / "invalid"
_HEADER = re.compile(
    r'^# expect: line (?P<line>\d+), key: (?P<key>\S+), contains: "(?P<contains>[^"]+)"$',
    re.MULTILINE,
)
_NO_KEY = "(none)"


@attrs.frozen
class Expected:
    """What loading one broken file must report."""

    line: int
    key: str
    contains: str


def expected(path: Path) -> Expected:
    """Read the ``# expect:`` header of a broken process file."""
    found = _HEADER.search(path.read_text(encoding="utf-8"))
    if found is None:
        raise AssertionError(f"{path.name} has no '# expect: line N, key: K, contains: \"...\"'")
    key = found["key"]
    return Expected(int(found["line"]), "" if key == _NO_KEY else key, found["contains"])


FILES = sorted(INVALID.glob("*.yaml"))


def test_every_failure_mode_has_a_file():
    """The folder of broken files is found and each has a parsable header."""
    assert len(FILES) >= 20
    for path in FILES:
        expected(path)


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_invalid_definition_names_file_line_and_key(path: Path) -> None:
    """Loading a broken process file raises DefinitionError naming its file, line and key."""
    want = expected(path)
    with pytest.raises(DefinitionError) as caught:
        load_definition(path)
    error = caught.value
    matching = [p for p in error.problems if p.line == want.line and p.path == want.key]
    assert matching, f"no problem at line {want.line}, key {want.key!r}:\n{error}"
    problem = matching[0]
    assert problem.file == str(path)
    assert want.contains in problem.message
    where = f"{path}, line {want.line}" + (f", at {want.key}: " if want.key else ": ")
    assert f"{where}{problem.message}" in str(error)
