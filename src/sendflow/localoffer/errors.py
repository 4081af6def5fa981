"""The errors the local offer checker raises: a data file or a feed it cannot use."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from sendflow.errors import DefinitionError, InvalidInputError, Problem

__all__ = ["FeedError", "LocalOfferFileError"]


class LocalOfferFileError(DefinitionError):
    """A topics file, taxonomy map or manifest cannot be used; every problem is listed.

    It is a :class:`~sendflow.errors.DefinitionError` (these files define the check), so
    ``problems`` holds every problem, each with its file, line and path.
    """

    code: ClassVar[str] = "local_offer_file_invalid"

    def __init__(self, what: str, problems: Iterable[Problem]) -> None:
        super().__init__(problems)
        message = str(self.args[0]).replace("in the process definition:", f"in the {what}:", 1)
        self.args = (message,)


class FeedError(InvalidInputError):
    """A directory feed cannot be read at all (not JSON, no services, an unknown version).

    Problems with single records do not raise this: they are reported with the record's
    id and field, and the rest of the feed is still checked.
    """

    code: ClassVar[str] = "feed_invalid"
