"""docs/cli.md is the reference the argument parser gives: every command and option."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from sendflow.cli import build_parser, main
from sendflow.cli.reference import CLI_GENERATED, cli_reference

REFERENCE = Path(__file__).resolve().parents[2] / "docs" / "cli.md"


def test_docs_cli_md_is_up_to_date() -> None:
    """docs/cli.md is exactly what the parser gives; change the parser, then regenerate."""
    assert REFERENCE.read_text(encoding="utf-8") == cli_reference(build_parser()), (
        "docs/cli.md is out of date. Change the command's arguments or help (src/sendflow/"
        "cli), not the page, then run: sendflow docs --cli > docs/cli.md"
    )


def test_the_command_prints_the_reference(capsys: pytest.CaptureFixture[str]) -> None:
    """sendflow docs --cli prints the same reference, and refuses a process beside it."""
    assert main(["docs", "--cli"]) == 0
    assert capsys.readouterr().out == cli_reference(build_parser())
    assert main(["docs", "appeal", "--cli"]) == 2
    assert "not both" in capsys.readouterr().err


def _options(parser: argparse.ArgumentParser) -> list[tuple[str, str]]:
    """Every (command, option) pair of the parser, nested commands included."""
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found += [(f"{name} {c}".strip(), o) for c, o in _options(sub)]
                found += [(name, o) for o in _own(sub)]
    return found


def _own(parser: argparse.ArgumentParser) -> list[str]:
    return [
        o
        for a in parser._actions
        if not isinstance(a, (argparse._HelpAction, argparse._SubParsersAction))
        for o in (a.option_strings or [a.metavar or a.dest.upper()])
    ]


def test_every_command_and_option_is_in_the_reference() -> None:
    """Each command has its section; each option of it is in that section."""
    text = cli_reference(build_parser())
    assert text.startswith(CLI_GENERATED)
    sections = {s.split("\n", 1)[0]: s for s in text.split("\n## ")[1:]}
    pairs = _options(build_parser())
    assert len(pairs) > 100
    for command, option in pairs:
        if f"sendflow {command}" not in sections:
            continue  # a group of commands (local-offer): its commands have the sections
        assert f"`{option}" in sections[f"sendflow {command}"], (command, option)
    assert "sendflow local-offer check" in sections
    assert "sendflow local-offer" not in sections


def test_a_new_option_makes_the_reference_stale() -> None:
    """An option added to a command shows in its usage line and its table."""
    parser = build_parser()
    before = cli_reference(parser)
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    commands.choices["validate"].add_argument(
        "--strict", action="store_true", help="treat warnings as problems"
    )
    after = cli_reference(parser)
    assert after != before
    assert "[--strict]" in after
    assert "| `--strict` | Treat warnings as problems. |" in after


def test_usage_lines_spell_each_kind_of_argument() -> None:
    """Positionals, repeated and optional values, choices and flags, as argparse would."""
    text = cli_reference(build_parser())
    assert "sendflow validate FILE [FILE ...] [--format {text,json}]" in text
    assert "sendflow docs [PROCESS] [--format {md,html}]" in text
    assert "[--data KEY=VALUE] ..." in text
    assert "sendflow record CASE_ID EVENT --on ON " in text
