"""assessment_cell.written_version: the assessment version whose write last stored the row

A read that keeps the matrix (and its summary) rendered at version v fetches only the rows
written after v, by this column and its index with assessment_id, and patches its copy. The
rows stored now were written at or before their assessment's current version and have not
changed since, which is all that 0 says: no matrix read before this revision is cached
anywhere once the workers restart on it.

Revision ID: reads3000001
Revises: writes0001
Create Date: 2026-12-06 14:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "reads3000001"
down_revision: str | Sequence[str] | None = "writes0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("assessment_cell", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("written_version", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.create_index(
            "ix_assessment_cell_written", ["assessment_id", "written_version"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("assessment_cell", schema=None) as batch_op:
        batch_op.drop_index("ix_assessment_cell_written")
        batch_op.drop_column("written_version")
