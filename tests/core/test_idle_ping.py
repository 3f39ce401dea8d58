"""A pooled PostgreSQL connection is pinged when it sat idle, not on every checkout."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import Engine, text

from app.core import db

URL = os.environ["ENNAKKO_DATABASE_URL"]

pytestmark = pytest.mark.skipif(
    URL.startswith("sqlite"), reason="SQLite has no server connection to lose"
)


def _backend_pid(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT pg_backend_pid()")).scalar_one())


def _terminate(pid: int) -> None:
    other = db.build_engine(URL, sessions=1)
    try:
        with other.connect() as conn:
            conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            conn.commit()
    finally:
        other.dispose()


def test_an_idle_connection_the_server_dropped_is_replaced(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    engine = db.build_engine(URL, sessions=1)
    try:
        first = _backend_pid(engine)
        _terminate(first)
        monkeypatch.setattr(db, "PING_IDLE_SECONDS", 0.0)
        # the dead connection is found by the ping on checkout and a fresh one is used
        assert _backend_pid(engine) != first
    finally:
        engine.dispose()


def test_a_connection_used_a_moment_ago_is_not_pinged(monkeypatch: pytest.MonkeyPatch) -> None:
    engine = db.build_engine(URL, sessions=1)
    pings: list[object] = []
    monkeypatch.setattr(engine.dialect, "do_ping", pings.append)
    monkeypatch.setattr(db, "PING_IDLE_SECONDS", 3600.0)
    try:
        first = _backend_pid(engine)
        assert _backend_pid(engine) == first
        assert pings == []
        monkeypatch.setattr(db, "PING_IDLE_SECONDS", 0.0)
        _backend_pid(engine)
        assert len(pings) == 1
    finally:
        engine.dispose()
