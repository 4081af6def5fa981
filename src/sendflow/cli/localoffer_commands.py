"""``sendflow local-offer check``: a council's directory feed against the local offer duties."""

from __future__ import annotations

import argparse
import sys
from datetime import date

from sendflow.cli.arguments import legal_day
from sendflow.cli.output import Progress

__all__ = ["add_command"]

FORMATS = ("table", "json", "md", "html")


def add_command(group: argparse.ArgumentParser, name: str) -> None:
    """Give ``sendflow local-offer`` (the one command here, ``name``) its options and run."""
    commands = group.add_subparsers(dest="local_offer_command", metavar="COMMAND", required=True)
    check = commands.add_parser(
        "check",
        help="check a directory feed (ORUK 3.0 or 1.0) against Schedule 2 and the manifest",
        description="Check a directory feed against the local offer duties: Schedule 2 topic "
        "coverage and nine more checks of the feed, and three lifecycle checks of the "
        "manifest. Exit status: 0, or 1 when the score is under --fail-under.",
    )
    check.add_argument(
        "feed",
        metavar="FEED",
        help="an ORUK 3.0 or 1.0 JSON export, or a folder of ORUK 1.0 CSV tables",
    )
    check.add_argument(
        "--manifest", metavar="FILE", help="the policy documents, area and consultees"
    )
    check.add_argument(
        "--taxonomy-map", metavar="FILE", help="your taxonomy terms mapped to topics"
    )
    check.add_argument(
        "--as-of",
        metavar="DATE",
        type=legal_day,
        help="the day to check as of, YYYY-MM-DD (default: today)",
    )
    check.add_argument("--format", choices=FORMATS, default="table")
    check.add_argument(
        "--fail-under",
        metavar="PERCENT",
        type=_percent,
        help="exit 1 when the coverage score is under PERCENT",
    )
    check.set_defaults(run=_run)


def _percent(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 100:
        raise argparse.ArgumentTypeError(f"PERCENT must be a number from 0 to 100, not {text!r}")
    return value


def _run(args: argparse.Namespace) -> int:
    # The checker and its converter load only when the command runs (start-up time).
    from sendflow.localoffer import (  # noqa: PLC0415
        check_feed,
        load_manifest,
        load_taxonomy_map,
        packaged_topics,
    )
    from sendflow.localoffer.html import render_html  # noqa: PLC0415
    from sendflow.localoffer.render import (  # noqa: PLC0415
        render_json,
        render_markdown,
        render_table,
    )

    renderers = {"table": render_table, "json": render_json, "md": render_markdown}
    renderers["html"] = render_html
    as_of = args.as_of or date.today()
    manifest = load_manifest(args.manifest) if args.manifest else None
    mapping = load_taxonomy_map(args.taxonomy_map, packaged_topics()) if args.taxonomy_map else None
    progress = Progress(1, sys.stderr, label="reading feed")
    try:
        report = check_feed(
            args.feed,
            as_of=as_of,
            manifest=manifest,
            taxonomy_map=mapping,
            on_progress=progress.reach if progress.active else None,
        )
    finally:
        progress.close()
    sys.stdout.write(renderers[args.format](report))
    if args.fail_under is not None and report.score < args.fail_under:
        print(
            f"sendflow local-offer check: the coverage score {report.score:.1f}% is under "
            f"{args.fail_under:g}%",
            file=sys.stderr,
        )
        return 1
    return 0
