"""comments:write scope: commenting needs its own scope, granted to clients that wrote before

Until now an API client with only drafts:read could comment, and resolving comments needed
reviews:write. Commenting, resolving and reopening now need comments:write; clients that held
drafts:write or reviews:write keep what they could do. A drafts:read-only client loses
commenting, which it was never meant to have.

Revision ID: c0ffee5c0e01
Revises: 5e1c0ffee001
Create Date: 2026-12-06 02:40:00
"""

import json
from collections.abc import Callable, Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c0ffee5c0e01"
down_revision: str | Sequence[str] | None = "5e1c0ffee001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_WRITERS = {"drafts:write", "reviews:write"}
_client = sa.table("api_client", sa.column("id", sa.String), sa.column("scopes", sa.JSON))


def _rewrite(change: Callable[[list[str]], list[str]]) -> None:
    conn = op.get_bind()
    for client_id, scopes in conn.execute(sa.select(_client.c.id, _client.c.scopes)).all():
        current = json.loads(scopes) if isinstance(scopes, str) else list(scopes or [])
        changed = change(current)
        if changed != current:
            conn.execute(_client.update().where(_client.c.id == client_id).values(scopes=changed))


def upgrade() -> None:
    _rewrite(
        lambda scopes: sorted({*scopes, "comments:write"}) if _WRITERS & set(scopes) else scopes
    )


def downgrade() -> None:
    _rewrite(lambda scopes: [s for s in scopes if s != "comments:write"])
