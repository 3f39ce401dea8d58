"""assessment.has_live_signoffs: whether the draft may have a sign-off that is not stale yet

A cell write claims the assessment's next version with one UPDATE that returns this flag, so
the staleness work (hashing the content every covering sign-off was given on) is skipped when
no sign-off is live. Giving a sign-off sets it under the assessment's row lock; a write that
finds none live clears it. Backfilled from the sign-offs stored now.

Revision ID: writes0001
Revises: hooks01a0001
Create Date: 2026-12-06 11:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "writes0001"
down_revision: str | Sequence[str] | None = "hooks01a0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BACKFILL = """UPDATE assessment SET has_live_signoffs = EXISTS (
    SELECT 1 FROM signoff
    WHERE signoff.draft_id = assessment.draft_id AND signoff.stale_at IS NULL)"""


def upgrade() -> None:
    with op.batch_alter_table("assessment", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("has_live_signoffs", sa.Boolean(), server_default=sa.true(), nullable=False)
        )
    op.execute(_BACKFILL)


def downgrade() -> None:
    with op.batch_alter_table("assessment", schema=None) as batch_op:
        batch_op.drop_column("has_live_signoffs")
