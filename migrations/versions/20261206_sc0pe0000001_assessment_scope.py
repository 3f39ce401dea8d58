"""assessment scope: the impact areas and population groups judged relevant, and the reason

THL's scoping: only the cells of the chosen areas × groups are mandatory; the rest are scoped
out with one reason. NULL areas/groups mean no scope was set (every cell is in scope), so
existing assessments keep behaving as before.

Revision ID: sc0pe0000001
Revises: a7e3c1d2b4f5
Create Date: 2026-12-06 05:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "sc0pe0000001"
down_revision: str | Sequence[str] | None = "a7e3c1d2b4f5"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("assessment") as batch:
        batch.add_column(sa.Column("scope_areas", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("scope_groups", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("scope_reason", sa.Text(), server_default="", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("assessment") as batch:
        batch.drop_column("scope_reason")
        batch.drop_column("scope_groups")
        batch.drop_column("scope_areas")
