"""Every command of ``sendflow``: its name, its one-line help, and the module that adds it.

The list is all ``sendflow --help`` needs, so the top-level help is built without
importing any command's module. A module in the list has an
``add_command(parser, name)`` function that gives the command ``name`` its options
and its ``run``; the command line imports the module (and what the command needs)
only when that command is parsed.
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["GROUPS", "Command", "Group", "command_named"]


class Command(NamedTuple):
    """A command as the top-level help lists it."""

    name: str
    help: str


class Group(NamedTuple):
    """The commands one module adds, in the order ``sendflow --help`` lists them."""

    module: str
    commands: tuple[Command, ...]


GROUPS: tuple[Group, ...] = (
    Group(
        "sendflow.cli.listing_command",
        (Command("processes", "list the packaged processes"),),
    ),
    Group(
        "sendflow.cli.process_commands",
        (
            Command(
                "show", "show a process: states, events, time limits and their legal references"
            ),
            Command("validate", "check process files and list problems"),
        ),
    ),
    Group(
        "sendflow.cli.check_command",
        (Command("check", "evaluate a case file (or a stored case) and print its time limits"),),
    ),
    Group(
        "sendflow.cli.store_commands",
        (
            Command("import", "import case files, folders of them, or JSON Lines into the store"),
            Command("record", "record an event in a stored case"),
            Command("due", "time limits due in a window, and overdue ones, across all cases"),
            Command("export", "every case as JSON Lines on stdout"),
            Command("cases", "list the stored cases"),
        ),
    ),
    Group(
        "sendflow.cli.audit_commands",
        (
            Command(
                "history",
                "a stored case's audit trail: every event recorded, numbered, and retractions",
            ),
            Command("retract", "take a recorded event out of a stored case's legal history"),
        ),
    ),
    Group(
        "sendflow.cli.feed_command",
        (Command("changes", "the records written after a cursor, as JSON Lines, in commit order"),),
    ),
    Group(
        "sendflow.cli.replay_command",
        (Command("replay", "replay case histories under two definitions and list what changes"),),
    ),
    Group(
        "sendflow.cli.report_commands",
        (Command("report", "the compliance figures for a period: HTML, Markdown, JSON or CSV"),),
    ),
    Group(
        "sendflow.cli.caseload_commands",
        (
            Command("simulate", "simulate a council's caseload into the store"),
            Command("demo", "simulate a mid-sized council and write its committee report"),
            Command(
                "sen2-import", "import an SEN2-style CSV extract (one row per request) as cases"
            ),
            Command("sen2-export", "write stored assessments as an SEN2-style CSV extract"),
        ),
    ),
    Group(
        "sendflow.cli.localoffer_commands",
        (Command("local-offer", "check a council's local offer"),),
    ),
    Group(
        "sendflow.cli.mutate_command",
        (Command("mutate", "score scenario files by how many plausible wrong rules they catch"),),
    ),
    Group(
        "sendflow.cli.definition_commands",
        (
            Command(
                "diagram", "draw a process: states, events and time limits, local steps marked"
            ),
            Command("docs", "a page about a process: diagram, states, events and every rule"),
            Command("schema", "the JSON Schema of process and overlay files, for editors"),
        ),
    ),
)
"""Every command, grouped by the module that adds it, in the order of ``sendflow --help``."""


def command_named(name: str) -> Group | None:
    """The group (and so the module) of the command ``name``, or ``None`` if there is none."""
    return next((g for g in GROUPS if any(c.name == name for c in g.commands)), None)
