"""``check_process``: every property a definition must keep, on generated histories."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings

from sendflow.engine.events import Event
from sendflow.testing.processes import ProcessLike, as_compiled
from sendflow.testing.properties import HISTORY_PROPERTIES
from sendflow.testing.strategies import histories
from sendflow.testing.structure import DEFINITION_PROPERTIES, PropertyError

__all__ = ["check_process"]


def check_process(
    process: ProcessLike,
    *,
    max_examples: int | None = None,
    max_events: int = 20,
) -> None:
    """Check every property on ``process``; raise :class:`PropertyError` on the first fault.

    The definition's properties are checked first, all together; then each generated
    history is checked against every history property, and hypothesis shrinks a failing
    history to a short one.

    Args:
        process: A process, its compiled form, or a packaged id or file path.
        max_examples: How many histories to try; default the current hypothesis profile's.
        max_events: The longest history to generate.
    """
    compiled = as_compiled(process)
    failures: list[str] = []
    for prop in DEFINITION_PROPERTIES:
        try:
            prop(compiled)
        except PropertyError as exc:
            failures.append(str(exc))
    if failures:
        raise PropertyError(
            "definition properties",
            f"process {compiled.process.id!r} breaks {len(failures)} definition "
            "propert"
            + ("y" if len(failures) == 1 else "ies")
            + ":\n"
            + "\n".join(f"- {f}" for f in failures),
        )
    chosen = settings(
        settings(),
        max_examples=max_examples or settings().max_examples,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )

    def run(history: list[Event]) -> None:
        for prop in HISTORY_PROPERTIES:
            prop(compiled, history)

    # Every call shares this function's source, so hypothesis would keep one example
    # database entry for all processes; the extra digest (what pytest's parametrize sets)
    # keeps a failing history of one process for that process.
    named = f"{compiled.process.id} {compiled.process.version} {compiled.process.file}"
    run._hypothesis_internal_add_digest = named.encode()  # type: ignore[attr-defined]
    chosen(given(history=histories(compiled, max_events=max_events))(run))()
