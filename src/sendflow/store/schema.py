"""The store's tables, as SQLAlchemy Core metadata.

The migrations in ``migrations/versions`` create this schema; a test proves the two agree.

- ``cases``: one row per case, with its state and ``version`` (the number of records in
  its history, events and retractions; writers compare it to detect a lost race).
- ``events``: the append-only history, numbered per case from 1 (``sequence``).
- ``retractions``: corrections; a retracted event stays in ``events`` for the audit trail
  but leaves the legal history.
- ``time_limits``: every clock's result as of the case's latest event, rewritten with each
  write. ``is_open`` marks the clocks still running; a partial index on them by due date
  answers "what falls due next week" without touching closed clocks. No other index is
  kept on it: every write of a case rewrites its rows, and each index costs every write.
- ``feed_commits`` and ``feed_changes``: the change feed (see :mod:`sendflow.store.feed`).
  Each write transaction adds one ``feed_changes`` row per case it wrote (a run of
  sequence numbers, of events or of retractions), tagged with the transaction's token
  ``txn``, and, last thing before it commits, one ``feed_commits`` row giving the
  transaction its ``position``, granted in commit order.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    true,
)
from sqlalchemy.dialects.postgresql import JSONB

__all__ = [
    "OPEN_DUE_COLUMNS",
    "cases",
    "events",
    "feed_changes",
    "feed_commits",
    "metadata",
    "retractions",
    "time_limits",
]

metadata = MetaData()

_Data = JSON().with_variant(JSONB(), "postgresql")

cases = Table(
    "cases",
    metadata,
    Column("id", String, primary_key=True),
    Column("process", String, nullable=False),
    Column("process_version", String, nullable=False),
    Column("related_case", String, nullable=True),
    Column("state", String, nullable=False),
    Column("final", Boolean, nullable=False),
    Column("version", Integer, nullable=False),
    Column("opened_on", Date, nullable=False),
    Column("closed_on", Date, nullable=True),
    Column("last_event_on", Date, nullable=False),
    Index("ix_cases_process_state", "process", "state"),
)

events = Table(
    "events",
    metadata,
    Column("case_id", String, ForeignKey("cases.id"), primary_key=True),
    Column("sequence", Integer, primary_key=True),
    Column("name", String, nullable=False),
    Column("occurred_on", Date, nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Column("actor", String, nullable=True),
    Column("data", _Data, nullable=True),
)

retractions = Table(
    "retractions",
    metadata,
    Column("case_id", String, primary_key=True),
    Column("sequence", Integer, primary_key=True),
    Column("retracted_by", String, nullable=False),
    Column("reason", String, nullable=False),
    Column("retracted_at", DateTime(timezone=True), nullable=False),
    ForeignKeyConstraint(["case_id", "sequence"], ["events.case_id", "events.sequence"]),
)

time_limits = Table(
    "time_limits",
    metadata,
    Column("case_id", String, ForeignKey("cases.id"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("process", String, nullable=False),
    Column("rule", String, nullable=False),
    Column("key", String, nullable=True),
    Column("kind", String, nullable=False),
    Column("duty", String, nullable=False),
    Column("started_on", Date, nullable=False),
    Column("due_on", Date, nullable=True),
    Column("met_on", Date, nullable=True),
    Column("status", String, nullable=False),
    Column("conditional", Boolean, nullable=False),
    Column("excused", Boolean, nullable=False),
    Column("is_open", Boolean, nullable=False),
    Column("claimed_by", String, nullable=True),
    Column("claimed_at", DateTime(timezone=True), nullable=True),
)

OPEN_DUE_COLUMNS = (
    "due_on",
    "process",
    "rule",
    "duty",
    "kind",
    "conditional",
    "excused",
    "claimed_by",
    "case_id",
    "key",
)
"""The partial index's columns: the due date first, then every column the window query
reads, so the query never visits the table (SQLite has no ``INCLUDE``)."""

Index(
    "ix_time_limits_open_due",
    *(time_limits.c[name] for name in OPEN_DUE_COLUMNS),
    sqlite_where=time_limits.c.is_open == true(),
    postgresql_where=time_limits.c.is_open == true(),
)

# A 64-bit counter on PostgreSQL; on SQLite every integer is 64-bit.
_Counter = BigInteger().with_variant(Integer(), "sqlite")

feed_commits = Table(
    "feed_commits",
    metadata,
    Column("position", _Counter, primary_key=True, autoincrement=False),
    Column("txn", _Counter, nullable=False),
)

feed_changes = Table(
    "feed_changes",
    metadata,
    Column("txn", _Counter, primary_key=True, autoincrement=False),
    Column("case_id", String, primary_key=True),
    Column("kind", String, primary_key=True),
    Column("first_sequence", Integer, primary_key=True, autoincrement=False),
    Column("last_sequence", Integer, nullable=False),
)
