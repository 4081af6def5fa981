"""The errors the local offer checker raises: a data file or a feed it cannot use."""

from __future__ import annotations

from collections.abc import Iterable

from sendflow.errors import Problem, SendflowError

__all__ = ["FeedError", "LocalOfferFileError"]


class LocalOfferFileError(SendflowError, ValueError):
    """A topics file, taxonomy map or manifest cannot be used; every problem is listed.

    Attributes:
        problems: Every problem found, in file order, each with its file, line and path.
    """

    def __init__(self, what: str, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(
            sorted(problems, key=lambda p: (p.file or "", p.line or 0, p.path))
        )
        count = len(self.problems)
        heading = "1 problem" if count == 1 else f"{count} problems"
        lines = [f"{heading} in the {what}:"]
        lines.extend(f"  - {problem}" for problem in self.problems)
        super().__init__("\n".join(lines))


class FeedError(SendflowError, ValueError):
    """A directory feed cannot be read at all (not JSON, no services, an unknown version).

    Problems with single records do not raise this: they are reported with the record's
    id and field, and the rest of the feed is still checked.
    """
