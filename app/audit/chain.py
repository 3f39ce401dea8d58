"""Appending to an organisation's audit chain.

Every entry's `hash` is an HMAC-SHA256 over the previous entry's hash and the entry's own
canonical JSON, keyed with ENNAKKO_AUDIT_KEY, which is not in the database: someone who can
write the database but not read the key cannot insert, alter or re-hash an entry that
verifies. A writer locks only its own chain's head row, so two organisations' writes never
wait on one another. After each commit the new heads are checkpointed outside the database
(see `checkpoints`), which is what shows a cut tail or a deleted chain.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from sqlalchemy import Insert, bindparam, event, insert, update
from sqlalchemy import select as core_select
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, select

from app.audit import checkpoints
from app.audit.models import PLATFORM_CHAIN, AuditChain, AuditEntry
from app.auth.principal import Principal
from app.core import upsert
from app.core.config import get_settings
from app.core.db import utcnow

GENESIS_HASH = "0" * 64
# session.info key: {chain: (seq, hash)} of the heads this transaction moved
_MOVED_HEADS = "audit_moved_heads"


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def chain_of(organisation_id: str | None) -> str:
    return organisation_id or PLATFORM_CHAIN


_BODY_COLUMNS = (
    "chain",
    "chain_seq",
    "occurred_at",
    "actor_type",
    "actor_id",
    "actor_name",
    "organisation_id",
    "entity_type",
    "entity_id",
    "action",
    "version",
    "data",
)


def entry_hash(entry: AuditEntry, key: bytes | None = None) -> str:
    """HMAC-SHA256 over the previous hash and the entry's own canonical JSON."""
    return _hash_of({name: getattr(entry, name) for name in (*_BODY_COLUMNS, "prev_hash")}, key)


def _hash_of(values: dict[str, Any], key: bytes | None = None) -> str:
    """`entry_hash` of an entry given as its column values (no model built for it)."""
    body = {name: values[name] for name in _BODY_COLUMNS}
    body["occurred_at"] = values["occurred_at"].isoformat()
    message = (values["prev_hash"] + canonical_json(body)).encode()
    secret = key if key is not None else get_settings().audit_hmac_key
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def _head_insert(session: Session, chain: str) -> Insert:
    statement = upsert.insert_or_ignore(upsert.dialect_name(session), _CHAIN, ["chain"])
    return statement.values(chain=chain, seq=0, hash=GENESIS_HASH)


# Built once: they run on every audited write, where building them would cost more than
# running them.
_CHAIN = AuditChain.__table__  # type: ignore[attr-defined]
# Core, not ORM: a select of ORM attributes goes through the ORM's compile and result steps.
_HEAD = (
    core_select(_CHAIN.c.seq, _CHAIN.c.hash)
    .where(_CHAIN.c.chain == bindparam("chain"))
    .with_for_update()
)
_INSERT_ENTRY = insert(AuditEntry.__table__)  # type: ignore[attr-defined]  # Core, not ORM
# Core, not ORM: an ORM-enabled UPDATE builds (and keys) a new statement on every run.
_MOVE_HEAD = (
    update(_CHAIN)
    .where(_CHAIN.c.chain == bindparam("head_chain"))
    .values(seq=bindparam("new_seq"), hash=bindparam("new_hash"))
)


def _locked_head(session: Session, chain: str) -> tuple[int, str]:
    """The chain's head, locked until the transaction ends (created at genesis if new)."""
    connection = session.connection()
    row = connection.execute(_HEAD, {"chain": chain}).first()
    if row is None:
        connection.execute(_head_insert(session, chain))
        row = connection.execute(_HEAD, {"chain": chain}).one()
    return int(row.seq), str(row.hash)


def record(
    session: Session,
    *,
    actor: Principal,
    action: str,
    entity_type: str,
    entity_id: str,
    organisation_id: str | None,
    version: int | None = None,
    data: dict[str, Any] | None = None,
) -> None:
    """Append one entry to the organisation's chain in the caller's transaction (plain
    statements and values, no model and no unit of work: the entry is written once and never
    changes)."""
    chain = chain_of(organisation_id)
    seq, prev_hash = _locked_head(session, chain)
    entry: dict[str, Any] = {
        "chain": chain,
        "chain_seq": seq + 1,
        "occurred_at": utcnow(),
        "actor_type": actor.kind.value,
        "actor_id": actor.id,
        "actor_name": actor.name,
        "organisation_id": organisation_id,
        "entity_type": entity_type,
        "entity_id": entity_id,
        "action": action,
        "version": version,
        "data": json.loads(canonical_json(data or {})),
        "prev_hash": prev_hash,
    }
    entry["hash"] = _hash_of(entry)
    connection = session.connection()
    connection.execute(_INSERT_ENTRY, entry)
    # after the entry: the database lets the head move only onto a stored entry
    connection.execute(
        _MOVE_HEAD, {"head_chain": chain, "new_seq": entry["chain_seq"], "new_hash": entry["hash"]}
    )
    session.info.setdefault(_MOVED_HEADS, {})[chain] = (entry["chain_seq"], entry["hash"])


@event.listens_for(OrmSession, "after_commit")
def _checkpoint_committed_heads(session: OrmSession) -> None:
    moved = session.info.pop(_MOVED_HEADS, None)
    if moved:
        checkpoints.append(get_settings(), moved)


@event.listens_for(OrmSession, "after_soft_rollback")
def _forget_rolled_back_heads(session: OrmSession, _previous: Any) -> None:
    if not session.in_transaction():
        session.info.pop(_MOVED_HEADS, None)


def checkpoint_all(session: Session) -> int:
    """Checkpoint every chain's current head now (after a migration, or from a timer)."""
    heads = {row.chain: (row.seq, row.hash) for row in session.exec(select(AuditChain)).all()}
    if heads:
        checkpoints.append(get_settings(), heads)
    return len(heads)
