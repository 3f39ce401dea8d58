"""webhook deliveries numbered per subscription and resource, not from one global counter

`webhook_delivery.seq` was `max(seq) + 1` over the whole table: a read of one counter by
every write of every organisation that has a subscription. It is now the delivery's number
among its subscription's deliveries about the same resource (the only order the worker
keeps), read from `ix_webhook_delivery_order`. The stored numbers stay as they are: each
resource's next number continues from its own highest one, so the order already stored
holds. The global index on `seq` served only the old counter and the listing: the listing
(newest first per subscription) gets an index of its own.

Revision ID: wperf201a0001
Revises: wperf01a0c0e5
Create Date: 2026-12-06 09:10:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "wperf201a0001"
down_revision: str | Sequence[str] | None = "wperf01a0c0e5"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("webhook_delivery", schema=None) as batch_op:
        batch_op.drop_index("ix_webhook_delivery_seq")
        batch_op.create_index(
            "ix_webhook_delivery_listing", ["subscription_id", "created_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("webhook_delivery", schema=None) as batch_op:
        batch_op.drop_index("ix_webhook_delivery_listing")
        batch_op.create_index("ix_webhook_delivery_seq", ["seq"], unique=False)
