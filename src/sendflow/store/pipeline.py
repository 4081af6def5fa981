"""An import's cases prepared in a second process while the first writes them.

Preparing a case (reading its events, replaying it, building its rows) needs no
database, and writing a batch needs no replay: a large import does the one in a worker
process while this one does the other, so the two use two cores. :func:`prepared` gives
the import every case prepared, in the order given, however it was prepared:

- The first ``after`` items are prepared here, one at a time, as they are read: a small
  import never starts a process (which costs about half a second of processor). Nor does
  an import on a machine with no core to spare while those items were prepared
  (:func:`spare_core`).
- Then the items are read in chunks of :data:`CHUNK` and sent to the worker, at most
  :data:`AHEAD` chunks at once (so memory stays flat); the worker sends each chunk back
  prepared, its rows converted for SQLite (:func:`~sendflow.store.preparing.converted`).
- Whenever the next chunk due is not back yet, this process prepares a chunk of its own
  (at most :data:`OWN_AHEAD` waiting), so neither core waits for the other long, and
  the worker's start-up costs nothing.

The outcome is exactly that of preparing every case here: the same cases, the same
rows, the same bad cases and reasons, in the same order. The items are read here, in
order, so whatever reading them does (a progress bar) happens here. A chunk the worker
could not prepare (an unexpected error) is prepared again here one case at a time, so
the error is raised here at the same case; an error reading the items is raised after
the items before it are handed on, as without a worker; if the worker dies, the rest is
prepared here. The worker is a fresh interpreter (``python -c``), not a fork (the store
has threads) nor ``multiprocessing``'s spawn (which would run the caller's main module
again); it is told this process's ``sys.path``, and it ends with the import.
"""

from __future__ import annotations

import os
import pickle
import struct
import subprocess
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from datetime import datetime
from queue import Empty, SimpleQueue
from typing import IO, Any

from sqlalchemy.engine import Dialect

from sendflow.definitions.model import Process
from sendflow.engine.case import Case
from sendflow.store.idle_cores import CpuTimes, cpu_times, idle_cores
from sendflow.store.preparing import Catalogue, Item, Ready, prepare, prepare_all
from sendflow.store.records import BadCase

__all__ = [
    "AHEAD",
    "CHUNK",
    "IDLE",
    "OWN_AHEAD",
    "SPARE",
    "START_AFTER",
    "Prepared",
    "prepared",
    "spare_core",
]

START_AFTER = 2_000
"""Items prepared here before the worker is started."""
CHUNK = 200
"""Items sent to the worker at a time."""
AHEAD = 6
"""Chunks with the worker at once."""
OWN_AHEAD = 2
"""Chunks prepared here waiting for their turn."""
IDLE = 0.75
"""The worker is started only if this much of a core (on average) stood idle while the
first items were prepared here, this process busy on another."""
SPARE = 1.5
"""Where the processor's idle time cannot be read: the worker is started only while the
load average leaves this much of the cores free (this import's own process counts about
one in it)."""

Prepared = tuple[int, Ready | BadCase]
"""An item's index and what preparing it gave."""

_HEADER = struct.Struct("<Q")
_BOOT = (
    "import pickle, struct, sys; read = sys.stdin.buffer.read; "
    "sys.path[:] = pickle.loads(read(struct.unpack('<Q', read(8))[0])); "
    "from sendflow.store.pipeline_worker import serve; serve()"
)


@contextmanager
def prepared(
    items: Iterable[Item],
    now: datetime,
    resolve: Callable[[str], Process],
    dialect: Dialect,
    catalogue: Catalogue | None,
    after: int | None,
) -> Iterator[Iterator[Prepared]]:
    """Every item prepared, in order: with a worker after ``after`` items (``None``: never).

    The worker (if one was started) is stopped when the block ends.
    """
    feeder = _Feeder(items, now, resolve, dialect)
    try:
        yield feeder.stream(catalogue, after)
    except BaseException:
        feeder.close(kill=True)
        raise
    feeder.close(kill=False)


