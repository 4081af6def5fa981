"""Benchmark the reference web service (``examples/service``) under a bounded local load.

Usage::

    python benchmarks/service.py --db sqlite:////tmp/service.db
    psql -h 127.0.0.1 -U postgres -c 'create database sendflow_service'
    python benchmarks/service.py --db postgresql+psycopg://postgres@127.0.0.1:5432/sendflow_service

It starts the service with uvicorn (one process, FastAPI's thread pool sharing one
``Store``) on a free loopback port, then runs ``--clients`` client threads (default 20),
each with its own keep-alive connection, until ``--requests`` requests (default 2,000)
have been answered. Each client works through cases of its own, as an officer's screen
would: open a case, read it, record its next events (sending back the version it read),
list a page of what is due, and read the change feed from where it last stopped. Only
loopback is used. It prints requests per second and p50/p99 latency per endpoint, and
fails if any request got a server error or an answer it did not expect.

The database should be empty (a fresh file or database).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
START = date(2024, 1, 8)
STEPS = [
    ("decided_to_assess", 30, None),
    ("advice_requested", 31, {"party": "health"}),
    ("advice_received", 50, {"party": "health"}),
]


def free_port() -> int:
    """A loopback port nobody is listening on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def start(url: str, port: int) -> subprocess.Popen[bytes]:
    """The service running on ``port`` over the store at ``url``, once it answers."""
    env = {**os.environ, "SENDFLOW_DB": url}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "sendflow_service:app",
            "--app-dir",
            str(ROOT / "examples" / "service"),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        env=env,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("the service did not start within 30 s")


class Client:
    """One client thread's connection, timing every request by endpoint."""

    def __init__(self, port: int, timings: dict[str, list[float]], budget: list[int]) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.timings = timings
        self.budget = budget
        self.lock = threading.Lock()

    def call(self, endpoint: str, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        payload = None if body is None else json.dumps(body)
        headers = {"Content-Type": "application/json"} if payload else {}
        began = time.perf_counter()
        self.conn.request(method, path, body=payload, headers=headers)
        response = self.conn.getresponse()
        data = json.loads(response.read() or b"null")
        self.timings[endpoint].append(time.perf_counter() - began)
        if response.status >= 500:
            raise RuntimeError(f"{method} {path}: {response.status} {data}")
        return response.status, data


def work(client: Client, number: int, budget: threading.Semaphore, errors: list[str]) -> None:
    """Open and progress cases until the shared request budget is spent."""
    cursor: str | None = None
    case = 0
    try:
        while True:
            case_id = f"T{number:02d}-{case:05d}"
            case += 1
            requests: list[tuple[str, str, str, Any, int]] = [
                (
                    "open",
                    "POST",
                    "/cases",
                    {
                        "process": "ehc-needs-assessment",
                        "case_id": case_id,
                        "events": [{"event": "request_received", "on": START.isoformat()}],
                    },
                    201,
                ),
            ]
            for request in requests:
                if not budget.acquire(blocking=False):
                    return
                status, _ = client.call(*request[:4])
                if status != request[4]:
                    errors.append(f"{request[2]}: {status}")
            day = START
            for name, offset, data in STEPS:
                if not budget.acquire(blocking=False):
                    return
                status, body = client.call("evaluate", "GET", f"/cases/{case_id}")
                if status != 200:
                    errors.append(f"evaluate {case_id}: {status}")
                    return
                day += timedelta(days=offset)
                event: dict[str, Any] = {
                    "event": name,
                    "on": day.isoformat(),
                    "expected_version": body["version"],
                }
                if data:
                    event["data"] = data
                if not budget.acquire(blocking=False):
                    return
                status, answer = client.call("record", "POST", f"/cases/{case_id}/events", event)
                if status != 201:
                    errors.append(f"record {case_id} {name}: {status} {answer}")
            if not budget.acquire(blocking=False):
                return
            client.call("due", "GET", "/due?as_of=2024-03-01&within_days=28&limit=50")
            if not budget.acquire(blocking=False):
                return
            path = "/changes?limit=200" + (f"&after={cursor}" if cursor else "")
            status, feed = client.call("changes", "GET", path)
            cursor = feed["cursor"]
    except Exception as exc:
        errors.append(repr(exc))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True, help="an empty store's URL")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=2000)
    args = parser.parse_args()
    port = free_port()
    server = start(args.db, port)
    timings: dict[str, list[float]] = defaultdict(list)
    errors: list[str] = []
    budget = threading.Semaphore(args.requests)
    try:
        clients = [Client(port, timings, []) for _ in range(args.clients)]
        threads = [
            threading.Thread(target=work, args=(c, n, budget, errors))
            for n, c in enumerate(clients)
        ]
        began = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - began
    finally:
        server.terminate()
        server.wait(10)
    total = sum(len(t) for t in timings.values())
    print(
        f"{args.db.split(':')[0]}: {total} requests from {args.clients} clients in "
        f"{elapsed:.1f} s = {total / elapsed:,.0f} requests/s"
    )
    print(f"{'endpoint':<10} {'requests':>8} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    for endpoint, spent in sorted(timings.items()):
        ms = sorted(s * 1000 for s in spent)
        p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))]
        print(
            f"{endpoint:<10} {len(ms):>8} {statistics.median(ms):>8.1f} {p99:>8.1f} {ms[-1]:>8.1f}"
        )
    if errors:
        print(f"{len(errors)} unexpected answers, first: {errors[:3]}", file=sys.stderr)
        raise SystemExit(1)


if __name__ == "__main__":
    main()
