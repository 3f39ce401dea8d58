"""user access version, raised by triggers whenever a person's roles may change

`user_account.access_version` is raised in the database itself when a membership is added,
removed or changed, and when an organisation joins or leaves a region (the region's experts
gain or lose it), whoever makes the change (API, CLI, another worker, plain SQL). Workers
cache a person's roles under (id, access_version) and read only that row per request.

Revision ID: wperf01a0c0e5
Revises: reports01a
Create Date: 2026-12-06 07:56:53.046623
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "wperf01a0c0e5"
down_revision: str | Sequence[str] | None = "reports01a"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BUMP_USER = "UPDATE user_account SET access_version = access_version + 1 WHERE id = {}"
_BUMP_REGION = (
    "UPDATE user_account SET access_version = access_version + 1 WHERE id IN "
    "(SELECT user_id FROM membership WHERE organisation_id IN ({}, {}))"
)
_SQLITE = [
    f"""CREATE TRIGGER membership_access_insert AFTER INSERT ON membership
       BEGIN {_BUMP_USER.format("NEW.user_id")}; END""",
    f"""CREATE TRIGGER membership_access_delete AFTER DELETE ON membership
       BEGIN {_BUMP_USER.format("OLD.user_id")}; END""",
    f"""CREATE TRIGGER membership_access_update AFTER UPDATE ON membership
       BEGIN {_BUMP_USER.format("OLD.user_id")}; {_BUMP_USER.format("NEW.user_id")}; END""",
    f"""CREATE TRIGGER organisation_access_insert AFTER INSERT ON organisation
       WHEN NEW.parent_id IS NOT NULL
       BEGIN {_BUMP_REGION.format("NEW.parent_id", "NEW.parent_id")}; END""",
    f"""CREATE TRIGGER organisation_access_update AFTER UPDATE OF parent_id ON organisation
       WHEN NEW.parent_id IS NOT OLD.parent_id
       BEGIN {_BUMP_REGION.format("OLD.parent_id", "NEW.parent_id")}; END""",
    f"""CREATE TRIGGER organisation_access_delete AFTER DELETE ON organisation
       WHEN OLD.parent_id IS NOT NULL
       BEGIN {_BUMP_REGION.format("OLD.parent_id", "OLD.parent_id")}; END""",
]
_SQLITE_DOWN = [
    f"DROP TRIGGER IF EXISTS {name}"
    for name in (
        "membership_access_insert",
        "membership_access_delete",
        "membership_access_update",
        "organisation_access_insert",
        "organisation_access_update",
        "organisation_access_delete",
    )
]
_POSTGRES = [
    f"""CREATE FUNCTION membership_access_bump() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF TG_OP IN ('UPDATE', 'DELETE') THEN {_BUMP_USER.format("OLD.user_id")}; END IF;
         IF TG_OP IN ('UPDATE', 'INSERT') THEN {_BUMP_USER.format("NEW.user_id")}; END IF;
         RETURN NULL;
       END $$""",
    """CREATE TRIGGER membership_access AFTER INSERT OR UPDATE OR DELETE ON membership
       FOR EACH ROW EXECUTE FUNCTION membership_access_bump()""",
    f"""CREATE FUNCTION organisation_access_bump() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF TG_OP = 'INSERT' THEN
           {_BUMP_REGION.format("NEW.parent_id", "NEW.parent_id")};
         ELSIF TG_OP = 'DELETE' THEN
           {_BUMP_REGION.format("OLD.parent_id", "OLD.parent_id")};
         ELSIF NEW.parent_id IS DISTINCT FROM OLD.parent_id THEN
           {_BUMP_REGION.format("OLD.parent_id", "NEW.parent_id")};
         END IF;
         RETURN NULL;
       END $$""",
    """CREATE TRIGGER organisation_access AFTER INSERT OR UPDATE OF parent_id OR DELETE
       ON organisation FOR EACH ROW EXECUTE FUNCTION organisation_access_bump()""",
]
_POSTGRES_DOWN = [
    "DROP TRIGGER IF EXISTS membership_access ON membership",
    "DROP FUNCTION IF EXISTS membership_access_bump()",
    "DROP TRIGGER IF EXISTS organisation_access ON organisation",
    "DROP FUNCTION IF EXISTS organisation_access_bump()",
]


def upgrade() -> None:
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("access_version", sa.Integer(), server_default="0", nullable=False)
        )
    sqlite = op.get_bind().dialect.name == "sqlite"
    for statement in _SQLITE if sqlite else _POSTGRES:
        op.execute(statement)


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for statement in _SQLITE_DOWN if sqlite else _POSTGRES_DOWN:
        op.execute(statement)
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_column("access_version")
