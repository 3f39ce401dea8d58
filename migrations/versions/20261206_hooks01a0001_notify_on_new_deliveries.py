"""wake delivery workers when deliveries are written (PostgreSQL NOTIFY)

A statement-level trigger on `webhook_delivery` sends `NOTIFY ennakko_deliveries` after
each INSERT: the worker LISTENs and claims at once instead of waiting for its next poll.
PostgreSQL delivers the notification only when the writing transaction commits (and sends
one per transaction however many statements notified), so the write path pays no round
trip of its own. SQLite has no NOTIFY: its worker polls, and this revision does nothing
there.

Revision ID: hooks01a0001
Revises: wperf201a0001
Create Date: 2026-12-06 11:30:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "hooks01a0001"
down_revision: str | Sequence[str] | None = "wperf201a0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        """
        CREATE FUNCTION ennakko_notify_deliveries() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify('ennakko_deliveries', '');
            RETURN NULL;
        END $$
        """
    )
    op.execute(
        """
        CREATE TRIGGER webhook_delivery_notify AFTER INSERT ON webhook_delivery
        FOR EACH STATEMENT EXECUTE FUNCTION ennakko_notify_deliveries()
        """
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER IF EXISTS webhook_delivery_notify ON webhook_delivery")
    op.execute("DROP FUNCTION IF EXISTS ennakko_notify_deliveries()")
