"""Typed reading of plain YAML values, collecting every problem with its location."""

from __future__ import annotations

import difflib
import functools
from collections.abc import Collection, Iterable, Iterator, Mapping
from datetime import date, datetime
from typing import Any

from sendflow.definitions.source import Path, Source
from sendflow.errors import Problem
from sendflow.time.days import legal_day_problem, read_legal_day

__all__ = ["Reader", "did_you_mean", "unknown_values"]


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A " Did you mean 'x'?" hint for a misspelt name, or an empty string."""
    close = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return f" Did you mean {close[0]!r}?" if close else ""


def unknown_values(
    name: str, values: Iterable[str], allowed: Collection[str] | None
) -> Iterator[str]:
    """A message for each of ``values`` that field ``name`` cannot take."""
    if allowed is None:
        return
    for value in values:
        if value not in allowed:
            yield (
                f"{value!r} is not a value {name!r} can take. Allowed: "
                f"{', '.join(allowed)}.{did_you_mean(value, allowed)}"
            )


def _listing(choices: Iterable[str]) -> str:
    names = sorted(choices)
    return ", ".join(names) if names else "(none)"


class Reader:
    """Reads values out of a :class:`Source`, recording a problem for each bad one."""

    def __init__(self, source: Source) -> None:
        self.source = source
        self.problems: list[Problem] = []

    def report(self, path: Path, message: str) -> None:
        """Record a problem at ``path``."""
        self.problems.append(self.source.problem(path, message))

    def mapping(
        self,
        path: Path,
        value: Any,
        *,
        allowed: Collection[str],
        required: Collection[str] = (),
        what: str,
    ) -> dict[str, Any]:
        """Check ``value`` is a mapping with only ``allowed`` keys and all ``required`` ones."""
        if value is None:
            value = {}
        if not isinstance(value, Mapping):
            self.report(path, f"{what} must be a mapping of fields, not {_kind(value)}.")
            return {}
        result: dict[str, Any] = {}
        # A field list is a tuple, in the order the schema gives; asked as a set.
        fields = _field_set(allowed) if allowed.__class__ is tuple else allowed
        for key, item in value.items():
            if key not in fields:
                self.report(
                    (*path, key),
                    f"unexpected field {key!r} in {what}. Allowed fields are: "
                    f"{_listing(allowed)}.{did_you_mean(key, allowed)}",
                )
                continue
            result[key] = item
        for key in required:
            if key not in result:
                self.report(path, f"{what} needs the field {key!r}.")
        return result

    def table(self, path: Path, value: Any, *, what: str) -> dict[str, Any]:
        """Check ``value`` is a mapping from ids to entries, such as ``states``."""
        if value is None:
            return {}
        if not isinstance(value, Mapping):
            self.report(path, f"{what} must be a mapping from ids to entries, not {_kind(value)}.")
            return {}
        return {str(k): v for k, v in value.items()}

    def text(self, path: Path, value: Any, *, what: str, default: str | None = None) -> str | None:
        """A non-empty string (numbers are accepted and turned into text)."""
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            self.report(path, f"{what} must be text, not {_kind(value)}.")
            return default
        text = str(value).strip()
        if not text:
            self.report(path, f"{what} must not be empty.")
            return default
        return text

    def flag(self, path: Path, value: Any, *, what: str) -> bool:
        """A yes/no value (``true`` or ``false``)."""
        if value is None:
            return False
        if not isinstance(value, bool):
            self.report(path, f"{what} must be true or false, not {value!r}.")
            return False
        return value

    def day(self, path: Path, value: Any, *, what: str) -> date | None:
        """A date written YYYY-MM-DD."""
        if value is None:
            return None
        if isinstance(value, date) and not isinstance(value, datetime):
            problem = legal_day_problem(value)
            if problem is None:
                return value
            self.report(path, f"{what}: {problem}.")
            return None
        if isinstance(value, str):
            try:
                return read_legal_day(value)
            except ValueError as exc:
                self.report(path, f"{what} {value!r} is not a date: {exc}.")
                return None
        self.report(path, f"{what} must be a date written YYYY-MM-DD, not {value!r}.")
        return None

    def names(
        self,
        path: Path,
        value: Any,
        *,
        known: Collection[str],
        what: str,
        kind: str,
    ) -> tuple[str, ...]:
        """One name or a list of names, each of which must be in ``known``."""
        if value is None:
            return ()
        if value.__class__ is str:
            if value in known:
                return (value,)
        elif value.__class__ is list and _all_known(value, known):
            return tuple(value)
        items = value if isinstance(value, list) else [value]
        found: list[str] = []
        for index, item in enumerate(items):
            item_path = (*path, index) if isinstance(value, list) else path
            if not isinstance(item, str):
                self.report(item_path, f"{what} must name {kind}s, not {_kind(item)}.")
                continue
            if item not in known:
                self.report(
                    item_path,
                    f"{what} names the unknown {kind} {item!r}. Known {kind}s are: "
                    f"{_listing(known)}.{did_you_mean(item, known)}",
                )
                continue
            found.append(item)
        return tuple(found)

    def conditions(self, path: Path, value: Any) -> dict[str, tuple[str, ...]]:
        """A condition ``{FIELD: VALUE}`` or ``{FIELD: [VALUE, ...]}``, values as text."""
        found: dict[str, tuple[str, ...]] = {}
        for field, allowed in self.table(path, value, what="a condition").items():
            values = allowed if isinstance(allowed, list) else [allowed]
            found[field] = tuple(str(v) for v in values)
        return found

    def choice(
        self, path: Path, value: Any, *, allowed: Collection[str], what: str, default: str
    ) -> str:
        """One of a fixed set of words."""
        if value is None:
            return default
        if not isinstance(value, str) or value not in allowed:
            self.report(
                path,
                f"{what} must be one of: {_listing(allowed)}; not {value!r}."
                f"{did_you_mean(str(value), allowed)}",
            )
            return default
        return value


@functools.cache
def _field_set(fields: tuple[str, ...]) -> frozenset[str]:
    """The fields of a field list (a module's constant), as a set."""
    return frozenset(fields)


def _all_known(items: list[Any], known: Collection[str]) -> bool:
    """Whether every item is a name in ``known``: the names then read as written."""
    return all(item.__class__ is str and item in known for item in items)


def _kind(value: Any) -> str:
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    return f"{type(value).__name__} {value!r}"
