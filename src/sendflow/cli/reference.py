"""The command-line reference, ``docs/cli.md``, written from the argument parser itself.

``sendflow docs --cli`` prints it; the test suite fails when ``docs/cli.md`` differs from
it, so the reference names every command and option the parser has, and no other. The
usage lines are built here rather than by :mod:`argparse`, whose layout depends on the
terminal's width and on the Python version.
"""

from __future__ import annotations

import argparse

from sendflow.cli.output import emit

__all__ = ["CLI_GENERATED", "cli_reference", "run_reference"]

CLI_GENERATED = "<!-- generated from the argument parser by `sendflow docs --cli`; do not edit -->"
_INTRO = (
    "Every command and option of `sendflow`, as its argument parser has them. Run "
    "`sendflow COMMAND --help` for the same in a terminal. A command exits with status 0 "
    "when it did its work, 1 when it did and the result is a failure it was asked to "
    "report (an invalid file for `validate`, a breach with `--fail-on-breach`, stale pages "
    "for `docs --check`), and 2 when it could not do its work: the reason is on stderr and "
    "nothing half-done is on stdout. The JSON shapes the commands print are described in "
    "[contracts.md](contracts.md)."
)


def cli_reference(parser: argparse.ArgumentParser) -> str:
    """The Markdown reference of every command ``parser`` (the ``sendflow`` parser) has."""
    commands = list(_commands(parser, "sendflow"))
    out = [CLI_GENERATED, "", "# Command-line reference", "", _INTRO, ""]
    out += ["| command | what it does |", "|---|---|"]
    out += [f"| [`{name}`](#{_anchor(name)}) | {_cell(summary)} |" for name, summary, _ in commands]
    for name, summary, command in commands:
        out += ["", f"## {name}", "", _sentence(command.description or summary)]
        out += ["", "```text", _usage(name, command), "```"]
        rows = [_row(action) for action in _arguments(command)]
        if rows:
            out += ["", "| argument | meaning |", "|---|---|"]
            out += [f"| {_cell(left)} | {_cell(right)} |" for left, right in rows]
    return "\n".join(out) + "\n"


def run_reference(args: argparse.Namespace) -> int:
    """Print the command-line reference (``sendflow docs --cli``)."""
    from sendflow.cli import build_parser  # noqa: PLC0415 - the parser registers this command

    emit(cli_reference(build_parser()))
    return 0


def _commands(
    parser: argparse.ArgumentParser, prog: str
) -> list[tuple[str, str, argparse.ArgumentParser]]:
    """Each command under ``parser``, nested ones too: full name, summary and parser."""
    found = []
    for action in parser._actions:
        if not isinstance(action, argparse._SubParsersAction):
            continue
        summaries = {a.dest: a.help or "" for a in action._choices_actions}
        for name, sub in action.choices.items():
            full = f"{prog} {name}"
            if any(isinstance(a, argparse._SubParsersAction) for a in sub._actions):
                found += _commands(sub, full)
            else:
                found.append((full, summaries.get(name, ""), sub))
    return found


def _arguments(parser: argparse.ArgumentParser) -> list[argparse.Action]:
    """The arguments a reader gives: positionals first, then options; ``--help`` left out."""
    shown = [
        a
        for a in parser._actions
        if not isinstance(a, argparse._HelpAction) and a.help is not argparse.SUPPRESS
    ]
    return [a for a in shown if not a.option_strings] + [a for a in shown if a.option_strings]


def _value(action: argparse.Action) -> str:
    """How the value of ``action`` is written in a usage line."""
    if action.choices is not None and not isinstance(action.choices, dict):
        return "{" + ",".join(str(c) for c in action.choices) + "}"
    metavar = action.metavar if isinstance(action.metavar, str) else None
    return metavar or action.dest.upper()


def _synopsis(action: argparse.Action) -> str:
    """One argument as written in a usage line, without the brackets of an optional one."""
    value = _value(action)
    if not action.option_strings:
        spelled = value
    elif action.nargs == 0:
        return _option(action)
    else:
        spelled = f"{_option(action)} {value}"
    if action.nargs == "+":
        return f"{spelled} [{value} ...]"
    if action.nargs == "*":
        return f"[{spelled} ...]"
    return spelled


def _option(action: argparse.Action) -> str:
    """The long spelling of an option (``--format`` rather than ``-f``)."""
    return max(action.option_strings, key=len)


def _usage(name: str, parser: argparse.ArgumentParser) -> str:
    parts = [name]
    for action in _arguments(parser):
        spelled = _synopsis(action)
        optional = (action.option_strings and not action.required) or action.nargs == "?"
        repeat = " ..." if isinstance(action, argparse._AppendAction) else ""
        parts.append(f"[{spelled}]{repeat}" if optional else spelled)
    return " ".join(parts)


def _row(action: argparse.Action) -> tuple[str, str]:
    """An argument's row: how it is written, and what it means with its default."""
    value = "" if action.nargs == 0 else f" {_value(action)}"
    spelled = ", ".join(f"`{o}{value}`" for o in action.option_strings) or f"`{_value(action)}`"
    meaning = action.help or ""
    words = [_sentence(meaning)]
    if action.required and action.option_strings:
        words.append("Required.")
    if isinstance(action, argparse._AppendAction) and "repeatable" not in meaning:
        words.append("May be given more than once.")
    default = action.default
    given = action.option_strings and action.nargs != 0 and default not in (None, "", [], ())
    if given and "default" not in meaning.lower():
        words.append(f"Default: `{default}`.")
    return spelled, " ".join(w for w in words if w) or "-"


def _sentence(text: str) -> str:
    """``text`` on one line, starting with a capital and ending with a full stop."""
    text = " ".join(text.split())
    if not text:
        return ""
    text = text[0].upper() + text[1:]
    return text if text.endswith(".") else f"{text}."


def _anchor(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, spaces as hyphens."""
    return "-".join(heading.lower().split())


def _cell(text: str) -> str:
    return text.replace("|", "\\|")
