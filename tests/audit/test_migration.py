"""Migration pf0a0d17c4a1 carries a global sha256 chain over into keyed per-organisation
chains (and refuses to re-key a chain that is already broken)."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import create_engine, text
from sqlmodel import Session, col, select

import app.core.db
from app.audit.chain import canonical_json
from app.audit.models import AuditChain, AuditEntry
from app.audit.verification import verify_chain
from app.core import migrations
from app.core.config import get_settings

BEFORE = "re0a1b2c3d01"
ORGS = ["org-a", None, "org-a", "org-b", "org-a"]

_OLD = sa.table(
    "audit_entry",
    *(sa.column(n, sa.String) for n in ("actor_type", "actor_id", "actor_name")),
    *(sa.column(n, sa.String) for n in ("organisation_id", "entity_type", "entity_id")),
    sa.column("action", sa.String),
    sa.column("seq", sa.Integer),
    sa.column("version", sa.Integer),
    sa.column("occurred_at", app.core.db.UTCDateTime(timezone=True)),
    sa.column("data", sa.JSON),
    sa.column("prev_hash", sa.String),
    sa.column("hash", sa.String),
)


@pytest.fixture
def target(tmp_path: Path) -> Iterator[str]:
    url = get_settings().database_url
    if url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path}/chain.db"
        return
    name = f"ennakko_chain_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _old_chain(*, break_at: int | None = None) -> list[dict[str, Any]]:
    """Entries as the old code wrote them: one sha256 chain over every organisation."""
    rows, prev = [], "0" * 64
    for seq, org in enumerate(ORGS, start=1):
        row: dict[str, Any] = {
            "seq": seq,
            "occurred_at": datetime(2026, 12, 1, 12, seq, tzinfo=UTC),
            "actor_type": "user",
            "actor_id": "u1",
            "actor_name": "Liisa",
            "organisation_id": org,
            "entity_type": "draft",
            "entity_id": f"d{seq}",
            "action": "draft.updated",
            "version": seq,
            "data": {"n": seq},
        }
        body = row | {"occurred_at": row["occurred_at"].isoformat()}
        digest = hashlib.sha256((prev + canonical_json(body)).encode()).hexdigest()
        row |= {"prev_hash": prev, "hash": digest if seq != break_at else "f" * 64}
        rows.append(row)
        prev = row["hash"]
    return rows


def _insert_old(url: str, rows: list[dict[str, Any]]) -> None:
    migrations.upgrade(url, BEFORE)
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.insert(_OLD), rows)
    engine.dispose()


def test_existing_entries_are_rekeyed_into_per_organisation_chains(target: str) -> None:
    _insert_old(target, _old_chain())
    migrations.upgrade(target)
    engine = create_engine(target)
    try:
        with Session(engine) as session:
            entries = session.exec(
                select(AuditEntry).order_by(col(AuditEntry.chain), col(AuditEntry.chain_seq))
            ).all()
            heads = {h.chain: h for h in session.exec(select(AuditChain)).all()}
        chains: dict[str, list[AuditEntry]] = {}
        for entry in entries:
            chains.setdefault(entry.chain, []).append(entry)
        assert {c: [e.seq for e in es] for c, es in chains.items()} == {
            "org-a": [1, 3, 5],
            "org-b": [4],
            "platform": [2],
        }
        key = get_settings().audit_hmac_key
        for chain, listed in chains.items():
            report = verify_chain(listed, heads[chain], key=key, head_required=True)
            assert report.ok, (chain, report)
            assert report.checked == len(listed)
        # the seq column numbers later entries after the carried ones
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO audit_entry (chain, chain_seq, occurred_at, actor_type, "
                    "entity_type, entity_id, action, data, prev_hash, hash) VALUES ('org-c', 1, "
                    "'2026-12-06T00:00:00+00:00', 'system', 'x', 'x', 'x', '{}', :p, 'h')"
                ),
                {"p": "0" * 64},
            )
            assert conn.execute(text("SELECT max(seq) FROM audit_entry")).scalar_one() == 6
    finally:
        engine.dispose()


def test_a_broken_chain_is_not_rekeyed(target: str) -> None:
    _insert_old(target, _old_chain(break_at=3))
    with pytest.raises(RuntimeError, match="broken at entry 3"):
        migrations.upgrade(target)
