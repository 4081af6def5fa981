"""Paging due limits and cases with a keyset cursor: no skips, no repeats, bad cursors refused."""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest

from sendflow.store import CaseSummary, CursorError, DueItem, Page, Store

from .helpers import PROCESS

AS_OF = date(2024, 3, 1)
WITHIN = 120
START = 60
WRITES = 400


def _open(store: Store, case_id: str, day: date, *, assessing: bool) -> None:
    events: list[dict[str, Any]] = [{"event": "request_received", "on": day.isoformat()}]
    if assessing:
        decided = day + timedelta(days=20)
        events.append({"event": "decided_to_assess", "on": decided.isoformat()})
        events.append(
            {"event": "advice_requested", "on": decided.isoformat(), "data": {"party": "health"}}
        )
    store.open_case(PROCESS, case_id=case_id, events=events)


def _populate(store: Store) -> None:
    for number in range(START):
        day = date(2024, 1, 1) + timedelta(days=number % 17)
        _open(store, f"C{number * 100:06d}", day, assessing=number % 3 == 0)


def _all_pages(fetch: Callable[[str | None], Page[Any]], *, pause: float = 0.0) -> list[Any]:
    seen: list[Any] = []
    cursor = None
    while True:
        page = fetch(cursor)
        seen.extend(page.items)
        cursor = page.next_cursor
        if cursor is None:
            return seen
        time.sleep(pause)


def _due_key(item: DueItem) -> tuple[Any, ...]:
    return (item.case_id, item.rule, item.key, item.due_on)


def test_pages_are_the_whole_list_in_order(store: Store) -> None:
    """Paged 7 at a time, due limits and cases are exactly what due() and cases() give."""
    _populate(store)
    listed = store.due(as_of=AS_OF, within_days=WITHIN)
    paged = _all_pages(
        lambda cursor: store.due_page(as_of=AS_OF, within_days=WITHIN, limit=7, cursor=cursor)
    )
    assert len(listed) > 100
    assert paged == listed
    cases = _all_pages(lambda cursor: store.cases_page(limit=7, cursor=cursor))
    assert cases == store.cases()
    assert store.due_page(as_of=AS_OF, within_days=WITHIN, limit=len(listed)).next_cursor is None


def test_filters_apply_to_every_page(store: Store) -> None:
    """A rule, a process, a state or no overdue ones: each page keeps to the filter."""
    _populate(store)
    for kwargs in ({"rule": "advice"}, {"process": PROCESS}, {"include_overdue": False}):
        paged = _all_pages(
            lambda cursor, kw=kwargs: store.due_page(  # type: ignore[misc]
                as_of=AS_OF, within_days=WITHIN, limit=5, cursor=cursor, **kw
            )
        )
        assert paged == store.due(as_of=AS_OF, within_days=WITHIN, **kwargs)
    assessing = _all_pages(
        lambda cursor: store.cases_page(state="assessing", limit=4, cursor=cursor)
    )
    assert assessing == store.cases(state="assessing")
    assert len(assessing) == START // 3
    empty = store.cases_page(process="no-such-process")
    assert empty == Page((), None)


