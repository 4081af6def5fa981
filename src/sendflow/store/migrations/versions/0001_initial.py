"""Cases, their append-only events, retractions and materialised time limits.

Revision ID: 0001
Revises:
Create Date: 2026-01-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# A revision is a frozen snapshot: it spells out its tables rather than importing the
# live schema, which later revisions change.
_DATA = sa.JSON().with_variant(JSONB(), "postgresql")
_UTC = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Create the tables and indexes."""
    op.create_table(
        "cases",
        sa.Column("id", sa.String, primary_key=True),
        sa.Column("process", sa.String, nullable=False),
        sa.Column("process_version", sa.String, nullable=False),
        sa.Column("related_case", sa.String, nullable=True),
        sa.Column("state", sa.String, nullable=False),
        sa.Column("final", sa.Boolean, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("opened_on", sa.Date, nullable=False),
        sa.Column("closed_on", sa.Date, nullable=True),
        sa.Column("last_event_on", sa.Date, nullable=False),
    )
    op.create_index("ix_cases_process_state", "cases", ["process", "state"])
    op.create_table(
        "events",
        sa.Column("case_id", sa.String, sa.ForeignKey("cases.id"), primary_key=True),
        sa.Column("sequence", sa.Integer, primary_key=True),
        sa.Column("name", sa.String, nullable=False),
        sa.Column("occurred_on", sa.Date, nullable=False),
        sa.Column("recorded_at", _UTC, nullable=False),
        sa.Column("actor", sa.String, nullable=True),
        sa.Column("data", _DATA, nullable=True),
    )
    op.create_table(
        "retractions",
        sa.Column("case_id", sa.String, primary_key=True),
        sa.Column("sequence", sa.Integer, primary_key=True),
        sa.Column("retracted_by", sa.String, nullable=False),
        sa.Column("reason", sa.String, nullable=False),
        sa.Column("retracted_at", _UTC, nullable=False),
        sa.ForeignKeyConstraint(["case_id", "sequence"], ["events.case_id", "events.sequence"]),
    )
    op.create_table(
        "time_limits",
        sa.Column("case_id", sa.String, sa.ForeignKey("cases.id"), primary_key=True),
        sa.Column("position", sa.Integer, primary_key=True),
        sa.Column("process", sa.String, nullable=False),
        sa.Column("rule", sa.String, nullable=False),
        sa.Column("key", sa.String, nullable=True),
        sa.Column("kind", sa.String, nullable=False),
        sa.Column("duty", sa.String, nullable=False),
        sa.Column("started_on", sa.Date, nullable=False),
        sa.Column("due_on", sa.Date, nullable=True),
        sa.Column("met_on", sa.Date, nullable=True),
        sa.Column("status", sa.String, nullable=False),
        sa.Column("conditional", sa.Boolean, nullable=False),
        sa.Column("excused", sa.Boolean, nullable=False),
        sa.Column("is_open", sa.Boolean, nullable=False),
        sa.Column("claimed_by", sa.String, nullable=True),
        sa.Column("claimed_at", _UTC, nullable=True),
    )
    op.create_index("ix_time_limits_status_due", "time_limits", ["status", "due_on"])
    is_open = sa.column("is_open", sa.Boolean) == sa.true()
    op.create_index(
        "ix_time_limits_open_due",
        "time_limits",
        [
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
        ],
        sqlite_where=is_open,
        postgresql_where=is_open,
    )


def downgrade() -> None:
    """Drop everything the upgrade created."""
    op.drop_table("time_limits")
    op.drop_table("retractions")
    op.drop_table("events")
    op.drop_table("cases")
