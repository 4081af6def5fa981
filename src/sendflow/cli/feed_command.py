"""``sendflow changes``: the store's change feed as JSON Lines.

One page of up to ``--limit`` records written after ``--after CURSOR`` (from the start
without it), one line each, a ``Change`` in its JSON shape (``docs/contracts.md``), in
commit order. The cursor to resume from is printed on stderr as ``cursor: CURSOR`` after
each page. With ``--follow`` the command reads on, page after page, waiting for new
records when it has read them all (``LISTEN``/``NOTIFY`` on PostgreSQL), until it is
interrupted.
"""

from __future__ import annotations

import argparse
import json
import sys

from sendflow.cli.database import add_db, open_store
from sendflow.cli.output import emit

__all__ = ["add_command"]

_WAIT_SECONDS = 30.0


def _limit(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= 10_000:
        raise argparse.ArgumentTypeError(
            f"the limit is a whole number from 1 to 10000, not {text!r}"
        )
    return value


def add_command(changes: argparse.ArgumentParser, name: str) -> None:
    """Give ``sendflow changes`` (the one command here, ``name``) its options and run."""
    changes.add_argument(
        "--after", metavar="CURSOR", help="the cursor a previous run printed (default: the start)"
    )
    changes.add_argument(
        "--limit", type=_limit, default=1000, metavar="N", help="records a page (default 1000)"
    )
    changes.add_argument(
        "--follow",
        action="store_true",
        help="keep reading, waiting for new records, until interrupted",
    )
    add_db(changes)
    changes.set_defaults(run=run_changes)


def run_changes(args: argparse.Namespace) -> int:
    """Write the records after the cursor, one JSON line each; the cursor on stderr."""
    from sendflow.contracts import converter  # noqa: PLC0415 (loads cattrs)

    cursor = args.after
    with open_store(args) as store:
        try:
            while True:
                page = store.changes(after=cursor, limit=args.limit)
                for change in page.items:
                    emit(json.dumps(converter.unstructure(change), ensure_ascii=False))
                cursor = page.cursor
                sys.stdout.flush()
                print(f"cursor: {cursor}", file=sys.stderr, flush=True)
                if not args.follow:
                    return 0
                if not page.items:
                    store.wait_for_changes(cursor, _WAIT_SECONDS)
        except KeyboardInterrupt:
            return 0
