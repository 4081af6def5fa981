"""The ``sendflow`` command line.

Each group of commands lives in its own module with a ``register(subparsers)`` function.
Errors sendflow raises become a message on stderr and exit status 2; nothing half-done
is printed on stdout.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from sendflow.cli import (
    audit_commands,
    caseload_commands,
    check_command,
    definition_commands,
    feed_command,
    localoffer_commands,
    mutate_command,
    process_commands,
    replay_command,
    report_commands,
    store_commands,
)
from sendflow.errors import SendflowError

__all__ = ["main"]

Registrar = Callable[["argparse._SubParsersAction[argparse.ArgumentParser]"], None]

COMMANDS: tuple[Registrar, ...] = (
    process_commands.register,
    check_command.register,
    store_commands.register,
    audit_commands.register,
    feed_command.register,
    replay_command.register,
    report_commands.register,
    caseload_commands.register,
    localoffer_commands.register,
    mutate_command.register,
    definition_commands.register,  # last: it adds --process-dir to every command
)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every command registered."""
    parser = argparse.ArgumentParser(
        prog="sendflow",
        description="England's SEND statutory processes: definitions, cases and time limits.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for register in COMMANDS:
        register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``sendflow`` command; return its exit status."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:  # --help, or a bad argument already explained on stderr
        return stop.code if isinstance(stop.code, int) else 2
    try:
        status: int = args.run(args)
    except SendflowError as exc:
        print(f"sendflow {args.command}: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0
    return status


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
