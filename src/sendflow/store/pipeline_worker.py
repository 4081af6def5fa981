"""The worker process of an import's pipeline (:mod:`sendflow.store.pipeline`).

It reads chunks of items from its standard input, prepares them
(:func:`~sendflow.store.preparing.prepare_all`) and writes each back, in order, on what
was its standard output; each message is a length (8 bytes) then a pickle. Anything the
code it runs prints goes to standard error instead. It ignores interrupts (the importing
process ends it) and ends when its input does.
"""

from __future__ import annotations

import gc
import os
import pickle
import signal
import struct
import sys
import threading
from contextlib import suppress
from queue import SimpleQueue
from typing import IO

from sqlalchemy.dialects.sqlite.pysqlite import SQLiteDialect_pysqlite
from sqlalchemy.engine import Dialect

from sendflow.store.preparing import prepare_all

__all__ = ["serve"]

_HEADER = struct.Struct("<Q")
_COLLECT_EVERY = 5
"""Chunks prepared between collections of the young objects (cycles are rare)."""


def serve() -> None:
    """Prepare chunks until the input ends (the importing process is done or gone)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    source = sys.stdin.buffer
    sink = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # stray output must not mix with the messages
    told = _receive(source)
    if told is None:
        return
    now, dialect_name, catalogue = pickle.loads(told)  # noqa: S301 - from the importer
    dialect = _dialect(dialect_name)
    gc.freeze()
    gc.disable()
    outbox: SimpleQueue[bytes | None] = SimpleQueue()
    writer = threading.Thread(target=_send_all, args=(outbox, sink))
    writer.start()
    chunks = 0
    try:
        while (data := _receive(source)) is not None:
            number, first, items = pickle.loads(data)  # noqa: S301 - from the importer
            try:
                results = prepare_all(first, items, now, catalogue, dialect)
            except Exception:  # the importer prepares it again, and says why
                results = None
            outbox.put(pickle.dumps((number, results), protocol=5))
            del data, items, results
            chunks += 1
            if chunks % _COLLECT_EVERY == 0:
                gc.collect(1)
    finally:
        outbox.put(None)
        writer.join()


def _dialect(name: str) -> Dialect | None:
    """The dialect whose rows are converted here (SQLite's); others take rows as built."""
    if name != "sqlite":
        return None
    return SQLiteDialect_pysqlite()


def _receive(source: IO[bytes]) -> bytes | None:
    head = source.read(_HEADER.size)
    if len(head) < _HEADER.size:
        return None
    (size,) = _HEADER.unpack(head)
    data = source.read(size)
    return data if len(data) == size else None


def _send_all(outbox: SimpleQueue[bytes | None], sink: IO[bytes]) -> None:
    try:
        while (data := outbox.get()) is not None:
            sink.write(_HEADER.pack(len(data)))
            sink.write(data)
            sink.flush()
    except OSError:  # the importer has gone
        return
    finally:
        with suppress(OSError):
            sink.close()
