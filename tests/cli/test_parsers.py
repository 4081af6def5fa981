"""The command list and its parsers, added only for the command run, as the full parser has them."""

from __future__ import annotations

import argparse
import importlib

import pytest

from sendflow.cli import build_parser, main
from sendflow.cli.commands import GROUPS, command_named

NAMES = [command.name for group in GROUPS for command in group.commands]


def _subparsers(parser: argparse.ArgumentParser) -> argparse._SubParsersAction:
    return next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))


def _shape(parser: argparse.ArgumentParser) -> list[tuple[object, ...]]:
    """What a parser accepts: each argument's spellings, destination, arity, choices, help."""
    shape: list[tuple[object, ...]] = [(parser.description,)]
    for action in parser._actions:
        shape.append(
            (
                tuple(action.option_strings),
                action.dest,
                action.nargs,
                action.required,
                tuple(action.choices) if action.choices is not None else None,
                action.help,
            )
        )
        if isinstance(action, argparse._SubParsersAction):
            shape += [(name, *_shape(sub)) for name, sub in action.choices.items()]
    return shape


def test_every_command_has_one_name() -> None:
    """No two commands share a name, and the full parser has exactly the listed commands."""
    assert len(NAMES) == len(set(NAMES))
    assert list(_subparsers(build_parser()).choices) == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_a_command_built_alone_has_its_full_options(name: str) -> None:
    """Built alone, a command has the options, description and run of the full parser's."""
    group = command_named(name)
    assert group is not None
    assert callable(importlib.import_module(group.module).add_command)
    alone = _subparsers(build_parser([name])).choices[name]
    full = _subparsers(build_parser()).choices[name]
    assert _shape(alone) == _shape(full)
    assert any(a.option_strings == ["--process-dir"] for a in alone._actions)
    if not any(isinstance(a, argparse._SubParsersAction) for a in alone._actions):
        assert callable(alone.get_default("run")), name


@pytest.mark.parametrize("name", NAMES)
def test_a_command_not_run_is_listed_without_options(name: str) -> None:
    """A command left out has only ``--help`` and no run: its module need not load."""
    others = [n for n in NAMES if n != name]
    stub = _subparsers(build_parser(others)).choices[name]
    assert [a.dest for a in stub._actions] == ["help"]
    assert stub.get_default("run") is None


def test_the_top_level_help_lists_every_command_with_its_help(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """``sendflow --help`` names every command and its one-line help, as the full parser does."""
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert out == build_parser().format_help()
    words = " ".join(out.split())
    for group in GROUPS:
        for command in group.commands:
            assert f" {command.name} {' '.join(command.help.split())}" in words, command.name


@pytest.mark.parametrize("name", NAMES)
def test_a_commands_help_shows_its_options(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    """``sendflow CMD --help`` prints the command's full help, options included."""
    assert main([name, "--help"]) == 0
    out = capsys.readouterr().out
    full = _subparsers(build_parser()).choices[name]
    assert out == full.format_help()
    assert "--process-dir" in out


def test_an_unknown_command_is_refused_with_the_list(capsys: pytest.CaptureFixture[str]) -> None:
    """A misspelt command exits 2, listing the commands there are."""
    assert main(["proceses"]) == 2
    err = capsys.readouterr().err
    assert "invalid choice: 'proceses'" in err
    assert all(f"'{name}'" in err for name in NAMES)
