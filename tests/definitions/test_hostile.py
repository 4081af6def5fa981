"""Hostile and careless process files are refused clearly, through the API and the CLI.

The small broken files live in ``invalid/`` (see ``test_invalid.py``); the big ones (an
alias bomb, tens of megabytes, hundreds of thousands of keys, not UTF-8) are generated
here. Each is refused with a :class:`DefinitionError` naming the file, by ``load_process``
and ``Case``, by ``sendflow show`` (exit 2, the reason on stderr, nothing on stdout) and by
``sendflow validate`` (exit 1, the problem listed).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import sendflow
from sendflow.cli import main
from sendflow.definitions import parse_definition
from sendflow.errors import DefinitionError
from tests.definitions.test_invalid import FILES, expected
from tests.definitions.test_loading import VALID
from tests.hostile import alias_bomb, many_keys, write_huge

Writer = Callable[[Path], Path]


def _bomb(folder: Path) -> Path:
    path = folder / "bomb.yaml"
    path.write_text(VALID + alias_bomb(), encoding="utf-8")
    return path


def _tens_of_megabytes(folder: Path) -> Path:
    return write_huge(folder / "huge.yaml", 20, head=VALID.encode())


def _many_keys(folder: Path) -> Path:
    path = folder / "keys.yaml"
    # 60,000 keys in flow style fit in well under 1 MB, so the value count refuses them.
    path.write_text(
        VALID + "lists:\n  many: {" + ", ".join(f"k{i}: 1" for i in range(60_000)) + "}\n"
    )
    return path


def _latin_1(folder: Path) -> Path:
    path = folder / "latin-1.yaml"
    path.write_bytes(VALID.replace("Assessing", "Évaluation").encode("latin-1"))
    return path


GENERATED: dict[str, tuple[Writer, int | None, str]] = {
    "alias-bomb": (_bomb, 37, "This looks like an alias bomb"),
    "tens-of-megabytes": (_tens_of_megabytes, None, "larger than 1 MB"),
    "many-keys": (_many_keys, 34, "more than 20,000 YAML values"),
    "not-utf-8": (_latin_1, 11, "not UTF-8 text: byte 0xc9"),
}


@pytest.mark.parametrize("kind", GENERATED)
def test_a_generated_hostile_file_is_a_definition_error(tmp_path: Path, kind: str) -> None:
    """``load_process`` and ``Case`` refuse the file with its name, line and what is wrong."""
    write, line, contains = GENERATED[kind]
    path = write(tmp_path)
    with pytest.raises(DefinitionError) as caught:
        sendflow.load_process(path)
    [problem] = caught.value.problems
    assert (problem.file, problem.line) == (str(path), line)
    assert contains in problem.message
    with pytest.raises(DefinitionError, match=contains):
        sendflow.Case(str(path))


@pytest.mark.parametrize("kind", GENERATED)
def test_show_and_validate_refuse_a_generated_hostile_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    """``show`` exits 2 with the reason on stderr; ``validate`` exits 1 listing it."""
    write, _, contains = GENERATED[kind]
    path = write(tmp_path)
    assert main(["show", str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(f"sendflow show: 1 problem in the process definition:\n  - {path}")
    assert contains in err
    assert main(["validate", str(path)]) == 1
    out, err = capsys.readouterr()
    assert f"{path}: 1 problem(s)" in out
    assert contains in out
    assert err == ""


def test_the_alias_bomb_is_refused_before_it_expands(tmp_path: Path) -> None:
    """The bomb is refused at the first level whose aliases take it past the value limit."""
    with pytest.raises(DefinitionError) as caught:
        sendflow.load_process(_bomb(tmp_path))
    message = caught.value.problems[0].message
    assert message.startswith("the alias *lol3 repeats 7,381 values and takes the file past 20,000")


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_show_refuses_every_invalid_file_on_stderr(
    capsys: pytest.CaptureFixture[str], path: Path
) -> None:
    """Every broken file in ``invalid/`` makes ``show`` exit 2, with the problem on stderr."""
    want = expected(path)
    assert main(["show", str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert f"{path}, line {want.line}" in err
    assert want.contains in err


def _one_of(field: str, values: str) -> tuple[str, ...] | None:
    """The ``one_of`` the loader reads for a data field written ``{one_of: VALUES}``."""
    reason = "      reason: {required: true, one_of: exception-reasons}"
    text = VALID.replace(reason, f"{reason}\n      {field}: {{one_of: {values}}}")
    return parse_definition(text).events["exception_recorded"].data[field].one_of


def test_yes_no_on_off_are_text_as_keys_and_values() -> None:
    """YAML 1.1's yes/no/on/off are read as the words, not booleans, wherever they appear."""
    assert _one_of("on", "[yes, no, on, off, y, n]") == ("yes", "no", "on", "off", "y", "n")


def test_a_number_with_a_leading_zero_is_decimal() -> None:
    """``one_of: [010]`` is ten, not YAML 1.1's octal eight; ``1:20`` is text, not eighty."""
    assert _one_of("code", "[010, 1:20, 1_000]") == ("10", "1:20", "1_000")


def test_a_quoted_version_keeps_its_text() -> None:
    """``version: "1.10"`` stays 1.10 (unquoted it is refused: see invalid/)."""
    assert parse_definition(VALID.replace('version: "1"', 'version: "1.10"')).version == "1.10"


def test_hundreds_of_thousands_of_keys_are_refused(tmp_path: Path) -> None:
    """300,000 keys, one a line, are refused by size before any is read as YAML."""
    path = tmp_path / "keys.yaml"
    path.write_text(many_keys(300_000), encoding="utf-8")
    with pytest.raises(DefinitionError, match="larger than 1 MB"):
        sendflow.load_process(path)
