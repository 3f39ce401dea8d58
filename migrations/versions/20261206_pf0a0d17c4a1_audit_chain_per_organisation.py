"""audit chain per organisation, keyed with ENNAKKO_AUDIT_KEY

One hash chain per organisation (entries without one: the chain `platform`) replaces the
single global chain and its one-row `audit_head`, so writers of different organisations no
longer wait on one row. Entries are now HMAC-SHA256 keyed with ENNAKKO_AUDIT_KEY.

Existing entries are carried over in their order and RE-KEYED here: each gets its chain and
its number in it, and its hash is recomputed with the key. The old global chain is verified
first and the migration stops if it is broken (a chain that was already forged must not be
laundered by re-keying). Run `ennakko audit checkpoint` after upgrading to attest the heads.
The downgrade rebuilds the old unkeyed sha256 chain in the same order.

Revision ID: pf0a0d17c4a1
Revises: au0f0a1b2c01
Create Date: 2026-12-06 05:50:00
"""

import hashlib
import hmac
import json
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
import sqlmodel
from alembic import op

import app.core.db
from app.core.config import get_settings
from migrations import audit_triggers

revision: str = "pf0a0d17c4a1"
down_revision: str | Sequence[str] | None = "au0f0a1b2c01"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GENESIS = "0" * 64
_FIELDS = [
    "occurred_at",
    "actor_type",
    "actor_id",
    "actor_name",
    "organisation_id",
    "entity_type",
    "entity_id",
    "action",
    "version",
]

entries = sa.table(
    "audit_entry",
    sa.column("seq", sa.Integer),
    sa.column("chain", sa.String),
    sa.column("chain_seq", sa.Integer),
    sa.column("occurred_at", app.core.db.UTCDateTime(timezone=True)),
    *(sa.column(name, sa.String) for name in _FIELDS[1:-1]),
    sa.column("version", sa.Integer),
    sa.column("data", sa.JSON),
    sa.column("prev_hash", sa.String),
    sa.column("hash", sa.String),
)


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def _body(row: Any, extra: dict[str, Any]) -> str:
    body = {name: getattr(row, name) for name in _FIELDS} | {"data": row.data} | extra
    body["occurred_at"] = row.occurred_at.isoformat()
    return _canonical(body)


def _old_hash(row: Any, prev: str) -> str:
    return hashlib.sha256((prev + _body(row, {"seq": row.seq})).encode()).hexdigest()


def _new_hash(row: Any, chain: str, chain_seq: int, prev: str) -> str:
    message = (prev + _body(row, {"chain": chain, "chain_seq": chain_seq})).encode()
    return hmac.new(get_settings().audit_hmac_key, message, hashlib.sha256).hexdigest()


def _rows() -> list[Any]:
    return list(op.get_bind().execute(sa.select(entries).order_by(entries.c.seq)))


def _rekey() -> dict[str, tuple[int, str]]:
    """Verify the old chain, then give every entry its chain, number and keyed hash."""
    conn, prev, heads = op.get_bind(), GENESIS, {}
    for expected, row in enumerate(_rows(), start=1):
        if row.seq != expected or row.prev_hash != prev or _old_hash(row, prev) != row.hash:
            raise RuntimeError(f"the audit chain is broken at entry {row.seq}: not re-keying it")
        prev = row.hash
    for row in _rows():
        chain = row.organisation_id or "platform"
        seq, chain_prev = heads.get(chain, (0, GENESIS))
        new = _new_hash(row, chain, seq + 1, chain_prev)
        conn.execute(
            entries.update()
            .where(entries.c.seq == row.seq)
            .values(chain=chain, chain_seq=seq + 1, prev_hash=chain_prev, hash=new)
        )
        heads[chain] = (seq + 1, new)
    return heads


def upgrade() -> None:
    audit_triggers.drop()
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.add_column(sa.Column("chain", sqlmodel.AutoString(length=36), nullable=True))
        batch_op.add_column(sa.Column("chain_seq", sa.Integer(), nullable=True))
    heads = _rekey()
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.alter_column("chain", existing_type=sqlmodel.AutoString(36), nullable=False)
        batch_op.alter_column("chain_seq", existing_type=sa.Integer(), nullable=False)
        batch_op.create_unique_constraint(
            batch_op.f("uq_audit_entry_chain_chain_seq"), ["chain", "chain_seq"]
        )
    if op.get_bind().dialect.name == "postgresql":
        # seq now only orders entries across chains: a sequence, which no writer waits on
        op.execute("CREATE SEQUENCE audit_entry_seq_seq OWNED BY audit_entry.seq")
        op.execute(
            "SELECT setval('audit_entry_seq_seq', COALESCE(MAX(seq), 0) + 1, false) "
            "FROM audit_entry"
        )
        op.execute(
            "ALTER TABLE audit_entry ALTER COLUMN seq SET DEFAULT nextval('audit_entry_seq_seq')"
        )
    op.drop_table("audit_head")
    chains = op.create_table(
        "audit_chain",
        sa.Column("chain", sqlmodel.AutoString(length=36), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hash", sqlmodel.AutoString(length=64), nullable=False),
        sa.PrimaryKeyConstraint("chain", name=op.f("pk_audit_chain")),
    )
    assert chains is not None
    rows = [{"chain": c, "seq": s, "hash": h} for c, (s, h) in heads.items()]
    if rows:
        op.bulk_insert(chains, rows)
    audit_triggers.create()
    audit_triggers.create_chain_guards()


def downgrade() -> None:
    audit_triggers.drop_chain_guards()
    audit_triggers.drop()
    op.drop_table("audit_chain")
    conn, prev = op.get_bind(), GENESIS
    for row in _rows():
        old = _old_hash(row, prev)
        conn.execute(
            entries.update().where(entries.c.seq == row.seq).values(prev_hash=prev, hash=old)
        )
        prev = old
    head = op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hash", sqlmodel.AutoString(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_head")),
    )
    assert head is not None
    last = conn.execute(sa.select(sa.func.max(entries.c.seq))).scalar() or 0
    op.bulk_insert(head, [{"id": 1, "seq": last, "hash": prev}])
    if conn.dialect.name == "postgresql":
        op.execute("ALTER TABLE audit_entry ALTER COLUMN seq DROP DEFAULT")
        op.execute("DROP SEQUENCE audit_entry_seq_seq")
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_audit_entry_chain_chain_seq"), type_="unique")
        batch_op.drop_column("chain_seq")
        batch_op.drop_column("chain")
    audit_triggers.create()
