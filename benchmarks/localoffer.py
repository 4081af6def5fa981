"""Local offer check speed and memory on a generated ORUK 3.0 feed.

A feed of N services (realistic nested 3.0 records: organisation, taxonomy attributes, a
location with address and accessibility, cost options, schedules) is written to a
temporary file one service at a time, then checked with ``check_feed`` (the whole run:
reading, classifying, every check) in a fresh process. Each size runs in its own child
process, so each peak resident memory (``ru_maxrss``) is that size's alone: equal peaks
at 5,000 and 50,000 services show memory flat in the feed size.

Run: ``python benchmarks/localoffer.py --services 5000 50000``
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

TERMS = [
    ("LO-SB", "Breaks and respite"),
    ("LO-HL", "Health"),
    ("LO-TR", "Transport"),
    ("LO-EY", "Early years support"),
    ("LO-EHC", "EHC needs assessment"),
    ("LO-X", "Local activities"),
]
NAMES = [
    "Saturday swimming club",
    "Speech and language therapy",
    "Travel training",
    "Inclusive nursery",
    "Parent carer forum",
    "Supported internships with job coach",
    "Short breaks scheme",
    "Homework club",
    "Youth club",
    "Mediation service",
]


def service(i: int, rng: random.Random) -> dict[str, object]:
    sid = f"svc-{i:06d}"
    term = rng.choice(TERMS)
    low = rng.randint(0, 18)
    return {
        "id": sid,
        "name": f"{rng.choice(NAMES)} {i}",
        "description": "A service for children and young people with SEND and their families, "
        "with trained staff, a quiet space and help to take part. " * 2,
        "status": rng.choice(["active"] * 9 + ["inactive"]),
        "organization_id": f"org-{i % 900}",
        "url": f"https://example.org/{sid}",
        "email": f"{sid}@example.org",
        "minimum_age": low,
        "maximum_age": low + rng.randint(1, 10),
        "last_modified": f"202{rng.randint(4, 6)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}T09:00Z",
        "organization": {
            "id": f"org-{i % 900}",
            "name": f"Provider {i % 900}",
            "description": "A provider.",
        },
        "attributes": [
            {
                "id": f"{sid}-a",
                "link_id": sid,
                "taxonomy_term_id": term[0],
                "taxonomy_term": {"id": term[0], "name": term[1], "description": term[1]},
            }
        ],
        "cost_options": [
            {"id": f"{sid}-c", "service_id": sid, "amount": 5.5, "valid_to": "2027-03-31"}
        ],
        "schedules": [{"id": f"{sid}-s", "service_id": sid, "freq": "WEEKLY", "byday": "SA"}],
        "service_at_locations": [
            {
                "id": f"{sid}-sal",
                "service_id": sid,
                "location_id": f"{sid}-l",
                "location": {
                    "id": f"{sid}-l",
                    "location_type": "physical",
                    "latitude": 52.2,
                    "longitude": -1.5,
                    "addresses": [
                        {
                            "id": f"{sid}-ad",
                            "location_id": f"{sid}-l",
                            "address_1": f"{i} High Street",
                            "city": "Fernbridge",
                            "state_province": "Fernshire",
                            "postal_code": rng.choice(["FB1 2AB", "HX4 9QP"]),
                            "country": "GB",
                            "address_type": "physical",
                        }
                    ],
                    "accessibility": [
                        {
                            "id": f"{sid}-acc",
                            "location_id": f"{sid}-l",
                            "description": "Step-free access.",
                        }
                    ],
                },
            }
        ],
    }


def write_feed(path: Path, count: int) -> None:
    rng = random.Random(count)
    with path.open("w", encoding="utf-8") as out:
        out.write('{"version": "HSDS-UK-3.0", "services": [\n')
        for i in range(count):
            if i:
                out.write(",\n")
            out.write(json.dumps(service(i, rng)))
        out.write("\n]}\n")


def child(path: str) -> None:
    """Check one feed and print seconds, services and peak memory as JSON."""
    from sendflow.localoffer import check_feed  # noqa: PLC0415 (after the baseline reading)

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start, cpu = time.perf_counter(), time.process_time()
    report = check_feed(path, as_of=date(2026, 6, 30))
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "seconds": seconds,
                "cpu": cpu,
                "services": report.services,
                "peak_kib": peak,
                "import_kib": before,
                "problems": sum(c.errors + c.warnings for c in report.problem_counts),
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--services", type=int, nargs="+", default=[5_000, 50_000])
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    print(
        f"{'services':>9} {'MB':>6} {'seconds':>8} {'CPU s':>6} {'services/s':>11} "
        f"{'peak RSS MiB':>13}"
    )
    with tempfile.TemporaryDirectory() as folder:
        for count in args.services:
            path = Path(folder) / f"feed-{count}.json"
            write_feed(path, count)
            run = subprocess.run(
                [sys.executable, __file__, "--child", str(path)],
                check=True,
                capture_output=True,
                text=True,
            )
            result = json.loads(run.stdout)
            size = path.stat().st_size / 1e6
            print(
                f"{result['services']:>9,} {size:>6.0f} {result['seconds']:>8.2f} "
                f"{result['cpu']:>6.2f} "
                f"{result['services'] / result['seconds']:>11,.0f} "
                f"{result['peak_kib'] / 1024:>13.1f}"
            )
            path.unlink()


if __name__ == "__main__":
    main()
