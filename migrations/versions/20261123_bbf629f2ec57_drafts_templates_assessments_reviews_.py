"""drafts templates assessments reviews outbox

Revision ID: bbf629f2ec57
Revises: 97a87b85d1b8
Create Date: 2026-11-23 07:56:29.343737
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import app.core.db

revision: str = "bbf629f2ec57"
down_revision: str | Sequence[str] | None = "97a87b85d1b8"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "outbox_event",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("organisation_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("event", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column("resource", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("resource_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("occurred_at", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_event")),
    )
    with op.batch_alter_table("outbox_event", schema=None) as batch_op:
        batch_op.create_index(
            "ix_outbox_event_org_seq", ["organisation_id", "occurred_at"], unique=False
        )

    op.create_table(
        "assessment_template",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("owner", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("organisation_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "draft", "published", "retired", name="templatestatus", native_enum=False, length=40
            ),
            nullable=False,
        ),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("definition", sa.JSON(), nullable=False),
        sa.Column("content_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("source_yaml", sa.Text(), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("created_at", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_assessment_template_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_template")),
        sa.UniqueConstraint(
            "owner", "key", "version", name=op.f("uq_assessment_template_owner_key_version")
        ),
    )
    with op.batch_alter_table("assessment_template", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_assessment_template_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_assessment_template_owner"), ["owner"], unique=False)

    op.create_table(
        "decision_draft",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("organisation_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "screening",
                "assessment",
                "in_review",
                "changes_requested",
                "approved",
                "annex_issued",
                "attached",
                "decided",
                name="draftstatus",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("proposal", sa.Text(), nullable=False),
        sa.Column("background", sa.Text(), nullable=False),
        sa.Column("decision_body", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("decision_type", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("meeting_date", sa.Date(), nullable=True),
        sa.Column("budget_eur", sa.Numeric(precision=16, scale=2), nullable=True),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("preparer_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True),
        sa.Column(
            "presenting_official", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False
        ),
        sa.Column("external_system", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
        sa.Column("external_case_id", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True),
        sa.Column("external_label", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column(
            "matrix_template_key", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True
        ),
        sa.Column("content_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_decision_draft_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["preparer_id"],
            ["user_account.id"],
            name=op.f("fk_decision_draft_preparer_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decision_draft")),
        sa.UniqueConstraint(
            "organisation_id",
            "external_system",
            "external_case_id",
            name=op.f("uq_decision_draft_organisation_id_external_system_external_case_id"),
        ),
    )
    with op.batch_alter_table("decision_draft", schema=None) as batch_op:
        batch_op.create_index(
            "ix_decision_draft_org_body", ["organisation_id", "decision_body"], unique=False
        )
        batch_op.create_index(
            "ix_decision_draft_org_created", ["organisation_id", "created_at", "id"], unique=False
        )
        batch_op.create_index(
            "ix_decision_draft_org_meeting", ["organisation_id", "meeting_date"], unique=False
        )
        batch_op.create_index(
            "ix_decision_draft_org_status_created",
            ["organisation_id", "status", "created_at", "id"],
            unique=False,
        )

    op.create_table(
        "webhook_subscription",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("organisation_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("url", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("secret", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("events", sa.JSON(), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("description", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_webhook_subscription_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_subscription")),
    )
    with op.batch_alter_table("webhook_subscription", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_webhook_subscription_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "workflow_policy",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("organisation_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("policy", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_workflow_policy_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workflow_policy")),
    )
    with op.batch_alter_table("workflow_policy", schema=None) as batch_op:
        batch_op.create_index(
            "uq_workflow_policy_organisation_id", ["organisation_id"], unique=True
        )

    op.create_table(
        "assessment",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("draft_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("organisation_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("template_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column(
            "state",
            sa.Enum("active", "previous", name="assessmentstate", native_enum=False, length=40),
            nullable=False,
        ),
        sa.Column("cycle", sa.Integer(), nullable=False),
        sa.Column("mitigation", sa.Text(), nullable=False),
        sa.Column("comparison", sa.Text(), nullable=False),
        sa.Column(
            "recommended_alternative", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True
        ),
        sa.Column("participation", sa.Text(), nullable=False),
        sa.Column("statements", sa.JSON(), nullable=False),
        sa.Column("sources", sa.JSON(), nullable=False),
        sa.Column("indicators", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["draft_id"],
            ["decision_draft.id"],
            name=op.f("fk_assessment_draft_id_decision_draft"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_assessment_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["template_id"],
            ["assessment_template.id"],
            name=op.f("fk_assessment_template_id_assessment_template"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment")),
    )
    with op.batch_alter_table("assessment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assessment_draft_id"), ["draft_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_assessment_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "draft_alternative",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("draft_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("is_status_quo", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["draft_id"],
            ["decision_draft.id"],
            name=op.f("fk_draft_alternative_draft_id_decision_draft"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_draft_alternative")),
        sa.UniqueConstraint("draft_id", "key", name=op.f("uq_draft_alternative_draft_id_key")),
    )
    with op.batch_alter_table("draft_alternative", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_draft_alternative_draft_id"), ["draft_id"], unique=False
        )

    op.create_table(
        "draft_revision",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("draft_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("content_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("created_at", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["draft_id"],
            ["decision_draft.id"],
            name=op.f("fk_draft_revision_draft_id_decision_draft"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_draft_revision")),
        sa.UniqueConstraint("draft_id", "version", name=op.f("uq_draft_revision_draft_id_version")),
    )
    with op.batch_alter_table("draft_revision", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_draft_revision_draft_id"), ["draft_id"], unique=False)

    op.create_table(
        "review_comment",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("draft_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("organisation_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("parent_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True),
        sa.Column("anchor", sa.JSON(), nullable=False),
        sa.Column("author_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("author_name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("resolved", sa.Boolean(), nullable=False),
        sa.Column("resolved_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("resolved_at", app.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["draft_id"],
            ["decision_draft.id"],
            name=op.f("fk_review_comment_draft_id_decision_draft"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["review_comment.id"],
            name=op.f("fk_review_comment_parent_id_review_comment"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_comment")),
    )
    with op.batch_alter_table("review_comment", schema=None) as batch_op:
        batch_op.create_index("ix_review_comment_draft", ["draft_id", "created_at"], unique=False)

    op.create_table(
        "screening",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("draft_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("template_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column(
            "computed_outcome",
            sa.Enum(
                "full", "light", "not_needed", name="screeningoutcome", native_enum=False, length=40
            ),
            nullable=False,
        ),
        sa.Column(
            "outcome",
            sa.Enum(
                "full", "light", "not_needed", name="screeningoutcome", native_enum=False, length=40
            ),
            nullable=False,
        ),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("suggested_templates", sa.JSON(), nullable=False),
        sa.Column("screened_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("screened_at", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["draft_id"],
            ["decision_draft.id"],
            name=op.f("fk_screening_draft_id_decision_draft"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["template_id"],
            ["assessment_template.id"],
            name=op.f("fk_screening_template_id_assessment_template"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_screening")),
        sa.UniqueConstraint("draft_id", name=op.f("uq_screening_draft_id")),
    )
    op.create_table(
        "signoff",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("draft_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("organisation_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("assessment_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True),
        sa.Column("cycle", sa.Integer(), nullable=False),
        sa.Column("requirement", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column("reviewer_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("reviewer_name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column(
            "decision",
            sa.Enum("approved", "changes_requested", name="decision", native_enum=False, length=40),
            nullable=False,
        ),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("content_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("template_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True),
        sa.Column("draft_version", sa.Integer(), nullable=False),
        sa.Column("assessment_version", sa.Integer(), nullable=True),
        sa.Column("created_at", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("stale_at", app.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["draft_id"],
            ["decision_draft.id"],
            name=op.f("fk_signoff_draft_id_decision_draft"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reviewer_id"], ["user_account.id"], name=op.f("fk_signoff_reviewer_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signoff")),
    )
    with op.batch_alter_table("signoff", schema=None) as batch_op:
        batch_op.create_index("ix_signoff_draft_cycle", ["draft_id", "cycle"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_signoff_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_signoff_reviewer_id"), ["reviewer_id"], unique=False)

    op.create_table(
        "webhook_delivery",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("event_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("subscription_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("resource_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "delivered",
                "failed",
                name="deliverystatus",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("delivered_at", app.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["outbox_event.id"],
            name=op.f("fk_webhook_delivery_event_id_outbox_event"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["subscription_id"],
            ["webhook_subscription.id"],
            name=op.f("fk_webhook_delivery_subscription_id_webhook_subscription"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_delivery")),
    )
    with op.batch_alter_table("webhook_delivery", schema=None) as batch_op:
        batch_op.create_index(
            "ix_webhook_delivery_due", ["status", "next_attempt_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_webhook_delivery_event_id"), ["event_id"], unique=False
        )
        batch_op.create_index(
            "ix_webhook_delivery_order", ["subscription_id", "resource_id", "seq"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_webhook_delivery_seq"), ["seq"], unique=False)

    op.create_table(
        "assessment_cell",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("assessment_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("alternative", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("area", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("grp", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("gender", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("value", sa.Integer(), nullable=True),
        sa.Column("cannot_assess", sa.Boolean(), nullable=False),
        sa.Column("horizon", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
        sa.Column("certainty", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
        sa.Column("justification", sa.Text(), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("mitigation", sa.Text(), nullable=False),
        sa.Column("updated_at", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessment.id"],
            name=op.f("fk_assessment_cell_assessment_id_assessment"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_cell")),
        sa.UniqueConstraint(
            "assessment_id",
            "alternative",
            "area",
            "grp",
            "gender",
            name=op.f("uq_assessment_cell_assessment_id_alternative_area_grp_gender"),
        ),
    )
    op.create_table(
        "webhook_attempt",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("delivery_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("attempted_at", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("latency_ms", sa.Float(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("worker", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["delivery_id"],
            ["webhook_delivery.id"],
            name=op.f("fk_webhook_attempt_delivery_id_webhook_delivery"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_attempt")),
    )
    with op.batch_alter_table("webhook_attempt", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_webhook_attempt_delivery_id"), ["delivery_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("webhook_attempt", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_webhook_attempt_delivery_id"))

    op.drop_table("webhook_attempt")
    op.drop_table("assessment_cell")
    with op.batch_alter_table("webhook_delivery", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_webhook_delivery_seq"))
        batch_op.drop_index("ix_webhook_delivery_order")
        batch_op.drop_index(batch_op.f("ix_webhook_delivery_event_id"))
        batch_op.drop_index("ix_webhook_delivery_due")

    op.drop_table("webhook_delivery")
    with op.batch_alter_table("signoff", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_signoff_reviewer_id"))
        batch_op.drop_index(batch_op.f("ix_signoff_organisation_id"))
        batch_op.drop_index("ix_signoff_draft_cycle")

    op.drop_table("signoff")
    op.drop_table("screening")
    with op.batch_alter_table("review_comment", schema=None) as batch_op:
        batch_op.drop_index("ix_review_comment_draft")

    op.drop_table("review_comment")
    with op.batch_alter_table("draft_revision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_draft_revision_draft_id"))

    op.drop_table("draft_revision")
    with op.batch_alter_table("draft_alternative", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_draft_alternative_draft_id"))

    op.drop_table("draft_alternative")
    with op.batch_alter_table("assessment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assessment_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_assessment_draft_id"))

    op.drop_table("assessment")
    with op.batch_alter_table("workflow_policy", schema=None) as batch_op:
        batch_op.drop_index("uq_workflow_policy_organisation_id")

    op.drop_table("workflow_policy")
    with op.batch_alter_table("webhook_subscription", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_webhook_subscription_organisation_id"))

    op.drop_table("webhook_subscription")
    with op.batch_alter_table("decision_draft", schema=None) as batch_op:
        batch_op.drop_index("ix_decision_draft_org_status_created")
        batch_op.drop_index("ix_decision_draft_org_meeting")
        batch_op.drop_index("ix_decision_draft_org_created")
        batch_op.drop_index("ix_decision_draft_org_body")

    op.drop_table("decision_draft")
    with op.batch_alter_table("assessment_template", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assessment_template_owner"))
        batch_op.drop_index(batch_op.f("ix_assessment_template_organisation_id"))

    op.drop_table("assessment_template")
    with op.batch_alter_table("outbox_event", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_event_org_seq")

    op.drop_table("outbox_event")
