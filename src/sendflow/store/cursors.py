"""Keyset cursors for paged listings: opaque text naming where the last page ended.

A cursor holds the sort key of the last item handed out and a fingerprint of the query
that made it (the listing, its filters and dates), written as URL-safe base64 of JSON.
The next page starts after that key, so it neither skips nor repeats an item that was
there when paging began, whatever is written meanwhile. A cursor given to another query,
or one that is not a cursor at all, is a :class:`CursorError`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any

from sendflow.errors import InvalidInputError
from sendflow.store.errors import CursorError

__all__ = ["MAX_LIMIT", "check_limit", "make_cursor", "read_cursor"]

MAX_LIMIT = 10_000
"""The most items one page may hold."""

_VERSION = 1


def _fingerprint(listing: str, query: Mapping[str, Any]) -> str:
    text = json.dumps([listing, query], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def make_cursor(listing: str, query: Mapping[str, Any], after: Sequence[str | int]) -> str:
    """The cursor for the page after the item whose sort key is ``after``."""
    body = {"v": _VERSION, "q": _fingerprint(listing, query), "after": list(after)}
    raw = json.dumps(body, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def read_cursor(
    cursor: str | None, listing: str, query: Mapping[str, Any], types: Sequence[type]
) -> list[Any] | None:
    """The sort key a cursor of this query holds, or ``None`` for the first page.

    Raises:
        CursorError: ``cursor`` is not one this listing made for this query.
    """
    if cursor is None:
        return None
    if not isinstance(cursor, str):
        raise CursorError(
            f"the cursor must be the text a page gave as next_cursor, not {cursor!r}.",
            cursor=cursor,
        )
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        body = json.loads(raw)
    except (binascii.Error, ValueError):
        raise CursorError(
            f"{cursor[:40]!r} is not a cursor: pass a page's next_cursor as it was given, "
            "or no cursor for the first page.",
            cursor=cursor,
        ) from None
    after = body.get("after") if isinstance(body, dict) else None
    if (
        not isinstance(body, dict)
        or body.get("v") != _VERSION
        or not isinstance(after, list)
        or len(after) != len(types)
        or not all(type(v) is t for v, t in zip(after, types, strict=True))
    ):
        raise CursorError(
            f"{cursor[:40]!r} is not a cursor of {listing}: pass a page's next_cursor as "
            "it was given, or no cursor for the first page.",
            cursor=cursor,
        )
    if body.get("q") != _fingerprint(listing, query):
        raise CursorError(
            f"the cursor was made for another {listing} query: page with the same "
            "filters, dates and window that gave it, or start again without a cursor.",
            cursor=cursor,
        )
    return after


def check_limit(limit: int) -> None:
    """``limit`` is a page size the store takes.

    Raises:
        InvalidInputError: It is not a whole number from 1 to :data:`MAX_LIMIT`.
    """
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
        raise InvalidInputError(
            f"limit must be a whole number from 1 to {MAX_LIMIT}, not {limit!r}."
        )
