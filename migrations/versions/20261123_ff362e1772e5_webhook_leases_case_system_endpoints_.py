"""webhook leases, case system endpoints, record pushes

Revision ID: ff362e1772e5
Revises: 1df0d1b680bc
Create Date: 2026-11-23 08:02:27.525649
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import app.core.db

revision: str = "ff362e1772e5"
down_revision: str | Sequence[str] | None = "1df0d1b680bc"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "case_system_endpoint",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("organisation_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("url", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("auth_token", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
        sa.Column("secret", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("record_type", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_case_system_endpoint_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_system_endpoint")),
        sa.UniqueConstraint(
            "organisation_id", name=op.f("uq_case_system_endpoint_organisation_id")
        ),
    )
    op.create_table(
        "record_push",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("organisation_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("endpoint_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("annex_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("draft_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "sent",
                "acknowledged",
                "rejected",
                "failed",
                name="pushstatus",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("leased_by", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.Column("last_status_code", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column(
            "external_record_id", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True
        ),
        sa.Column("callback_message", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
        sa.Column("created_at", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("sent_at", app.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_at", app.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["endpoint_id"],
            ["case_system_endpoint.id"],
            name=op.f("fk_record_push_endpoint_id_case_system_endpoint"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_record_push_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_push")),
    )
    with op.batch_alter_table("record_push", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_record_push_annex_id"), ["annex_id"], unique=False)
        batch_op.create_index("ix_record_push_due", ["status", "next_attempt_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_record_push_endpoint_id"), ["endpoint_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_record_push_organisation_id"), ["organisation_id"], unique=False
        )

    with op.batch_alter_table("webhook_delivery", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("leased_by", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True)
        )
        batch_op.add_column(sa.Column("last_status_code", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("webhook_delivery", schema=None) as batch_op:
        batch_op.drop_column("last_status_code")
        batch_op.drop_column("leased_by")

    with op.batch_alter_table("record_push", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_record_push_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_record_push_endpoint_id"))
        batch_op.drop_index("ix_record_push_due")
        batch_op.drop_index(batch_op.f("ix_record_push_annex_id"))

    op.drop_table("record_push")
    op.drop_table("case_system_endpoint")
