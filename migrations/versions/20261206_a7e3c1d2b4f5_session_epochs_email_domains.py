"""session epochs for revoking tokens, organisations' e-mail domains

Revision ID: a7e3c1d2b4f5
Revises: c0ffee5c0e01
Create Date: 2026-12-06 02:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "a7e3c1d2b4f5"
down_revision: str | Sequence[str] | None = "c0ffee5c0e01"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("user_account") as batch:
        batch.add_column(
            sa.Column("session_epoch", sa.Integer(), nullable=False, server_default="0")
        )
    with op.batch_alter_table("api_client") as batch:
        batch.add_column(
            sa.Column("session_epoch", sa.Integer(), nullable=False, server_default="0")
        )
    with op.batch_alter_table("organisation") as batch:
        batch.add_column(sa.Column("email_domains", sa.JSON(), nullable=False, server_default="[]"))


def downgrade() -> None:
    with op.batch_alter_table("organisation") as batch:
        batch.drop_column("email_domains")
    with op.batch_alter_table("api_client") as batch:
        batch.drop_column("session_epoch")
    with op.batch_alter_table("user_account") as batch:
        batch.drop_column("session_epoch")
