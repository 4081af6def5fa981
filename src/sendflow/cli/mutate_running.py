"""Running ``sendflow mutate``: loaded only when the command runs (it needs hypothesis).

Makes every mutant of the process (each one plausible legal mistake in one rule), runs the
scenario files against each, and prints the mutation score and every surviving mutant with
the rule, the change and a scenario that would kill it.
"""

from __future__ import annotations

import argparse
import json

from sendflow.testing.mutants import OPERATORS
from sendflow.testing.mutation import MutationReport, mutate

__all__ = ["run", "table"]


def run(args: argparse.Namespace) -> int:
    """Score the scenario files on the process; exit 1 below ``--min-score``."""
    operators = tuple(args.operator) if args.operator else OPERATORS
    report = mutate(
        args.process,
        args.scenario_files,
        operators=operators,
        jobs=args.jobs,
        suggestions=not args.no_suggestions,
    )
    print(json.dumps(report.to_dict(), indent=2) if args.format == "json" else table(report))
    if args.min_score is not None and report.score * 100 < args.min_score:
        return 1
    return 0


def table(report: MutationReport) -> str:
    """The report as text: the score, then each survivor with a scenario that kills it."""
    lines = [
        f"Mutation testing {report.process} {report.version}: {report.scenarios} scenario(s) "
        f"in {len(report.files)} file(s) against {len(report.results)} mutant(s)",
        f"Score: {report.score:.1%} ({report.killed} killed, {len(report.survivors)} survived) "
        f"in {report.seconds:.1f} s",
    ]
    for result in report.survivors:
        mutant = result.mutant
        lines.append(f"\nsurvived: {mutant.id}\n  rule {mutant.rule}: {mutant.change}")
        if not report.suggested:
            continue
        if result.suggestion is None:
            lines.append(
                "  no generated history tells it apart from the definition: it may be "
                "equivalent (no scenario can kill it)"
            )
            continue
        lines.append("  a scenario that kills it (what the definition gives):")
        lines.append(result.suggestion.to_yaml(indent=4))
        gives = json.dumps(result.suggestion.mutant_gives)
        lines.append(f"    # the mutant gives instead: {gives}")
    return "\n".join(lines)