def spare_core(since: CpuTimes | None = None) -> bool:
    """Whether a core is free for the worker.

    ``since``: the processor's counters when this process began preparing items. If at
    least :data:`IDLE` of a core stood idle since then (this process busy on another), a
    core is spare. Where that cannot be measured (no counters, too short a stretch), the
    load average must leave :data:`SPARE` free; it counts this import's own process, and
    work that ended in the last minute. On a machine whose cores are busy already, the
    two processes take turns on the cores they get, and waiting for each other makes the
    import slower than one process.
    """
    if since is not None:
        now = cpu_times()
        idle = None if now is None else idle_cores(since, now)
        if idle is not None:
            return idle >= IDLE
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        cores = os.cpu_count() or 1
    try:
        load = os.getloadavg()[0]
    except OSError:  # pragma: no cover - no load average to read
        return cores > 1
    return load + SPARE <= cores


class _Chunk:
    """Items read together, and, once prepared here or by the worker, what they gave."""

    def __init__(self, number: int, first: int, items: list[Item]) -> None:
        self.number = number
        self.first = first
        self.items = items
        self.results: list[Ready | BadCase] | None = None
        self.error: Exception | None = None  # raised reading the items after these
        self.waiting = False  # sent to the worker and not back yet
        self.mine = False  # prepared here while the worker was busy


class _Feeder:
    def __init__(
        self,
        items: Iterable[Item],
        now: datetime,
        resolve: Callable[[str], Process],
        dialect: Dialect,
    ) -> None:
        self.items = iter(items)
        self.now = now
        self.resolve = resolve
        self.dialect = dialect
        self.read = 0
        self.done = False
        self.worker: _Worker | None = None
        self.sent: deque[_Chunk] = deque()

    def stream(self, catalogue: Catalogue | None, after: int | None) -> Iterator[Prepared]:
        started = None if catalogue is None or after is None else cpu_times()
        while after is None or self.read < after:
            try:
                item = next(self.items)
            except StopIteration:
                return
            index = self.read
            self.read += 1
            yield index, prepare(index, item, self.now, self.resolve)
        if catalogue is not None and spare_core(started):
            self.worker = _Worker.start((self.now, self.dialect.name, catalogue))
        pending: deque[_Chunk] = deque()
        while True:
            while not self.done and len(self.sent) < AHEAD and self.worker is not None:
                chunk = self._next_chunk()
                pending.append(chunk)
                self._send(chunk)
            if not pending:
                break
            head = pending[0]
            if head.waiting:
                self._receive(block=False)
            if head.waiting and not self.done and sum(c.mine for c in pending) < OWN_AHEAD:
                chunk = self._next_chunk()
                chunk.mine = True
                chunk.results = self._prepare_here(chunk)
                pending.append(chunk)
            elif head.waiting:
                self._receive(block=True)
            else:
                pending.popleft()
                yield from self._give(head)
        while not self.done:  # no worker (any more): the rest one at a time, here
            yield from self._give(self._next_chunk())

    def _next_chunk(self) -> _Chunk:
        chunk = _Chunk(self.read, self.read, [])
        try:
            while len(chunk.items) < CHUNK:
                chunk.items.append(next(self.items))
        except StopIteration:
            self.done = True
        except Exception as exc:  # raised in its turn, as without a worker
            chunk.error = exc
            self.done = True
        self.read += len(chunk.items)
        return chunk

    def _send(self, chunk: _Chunk) -> None:
        worker = self.worker
        if worker is not None and not any(isinstance(i, Case) for i in chunk.items):
            try:
                data = pickle.dumps((chunk.number, chunk.first, chunk.items), protocol=5)
            except Exception:  # not picklable: prepared here instead
                data = b""
            if data:
                worker.send(data)
                chunk.waiting = True
                self.sent.append(chunk)
                return
        chunk.results = self._prepare_here(chunk)

    def _prepare_here(self, chunk: _Chunk) -> list[Ready | BadCase] | None:
        try:
            return prepare_all(chunk.first, chunk.items, self.now, self.resolve, self.dialect)
        except Exception:  # prepared again in its turn, one at a time
            return None

    def _receive(self, *, block: bool) -> None:
        """Take what the worker has sent back (waiting for something, with ``block``)."""
        worker = self.worker
        assert worker is not None
        while True:
            try:
                data = worker.inbox.get(block=block)
            except Empty:
                return
            if data is None:  # the worker has ended: what it had is prepared here
                worker.stop(kill=True)
                self.worker = None
                for chunk in self.sent:
                    chunk.waiting = False
                self.sent.clear()
                return
            number, results = pickle.loads(data)  # noqa: S301 - our own worker's
            chunk = self.sent.popleft()
            assert chunk.number == number
            chunk.results = results
            chunk.waiting = False
            block = False

    def _give(self, chunk: _Chunk) -> Iterator[Prepared]:
        if chunk.results is not None:
            yield from enumerate(chunk.results, chunk.first)
        else:
            for index, item in enumerate(chunk.items, chunk.first):
                yield index, prepare(index, item, self.now, self.resolve)
        if chunk.error is not None:
            raise chunk.error

    def close(self, *, kill: bool) -> None:
        if self.worker is not None:
            self.worker.stop(kill=kill)
            self.worker = None


