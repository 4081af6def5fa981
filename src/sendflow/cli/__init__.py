"""The ``sendflow`` command line.

Every command is listed, with its one-line help, in :data:`~sendflow.cli.commands.GROUPS`,
beside the module that adds its options with ``add_command(parser, name)``. Only the
command being run has its module imported: ``sendflow --help`` and ``sendflow
processes`` load no store, no YAML reader and no engine. Errors sendflow raises become a
message on stderr and exit status 2; nothing half-done is printed on stdout.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Collection, Sequence

from sendflow.cli.commands import GROUPS, command_named
from sendflow.definitions.folders import process_dirs, use_process_dirs

__all__ = ["build_parser", "main"]

Run = Callable[[argparse.Namespace], int]


def build_parser(commands: Collection[str] | None = None) -> argparse.ArgumentParser:
    """The argument parser, with the options of ``commands`` (default: of every command).

    Every command is listed, with its help, whatever ``commands`` holds; a command left
    out has no options and no ``run``, and its module is not imported.
    """
    parser = argparse.ArgumentParser(
        prog="sendflow",
        description="England's SEND statutory processes: definitions, cases and time limits.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for group in GROUPS:
        wanted = [c for c in group.commands if commands is None or c.name in commands]
        module = importlib.import_module(group.module) if wanted else None
        for command in group.commands:
            sub = subparsers.add_parser(command.name, help=command.help)
            if module is not None and command in wanted:
                module.add_command(sub, command.name)
                _add_process_dirs(sub)
    return parser


def _add_process_dirs(parser: argparse.ArgumentParser) -> None:
    """Give a command ``--process-dir DIR`` (repeatable), used while it runs."""
    parser.add_argument(
        "--process-dir",
        action="append",
        default=[],
        metavar="DIR",
        help="a folder of overlays and local process files, found by their id "
        "(repeatable; also $SENDFLOW_PROCESSES)",
    )
    parser.set_defaults(run=_with_process_dirs(parser.get_default("run")))


def _with_process_dirs(run: Run) -> Run:
    def wrapped(args: argparse.Namespace) -> int:
        given = getattr(args, "process_dir", [])
        if not given:
            return run(args)
        use_process_dirs([*given, *process_dirs()])
        try:
            return run(args)
        finally:
            use_process_dirs(None)

    return wrapped


def _command_in(argv: Sequence[str]) -> list[str]:
    """The command ``argv`` names first, as a list of one (none for ``--help`` or a typo)."""
    return [argv[0]] if argv and command_named(argv[0]) is not None else []


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``sendflow`` command; return its exit status."""
    given = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(_command_in(given))
    try:
        args = parser.parse_args(given)
    except SystemExit as stop:  # --help, or a bad argument already explained on stderr
        return stop.code if isinstance(stop.code, int) else 2
    try:
        status: int = args.run(args)
    except Exception as exc:
        if _is_sendflow_error(exc):
            print(f"sendflow {args.command}: {exc}", file=sys.stderr)
            return 2
        if isinstance(exc, BrokenPipeError):
            return 0
        raise
    return status


def _is_sendflow_error(exc: Exception) -> bool:
    """Whether ``exc`` is a :class:`~sendflow.errors.SendflowError`.

    Read from ``sys.modules`` rather than imported here: the errors module brings attrs,
    which ``--help`` and ``processes`` have no other need of, and an exception cannot be
    a ``SendflowError`` unless the module defining it has been loaded.
    """
    errors = sys.modules.get("sendflow.errors")
    return errors is not None and isinstance(exc, errors.SendflowError)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
