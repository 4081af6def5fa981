"""How much of the cores this process may run on stood idle over a stretch of time.

An import decides whether to start its worker after its first cases, which it prepared
itself, flat out, on one core. The load average is a poor guide then: it is an average
over the last minute, so it counts this very process once it has been busy a while (a
program importing batch after batch never sees a core spare), and it still counts work
that ended seconds ago. Counting the processor's own idle time over the stretch the
first cases took (``/proc/stat``, in clock ticks, usually 1/100 s) says what the other cores did
while this one was busy: if about one core stood idle, the worker will have it.
"""

from __future__ import annotations

import os
from pathlib import Path

import attrs

__all__ = ["MIN_TICKS", "CpuTimes", "cpu_times", "idle_cores"]

MIN_TICKS = 20
"""The fewest ticks (summed over the cores) a stretch must span to be measured."""

_STAT = Path("/proc/stat")


@attrs.frozen
class CpuTimes:
    """The processor's counters at one moment, summed over the cores this process may use.

    Attributes:
        idle: Ticks spent idle (waiting for input or output included: a core free to run).
        total: Ticks of every kind (the hypervisor's stolen ones included).
        cores: How many cores were summed.
    """

    idle: int
    total: int
    cores: int


def cpu_times() -> CpuTimes | None:
    """The counters now, or ``None`` where they cannot be read.

    That is: not Linux, no ``/proc``, or a ``/proc/stat`` laid out otherwise than Linux
    documents it.
    """
    try:
        allowed = os.sched_getaffinity(0)
        text = _STAT.read_text(encoding="ascii")
    except (AttributeError, OSError, UnicodeDecodeError):
        return None
    idle = total = cores = 0
    for line in text.splitlines():
        name, _, rest = line.partition(" ")
        number = name[3:]
        if not (name.startswith("cpu") and number.isdigit() and int(number) in allowed):
            continue
        # user nice system idle iowait irq softirq steal (guest time is within user's)
        try:
            ticks = [int(value) for value in rest.split()[:8]]
        except ValueError:
            return None
        if len(ticks) < 5:
            continue
        idle += ticks[3] + ticks[4]
        total += sum(ticks)
        cores += 1
    return CpuTimes(idle, total, cores) if cores else None


def idle_cores(before: CpuTimes, after: CpuTimes) -> float | None:
    """How many cores, on average, stood idle between two readings.

    ``None`` when the stretch was too short to measure (fewer than :data:`MIN_TICKS`
    ticks), or the cores counted changed between the readings.
    """
    spent = after.total - before.total
    if spent < MIN_TICKS or after.cores != before.cores:
        return None
    return after.cores * max(0, after.idle - before.idle) / spent
