"""A history read from case-file mappings, whose events are made only when asked for.

Kept apart from :mod:`sendflow.engine.events` (where :class:`~sendflow.engine.events.Event`
and its checked readers are) so that the compiled engine can build it: replaying a history
of mappings by its program reads it here once per event.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import date
from typing import Any, overload

from sendflow.engine.events import EMPTY, Event, trusted_event

__all__ = ["ReadEvents", "data_at"]

_EMPTY = EMPTY


class ReadEvents(Sequence[Event]):
    """A history read from case-file mappings, each :class:`Event` made when first needed.

    Replaying a history by its program reads only the dates of most events; the events
    themselves are made for the checks, results and explanations that ask for them. The
    data of an event whose one field is text is kept as that text (``fields`` names the
    field of each such event), and the rest as a copy of the mapping's. The names are
    read back from the history's shape (each name followed by a known number of codes,
    ``codes[name]``) only when an event is asked for by its position alone.
    """

    __slots__ = ("_codes", "_datas", "_fields", "_made", "_names", "_ons", "_shape")

    def __init__(
        self,
        shape: tuple[Any, ...],
        codes: Mapping[str, int],
        fields: Mapping[str, str],
        ons: list[date],
        datas: list[Mapping[str, Any] | str],
    ) -> None:
        self._shape = shape
        self._codes = codes
        self._fields = fields
        self._ons = ons
        self._datas = datas
        self._names: list[str] | None = None
        self._made: list[Event | None] | None = None

    @overload
    def __getitem__(self, at: int) -> Event: ...
    @overload
    def __getitem__(self, at: slice) -> list[Event]: ...
    def __getitem__(self, at: int | slice) -> Event | list[Event]:
        if isinstance(at, slice):
            return [self[i] for i in range(len(self._ons))[at]]
        names = self._names if self._names is not None else self._naming()
        return self.event(at, names[at])

    def event(self, at: int, name: str) -> Event:
        """The event at ``at``, whose name the caller knows (``name``), made if not yet."""
        made = self._made
        if made is None:
            made = self._made = [None] * len(self._ons)
        event = made[at]
        if event is None:
            event = made[at] = trusted_event(name, self._ons[at], self.data(at, name), None, None)
        return event

    def __setitem__(self, at: int, event: Event) -> None:
        made = self._made
        if made is None:
            made = self._made = [None] * len(self._ons)
        made[at] = event

    def _naming(self) -> list[str]:
        """The names of the events, read from the shape once."""
        names = self._names = _names(self._shape, self._codes)
        return names

    def __len__(self) -> int:
        return len(self._ons)

    def __iter__(self) -> Iterator[Event]:
        names = self._names if self._names is not None else self._naming()
        if self._made is not None:  # some made already: keep them
            event = self.event
            return iter([event(at, name) for at, name in enumerate(names)])
        fields, make = self._fields, trusted_event
        made = [
            make(
                name,
                on,
                {fields[name]: data} if data.__class__ is str else ({} if data is _EMPTY else data),
                None,
                None,
            )
            for name, on, data in zip(names, self._ons, self._datas, strict=True)
        ]
        self._made = made  # type: ignore[assignment]  # every one made
        return iter(made)

    def data(self, at: int, name: str) -> Mapping[str, Any]:
        """The data of the event at ``at`` (named ``name``), without making the event."""
        made = self._made
        if made is not None:
            event = made[at]
            if event is not None:
                return event.data
        data = self._datas[at]
        if data.__class__ is str:
            return {self._fields[name]: data}
        return {} if data is _EMPTY else data  # type: ignore[return-value]  # not text


def _names(shape: tuple[Any, ...], codes: Mapping[str, int]) -> list[str]:
    """The event names in a shape: each is followed by ``codes[name]`` codes."""
    names: list[str] = []
    at = 0
    while at < len(shape):
        name = shape[at]
        names.append(name)
        at += 1 + codes[name]
    return names


def data_at(history: Sequence[Event], at: int, name: str) -> Mapping[str, Any]:
    """The data of ``history[at]`` (named ``name``), making no event of a ReadEvents."""
    if history.__class__ is ReadEvents:
        return history.data(at, name)
    return history[at].data