class _Worker:
    """The worker process, and a thread each to write to it and read from it."""

    def __init__(self, process: subprocess.Popen[bytes]) -> None:
        assert process.stdin is not None
        assert process.stdout is not None
        self.process = process
        self.outbox: SimpleQueue[bytes | None] = SimpleQueue()
        self.inbox: SimpleQueue[bytes | None] = SimpleQueue()
        self.threads = [
            threading.Thread(target=_write, args=(self.outbox, process.stdin), daemon=True),
            threading.Thread(target=_read, args=(process.stdout, self.inbox), daemon=True),
        ]
        for thread in self.threads:
            thread.start()

    @classmethod
    def start(cls, header: tuple[Any, ...]) -> _Worker | None:
        """A worker told ``header`` (time, dialect, catalogue); ``None`` if none can start."""
        try:
            told = pickle.dumps(header, protocol=5)
            path = pickle.dumps(sys.path, protocol=5)
        except Exception:  # a catalogue that cannot be sent: no worker
            return None
        if not sys.executable:
            return None
        try:
            process = subprocess.Popen(  # noqa: S603 - this interpreter, our own code
                [sys.executable, "-c", _BOOT],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
            )
        except OSError:
            return None
        worker = cls(process)
        worker.outbox.put(path)
        worker.send(told)
        return worker

    def send(self, data: bytes) -> None:
        self.outbox.put(data)

    def stop(self, *, kill: bool) -> None:
        """End the worker: it stops reading and ends (``kill``: at once, as after an error)."""
        self.outbox.put(None)
        if kill:
            self.process.kill()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:  # pragma: no cover - a worker stuck in a case
            self.process.kill()
            self.process.wait()
        for thread in self.threads:
            thread.join(timeout=5)


def _write(outbox: SimpleQueue[bytes | None], pipe: IO[bytes]) -> None:
    with suppress(OSError):  # the worker has ended: its reader says so
        while (data := outbox.get()) is not None:
            pipe.write(_HEADER.pack(len(data)))
            pipe.write(data)
            pipe.flush()
    with suppress(OSError):
        pipe.close()


def _read(pipe: IO[bytes], inbox: SimpleQueue[bytes | None]) -> None:
    with suppress(OSError):
        while len(head := pipe.read(_HEADER.size)) == _HEADER.size:
            (size,) = _HEADER.unpack(head)
            data = pipe.read(size)
            if len(data) < size:
                break
            inbox.put(data)
    inbox.put(None)
    pipe.close()
