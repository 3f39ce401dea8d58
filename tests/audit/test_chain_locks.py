"""Writers of different organisations do not wait on one another's audit chain."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import text

from app.audit import service as audit
from app.auth.principal import SYSTEM
from app.core.db import get_engine, transaction
from tests.factories import World


def _write(organisation_id: str, done: threading.Event) -> None:
    with transaction() as session:
        audit.record(
            session,
            actor=SYSTEM,
            action="test.write",
            entity_type="organisation",
            entity_id=organisation_id,
            organisation_id=organisation_id,
        )
    done.set()


def test_a_held_chain_head_blocks_only_its_own_organisation(world: World) -> None:
    if get_engine().dialect.name != "postgresql":
        pytest.skip("SQLite has one writer at a time by design")
    with get_engine().connect() as holder:
        holder.execute(
            text("SELECT seq FROM audit_chain WHERE chain = :c FOR UPDATE"), {"c": world.org}
        )
        other_done, same_done = threading.Event(), threading.Event()
        other = threading.Thread(target=_write, args=(world.other, other_done))
        same = threading.Thread(target=_write, args=(world.org, same_done))
        other.start()
        same.start()
        assert other_done.wait(timeout=20), "the other organisation's write waited on our lock"
        assert not same_done.wait(timeout=1), "a write passed its own chain's held head"
        holder.rollback()
    same.join(timeout=20)
    other.join(timeout=20)
    assert same_done.is_set()
    with transaction() as session:
        assert audit.verify(session).ok
