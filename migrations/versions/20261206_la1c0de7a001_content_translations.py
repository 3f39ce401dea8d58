"""content translations: a draft's texts in its other languages

One row per draft, language and text path; source_hash is the hash of the source text the
translation was written for, so a changed source makes the translation outdated.

Revision ID: la1c0de7a001
Revises: sc0pe0000001
Create Date: 2026-12-06 04:50:28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.core.db

revision: str = "la1c0de7a001"
down_revision: str | Sequence[str] | None = "sc0pe0000001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "content_translation",
        sa.Column("draft_id", sa.String(length=36), nullable=False),
        sa.Column("lang", sa.String(length=8), nullable=False),
        sa.Column("path", sa.String(length=300), nullable=False),
        sa.Column("organisation_id", sa.String(length=36), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("source_hash", sa.String(length=64), nullable=False),
        sa.Column("updated_at", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["draft_id"],
            ["decision_draft.id"],
            name=op.f("fk_content_translation_draft_id_decision_draft"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_content_translation_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("draft_id", "lang", "path", name=op.f("pk_content_translation")),
    )
    with op.batch_alter_table("content_translation") as batch_op:
        batch_op.create_index(
            batch_op.f("ix_content_translation_organisation_id"), ["organisation_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("content_translation") as batch_op:
        batch_op.drop_index(batch_op.f("ix_content_translation_organisation_id"))
    op.drop_table("content_translation")
