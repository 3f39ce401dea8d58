"""annexes and meeting items

Revision ID: 1df0d1b680bc
Revises: bbf629f2ec57
Create Date: 2026-11-23 08:02:55.793982
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import app.core.db

revision: str = "1df0d1b680bc"
down_revision: str | Sequence[str] | None = "bbf629f2ec57"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "annex",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("draft_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("organisation_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("assessment_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("language", sqlmodel.sql.sqltypes.AutoString(length=2), nullable=False),
        sa.Column("draft_version", sa.Integer(), nullable=False),
        sa.Column("content_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("approvals", sa.JSON(), nullable=False),
        sa.Column("issued_at", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("issued_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["draft_id"],
            ["decision_draft.id"],
            name=op.f("fk_annex_draft_id_decision_draft"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_annex")),
        sa.UniqueConstraint(
            "draft_id", "number", "language", name=op.f("uq_annex_draft_id_number_language")
        ),
    )
    with op.batch_alter_table("annex", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_annex_draft_id"), ["draft_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_annex_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "meeting_item",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("draft_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("organisation_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("annex_number", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("item_number", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("meeting_date", sa.Date(), nullable=False),
        sa.Column("decision_body", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("attached_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("attached_at", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("outcome", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
        sa.Column("vote_result", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("addendum", sa.Text(), nullable=True),
        sa.Column("draft_version_frozen", sa.Integer(), nullable=True),
        sa.Column("recorded_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("recorded_at", app.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["draft_id"],
            ["decision_draft.id"],
            name=op.f("fk_meeting_item_draft_id_decision_draft"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_item")),
    )
    with op.batch_alter_table("meeting_item", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_meeting_item_draft_id"), ["draft_id"], unique=False)

    op.create_table(
        "annex_file",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("annex_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("format", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("media_type", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("file_name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["annex_id"],
            ["annex.id"],
            name=op.f("fk_annex_file_annex_id_annex"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_annex_file")),
        sa.UniqueConstraint("annex_id", "format", name=op.f("uq_annex_file_annex_id_format")),
    )
    with op.batch_alter_table("annex_file", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_annex_file_annex_id"), ["annex_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_annex_file_sha256"), ["sha256"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("annex_file", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_annex_file_sha256"))
        batch_op.drop_index(batch_op.f("ix_annex_file_annex_id"))

    op.drop_table("annex_file")
    with op.batch_alter_table("meeting_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_item_draft_id"))

    op.drop_table("meeting_item")
    with op.batch_alter_table("annex", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_annex_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_annex_draft_id"))

    op.drop_table("annex")
