"""Small builders the store tests share."""

from __future__ import annotations

from datetime import date

from sendflow.store import Store

PROCESS = "ehc-needs-assessment"


def request_on(day: str = "2024-01-08") -> list[dict[str, object]]:
    """The start of a case: a request received on ``day``."""
    return [{"event": "request_received", "on": day}]


def open_assessing(store: Store, case_id: str = "A1") -> int:
    """Open a case and decide to assess it; return its version."""
    store.open_case(PROCESS, case_id=case_id, events=request_on())
    return store.record(case_id, "decided_to_assess", on=date(2024, 2, 12))
