"""The reference web service in ``examples/service``, through FastAPI's test client.

Each endpoint on both backends: what a case-management system sends, what it gets back,
and every kind of error answered with its sendflow ``code`` and documented HTTP status.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sendflow.store import Store

pytest.importorskip("fastapi", reason="the reference service needs the 'service' extra")
from fastapi.testclient import TestClient

sys.path.insert(0, str(Path(__file__).parents[2] / "examples" / "service"))
from sendflow_service import create_app

PROCESS = "ehc-needs-assessment"


@pytest.fixture
def client(store: Store) -> Iterator[TestClient]:
    """A client of the service over the empty store of each backend."""
    with TestClient(create_app(store)) as opened:
        yield opened


def open_case(client: TestClient, case_id: str = "A1", on: str = "2024-01-08") -> Any:
    """Open an EHC needs assessment requested on ``on``."""
    return client.post(
        "/cases",
        json={
            "process": PROCESS,
            "case_id": case_id,
            "events": [{"event": "request_received", "on": on}],
        },
    )


def error_of(response: Any) -> tuple[int, str]:
    """The status and the sendflow error code of an error response."""
    return response.status_code, response.json()["error"]["code"]


def test_open_record_and_read_back(client: TestClient) -> None:
    """A case opened, an event recorded, then read back with what to do next and its version."""
    opened = open_case(client)
    assert opened.status_code == 201
    assert opened.json() == {"case_id": "A1", "version": 1}
    assert opened.headers["location"] == "/cases/A1"
    recorded = client.post(
        "/cases/A1/events",
        json={"event": "decided_to_assess", "on": "2024-02-12", "expected_version": 1},
    )
    assert recorded.status_code == 201
    assert recorded.json() == {"case_id": "A1", "version": 2}
    body = client.get("/cases/A1", params={"as_of": "2024-03-01"}).json()
    assert body["state"] == "assessing"
    assert body["version"] == 2
    assert body["as_of"] == "2024-03-01"
    assert "outcome" in body
    assert body["allowed_events"]
    assert all(isinstance(name, str) for name in body["allowed_events"])
    rules = {r["rule"]: r["status"] for r in body["time_limits"]}
    assert rules["decide-whether-to-assess"] == "met"


@pytest.mark.parametrize(
    ("send", "status", "code"),
    [
        pytest.param(
            lambda c: c.post("/cases/nope/events", json={"event": "x", "on": "2024-01-08"}),
            404,
            "case_not_found",
            id="not-found",
        ),
        pytest.param(open_case, 409, "case_exists", id="exists"),
        pytest.param(
            lambda c: c.post(
                "/cases/A1/events",
                json={"event": "decided_to_assess", "on": "2024-02-12", "expected_version": 7},
            ),
            409,
            "case_stale",
            id="stale",
        ),
        pytest.param(
            lambda c: c.post(
                "/cases/A1/events", json={"event": "final_plan_issued", "on": "2024-02-12"}
            ),
            422,
            "event_not_allowed",
            id="not-allowed",
        ),
        pytest.param(
            lambda c: c.post(
                "/cases/A1/events", json={"event": "no_such_event", "on": "2024-02-12"}
            ),
            400,
            "event_invalid",
            id="unknown-event",
        ),
        pytest.param(
            lambda c: c.post(
                "/cases/A1/events", json={"event": "decided_to_assess", "on": "12/02/2024"}
            ),
            400,
            "request_invalid",
            id="bad-date",
        ),
        pytest.param(
            lambda c: c.post(
                "/cases",
                json={"process": "no-such-process", "case_id": "B1", "events": []},
            ),
            400,
            "process_unknown",
            id="unknown-process",
        ),
        pytest.param(
            lambda c: c.post("/cases/A1/events", json={"event": "decided_to_assess"}),
            400,
            "request_invalid",
            id="missing-field",
        ),
        pytest.param(
            lambda c: c.get("/cases/A1", params={"as_of": "2024-13-01"}),
            400,
            "request_invalid",
            id="bad-as-of",
        ),
        pytest.param(
            lambda c: c.get("/due", params={"as_of": "2024-03-01", "cursor": "junk"}),
            400,
            "cursor_invalid",
            id="bad-cursor",
        ),
        pytest.param(
            lambda c: c.get("/changes", params={"after": "junk"}),
            400,
            "cursor_invalid",
            id="bad-feed-cursor",
        ),
    ],
)
def test_errors_answer_their_code_and_status(
    client: TestClient, send: Any, status: int, code: str
) -> None:
    """Every sendflow error comes back as its documented status with its stable code."""
    open_case(client)
    assert error_of(send(client)) == (status, code)


def test_nothing_is_written_by_a_refused_event(client: TestClient) -> None:
    """A refused event leaves the case at the version it had."""
    open_case(client)
    client.post("/cases/A1/events", json={"event": "final_plan_issued", "on": "2024-02-12"})
    assert client.get("/cases/A1").json()["version"] == 1


def test_due_pages_hold_every_item_once(client: TestClient) -> None:
    """Paging through what is due with a small page size sees every case exactly once."""
    for n in range(7):
        open_case(client, f"C{n}", on=f"2024-01-{n + 8:02d}")
    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"as_of": "2024-02-01", "within_days": 60, "limit": 3}
        if cursor is not None:
            params["cursor"] = cursor
        page = client.get("/due", params=params).json()
        seen += [
            item["case_id"] for item in page["items"] if item["rule"] == "decide-whether-to-assess"
        ]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert sorted(seen) == [f"C{n}" for n in range(7)]


def test_change_feed_follows_every_record(client: TestClient) -> None:
    """Following the feed from the start sees each event once, and resumes where it stopped."""
    open_case(client)
    client.post("/cases/A1/events", json={"event": "decided_to_assess", "on": "2024-02-12"})
    first = client.get("/changes", params={"limit": 1}).json()
    rest = client.get("/changes", params={"after": first["cursor"]}).json()
    names = [c["event"]["event"] for c in first["items"] + rest["items"]]
    assert names == ["request_received", "decided_to_assess"]
    quiet = client.get("/changes", params={"after": rest["cursor"], "wait": 0.1}).json()
    assert quiet["items"] == []
    assert quiet["cursor"] == rest["cursor"]


def test_openapi_names_every_endpoint(client: TestClient) -> None:
    """The service documents its endpoints (FastAPI's OpenAPI document)."""
    paths = client.get("/openapi.json").json()["paths"]
    assert set(paths) == {
        "/cases",
        "/cases/{case_id}/events",
        "/cases/{case_id}",
        "/due",
        "/changes",
    }