def test_paging_under_concurrent_inserts_neither_skips_nor_repeats(store_url: str) -> None:
    """A writer opens cases (ids and due dates among the old ones) while a reader pages.

    Every due limit and case there at the start is seen exactly once, and nothing is
    seen twice, new or old.
    """
    with Store(store_url) as store:
        _populate(store)
        before_due = {_due_key(i) for i in store.due(as_of=AS_OF, within_days=WITHIN)}
        before_cases = {c.case_id for c in store.cases()}
        stop = threading.Event()
        written: list[str] = []
        failed: list[BaseException] = []

        # Bounded in each phase, so a reader paging towards the end always gets there
        # (new cases land ahead of its cursor as well as behind it), and renewed for the
        # second phase, so the writer still runs then however fast it was in the first.
        allowed = [WRITES]

        def write() -> None:
            chooser = random.Random(16)
            try:
                while not stop.is_set():
                    if len(written) >= allowed[0]:
                        time.sleep(0.002)
                        continue
                    number = chooser.randrange(START * 100)
                    case_id = f"C{number:06d}-new{len(written)}"
                    day = date(2024, 1, 1) + timedelta(days=chooser.randrange(17))
                    _open(store, case_id, day, assessing=chooser.random() < 0.5)
                    written.append(case_id)
                    time.sleep(0.002)
            except BaseException as exc:
                failed.append(exc)

        writer = threading.Thread(target=write)
        writer.start()
        try:
            due_seen = _all_pages(
                lambda cursor: store.due_page(
                    as_of=AS_OF, within_days=WITHIN, limit=6, cursor=cursor
                ),
                pause=0.01,
            )
            middle = len(written)
            allowed[0] = middle + WRITES
            cases_seen = _all_pages(
                lambda cursor: store.cases_page(limit=6, cursor=cursor), pause=0.01
            )
        finally:
            stop.set()
            writer.join(timeout=60)
        assert failed == []
        assert middle > 0, "the writer did not run while due limits were paged"
        assert len(written) > middle, "the writer did not run while cases were paged"
        due_counts = Counter(_due_key(i) for i in due_seen)
        assert [k for k, n in due_counts.items() if n > 1] == []
        assert before_due <= set(due_counts)
        case_counts = Counter(c.case_id for c in cases_seen)
        assert [k for k, n in case_counts.items() if n > 1] == []
        assert before_cases <= set(case_counts)


def test_a_bad_cursor_is_refused(store: Store) -> None:
    """Garbage, another query's cursor, or another listing's: CursorError, a ValueError."""
    _populate(store)
    due = store.due_page(as_of=AS_OF, within_days=WITHIN, limit=2)
    cases = store.cases_page(limit=2)
    assert due.next_cursor is not None
    assert cases.next_cursor is not None
    attempts: list[tuple[Callable[[], object], str]] = [
        (lambda: store.cases_page(cursor="not a cursor!"), "is not a cursor"),
        (lambda: store.cases_page(cursor="e30"), "is not a cursor of cases"),  # {}
        (lambda: store.cases_page(cursor=due.next_cursor), "is not a cursor of cases"),
        (lambda: store.cases_page(state="assessing", cursor=cases.next_cursor), "another"),
        (
            lambda: store.due_page(as_of=AS_OF, within_days=7, cursor=due.next_cursor),
            "made for another due query",
        ),
        (
            lambda: store.due_page(as_of=AS_OF, within_days=WITHIN, cursor=cases.next_cursor),
            "is not a cursor of due",
        ),
        (lambda: store.cases_page(cursor=3), "must be the text a page gave"),  # type: ignore[arg-type]
    ]
    for attempt, said in attempts:
        with pytest.raises(CursorError, match=said) as caught:
            attempt()
        assert isinstance(caught.value, ValueError)
        assert caught.value.code == "cursor_invalid"


@pytest.mark.parametrize("limit", [0, -1, 10_001, 2.5, True, "5"])
def test_a_bad_limit_is_refused(store: Store, limit: Any) -> None:
    """A page holds 1 to 10,000 items."""
    with pytest.raises(ValueError, match="limit must be a whole number from 1 to 10000"):
        store.cases_page(limit=limit)
    with pytest.raises(ValueError, match="limit must be a whole number from 1 to 10000"):
        store.due_page(as_of=AS_OF, within_days=1, limit=limit)


def test_page_items_are_the_listing_records(store: Store) -> None:
    """due_page gives DueItems and cases_page CaseSummaries, as due() and cases() do."""
    _populate(store)
    page = store.due_page(as_of=AS_OF, within_days=WITHIN, limit=3)
    assert all(type(i) is DueItem for i in page.items)
    assert all(type(c) is CaseSummary for c in store.cases_page(limit=3).items)
