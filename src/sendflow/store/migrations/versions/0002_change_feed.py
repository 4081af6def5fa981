"""The change feed: each write transaction's position, and the records it wrote.

Every event and retraction already stored is given a position of its own, in the order
(recorded at, case id, sequence), events before retractions at the same moment.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# A frozen snapshot: the tables spelled out, not imported from the live schema.
_COUNTER = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

# Every record, numbered in the order above (a window function both databases have), is
# its own transaction, at the position of its number.
_BACKFILL = """
INSERT INTO feed_changes (txn, case_id, kind, first_sequence, last_sequence)
SELECT row_number() OVER (ORDER BY at, case_id, "sequence", kind), case_id, kind,
       "sequence", "sequence"
FROM (
    SELECT recorded_at AS at, case_id, 'event' AS kind, "sequence" FROM events
    UNION ALL
    SELECT retracted_at AS at, case_id, 'retraction' AS kind, "sequence" FROM retractions
) AS records
"""


def upgrade() -> None:
    """Create the feed's tables and give every stored record its position."""
    op.create_table(
        "feed_commits",
        sa.Column("position", _COUNTER, primary_key=True, autoincrement=False),
        sa.Column("txn", _COUNTER, nullable=False),
    )
    op.create_table(
        "feed_changes",
        sa.Column("txn", _COUNTER, primary_key=True, autoincrement=False),
        sa.Column("case_id", sa.String, primary_key=True),
        sa.Column("kind", sa.String, primary_key=True),
        sa.Column("first_sequence", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("last_sequence", sa.Integer, nullable=False),
    )
    op.execute(_BACKFILL)
    op.execute("INSERT INTO feed_commits (position, txn) SELECT txn, txn FROM feed_changes")
    if op.get_context().dialect.name == "postgresql":
        # Not cached: values are handed out in the order asked for (see store/feed.py).
        op.execute("CREATE SEQUENCE feed_position AS bigint MINVALUE 1 CACHE 1")
        op.execute(
            "SELECT setval('feed_position', coalesce(max(position), 0) + 1, false) "
            "FROM feed_commits"
        )


def downgrade() -> None:
    """Drop the feed."""
    if op.get_context().dialect.name == "postgresql":
        op.execute("DROP SEQUENCE feed_position")
    op.drop_table("feed_changes")
    op.drop_table("feed_commits")
