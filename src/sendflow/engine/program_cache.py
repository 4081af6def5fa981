"""The programs of one process, by shape: when to record one, what to forget, when to read.

A shape's fold is kept the second time it is folded (by default) and its program built
(``sendflow.engine.programs``) the third; the cache is bounded, and forgets the older
half of what it holds when full. When a process's histories have almost never come in
a shape met before, most shapes are not read at all (see :meth:`ProgramCache.shaping`).
"""

from __future__ import annotations

import itertools
from collections.abc import Hashable, Sequence
from typing import Any, NamedTuple

from sendflow.definitions.model import FieldType
from sendflow.engine.clocks import Clock
from sendflow.engine.events import Event
from sendflow.engine.machine import CompiledProcess
from sendflow.engine.programs import Program, build_program, program_checks
from sendflow.engine.shapes import ShapeReader

__all__ = ["ProgramCache"]

_MAX_PROGRAMS = 2_000
_MOST_SIGHTS = 6  # the most times a shape is folded in full before it is recorded
# Reading a history's shape costs an eighth to a sixth of folding it; a shape met before
# saves most of a fold only once its program is built. Over each window of shapes read,
# if fewer than one in ten had been met before, only one history in _SAMPLE is read (the
# others are folded straight away) until a window of those read says shapes repeat again.
_WINDOW = 1_000
_RARE = 10  # per hundred shapes read
_SAMPLE = 8


class ProgramCache:
    """The programs of one process, by shape, bounded in size.

    A shape is recorded the second time it is folded: caseloads repeat their common paths
    many times, and recording one-off histories would only cost time and crowd the common
    ones out. Recording keeps the second fold's clocks as they are (the fold made them
    anyway); the program is built from them when the shape comes a third time, and
    replays it then and after. So a shape met only twice costs no building. When full,
    the older half of the shapes recorded is forgotten.

    A caseload with more repeated shapes than the cache holds would record folds only to
    forget them unbuilt (and keeping them is not free: the collector walks them). So when
    most of the shapes forgotten were never built, a shape must be folded once more
    before it is recorded (up to ``_MOST_SIGHTS`` times); when most were built, once less
    (down to twice).

    Attributes:
        replayed: How many evaluations a program replayed.
        folded: How many evaluations were folded in full.
        sights: How many times a shape is folded before it is recorded.
        sampling: Whether shapes have lately been rare to repeat, so only one history of
            Events in ``_SAMPLE`` has its shape read.
    """

    def __init__(self, compiled: CompiledProcess) -> None:
        self.compiled = compiled
        self.reader = ShapeReader(compiled)
        self.converts = frozenset(
            name for name, spec in compiled.process.events.items()
            if any(f.type in (FieldType.DATE, FieldType.INTEGER) for f in spec.data.values())
        )  # fmt: skip
        # A shape's program, or the fold it will be built from (see ``program``).
        self.programs: dict[Hashable, Program | _Recorded] = {}
        self._seen: dict[Hashable, int] = {}  # how often shapes not recorded were folded
        self.replayed = 0
        self.folded = 0
        self.sights = 2
        self.sampling = False
        self._read = 0  # shapes read in this window
        self._repeated = 0  # of which had been met before
        self._passed = 0  # histories not read while sampling

    def shaping(self) -> bool:
        """Whether to read the shape of the next history of :class:`Event` objects.

        Always, unless shapes have lately been rare to repeat (``sampling``); then one
        history in ``_SAMPLE``. Whichever it is, the result is the same: a history not
        read is folded in full, as one whose shape has no program yet. (Histories of
        case-file mappings are always read: reading them is how they are converted.)
        """
        if not self.sampling:
            return True
        self._passed += 1
        return self._passed % _SAMPLE == 0

    def count(self, *, repeated: bool) -> None:
        """Count a shape read (``repeated``: met before), deciding on ``sampling`` per window."""
        self._read += 1
        if repeated:
            self._repeated += 1
        if self._read >= _WINDOW:
            self.sampling = 100 * self._repeated < _RARE * self._read
            self._read = self._repeated = 0

    def wanted(self, shape: Hashable) -> bool:
        """Whether to record a program for ``shape`` (it has been folded often enough)."""
        seen = self._seen.get(shape)
        if seen is None:
            _make_room(self._seen, 4 * _MAX_PROGRAMS)
            seen = 0
        self.count(repeated=seen > 0)
        seen += 1
        self._seen[shape] = seen
        return seen >= self.sights

    def record(
        self,
        shape: Hashable,
        history: Sequence[Event],
        state: str,
        states: Sequence[str],
        clocks: Sequence[Clock],
    ) -> None:
        """Keep a full fold of ``history`` (its final state, states and clocks) for its shape.

        The clocks are kept as the fold left them (nothing changes them after it; the
        caller goes on to sort its own list of them), and what the history itself
        contributes (which events need their data read again) is taken now: the caller
        may change its events later.
        """
        forgotten = _make_room(self.programs, _MAX_PROGRAMS)
        if forgotten:
            built = sum(isinstance(found, Program) for found in forgotten)
            if 4 * built < len(forgotten):  # most never built: recorded too soon
                self.sights = min(self.sights + 1, _MOST_SIGHTS)
            elif 2 * built > len(forgotten):
                self.sights = max(self.sights - 1, 2)
        checks = program_checks(history, self.converts)
        self.programs[shape] = _Recorded(state, tuple(states), tuple(clocks), checks)

    def program(self, shape: Hashable) -> Program | None:
        """The program of ``shape``, built now if its fold was only recorded; or ``None``."""
        found = self.programs.get(shape)
        if found is None or isinstance(found, Program):
            return found
        return self.build(shape, found)

    def build(self, shape: Hashable, recorded: _Recorded) -> Program:
        """Build the program of a recorded fold, and keep it in the fold's place."""
        program = build_program(self.compiled, *recorded)
        if shape in self.programs:  # unless another thread forgot it meanwhile
            self.programs[shape] = program
        return program


class _Recorded(NamedTuple):
    """A full fold kept for its shape: the program is built from it on the next sight."""

    state: str
    states: tuple[str, ...]
    clocks: Sequence[Clock]
    checks: list[tuple[int, str]]


def _make_room(kept: dict[Hashable, Any], limit: int) -> list[Any]:
    """Forget the older half of ``kept`` (oldest first) if it holds ``limit`` entries.

    Returns what was forgotten.
    """
    forgotten: list[Any] = []
    if len(kept) >= limit:
        while True:
            try:
                oldest = list(itertools.islice(kept, limit // 2))
                break
            except RuntimeError:  # another thread changed ``kept`` while it was read
                continue
        for old in oldest:
            # Another thread may have forgotten it already.
            found = kept.pop(old, _FORGOTTEN)
            if found is not _FORGOTTEN:
                forgotten.append(found)
    return forgotten


_FORGOTTEN = object()
