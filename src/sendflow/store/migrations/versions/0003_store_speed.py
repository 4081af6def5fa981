"""Drop the unused index on time limits by (status, due_on), which slowed every write.

No query reads time limits by status: the window query and reminder claims use the
partial index on open clocks (``ix_time_limits_open_due``), and a case's own rows are
found by its key. Every insert and rewrite of a time-limit row paid for the extra index
(about a tenth of a bulk import's processor time on SQLite).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Drop the index."""
    op.drop_index("ix_time_limits_status_due", table_name="time_limits")


def downgrade() -> None:
    """Create the index again."""
    op.create_index("ix_time_limits_status_due", "time_limits", ["status", "due_on"])
