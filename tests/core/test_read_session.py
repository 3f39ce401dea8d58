"""The matrix, summary and /me reads read with a session of their own
(app.core.request_session.read_alone): no request session is ended in another call, their
connection is back in the pool, and their statements run alone (no transaction held open: SQLite
issues no BEGIN, PostgreSQL runs in autocommit). Their gate runs in place on SQLite (a pool
thread only to render or compress a body) and in one pool-thread call with the body elsewhere."""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest
from fastapi.testclient import TestClient
from psycopg.pq import TransactionStatus
from sqlalchemy import text
from sqlalchemy.engine import make_url

from app.core import db, request_session
from tests.factories import World
from tests.flows import screened_assessment, write

ON_SQLITE = db.get_engine().dialect.name == "sqlite"


@pytest.fixture
def ended(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The requests whose session needed the pool-thread end (commit and close)."""
    calls: list[str] = []
    original = request_session._end

    def counting(session: Any, hook: Any) -> None:
        calls.append("end")
        original(session, hook)

    monkeypatch.setattr(request_session, "_end", counting)
    return calls


@pytest.fixture
def hops(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The pool-thread calls made through app.core.request_session."""
    calls: list[str] = []
    original = request_session.run_in_threadpool

    async def counting(func: Any, *args: Any, **kwargs: Any) -> Any:
        calls.append(getattr(func, "__name__", "?"))
        return await original(func, *args, **kwargs)

    monkeypatch.setattr(request_session, "run_in_threadpool", counting)
    return calls


def test_reads_take_a_pool_thread_only_for_a_body_to_make(
    client: TestClient, world: World, hops: list[str]
) -> None:
    draft, _ = screened_assessment(client, world.preparer)
    path = f"/api/v1/drafts/{draft['id']}/assessment"
    headers = world.expert.headers | {"Accept-Encoding": "identity"}
    hops.clear()
    made = client.get(path, headers=headers)
    assert made.status_code == 200, made.text
    assert len(hops) == 1  # the body is rendered in a pool thread, wherever the gate ran
    hops.clear()
    kept = client.get(path, headers=headers)
    unchanged = client.get(path, headers=headers | {"If-None-Match": made.headers["ETag"]})
    me = client.get("/api/v1/me", headers=headers)
    assert (kept.status_code, unchanged.status_code, me.status_code) == (200, 304, 200)
    assert kept.content == made.content
    assert len(hops) == (0 if request_session.reads_in_place() else 3)
    hops.clear()
    packed = client.get(path, headers=headers | {"Accept-Encoding": "gzip"})
    assert packed.status_code == 200
    assert packed.json() == made.json()
    assert len(hops) == 1  # compressing the kept body the first time is not done in place


def test_only_sqlite_reads_in_place(client: TestClient) -> None:
    assert request_session.reads_in_place() == (db.get_engine().dialect.name == "sqlite")


@pytest.mark.skipif(not ON_SQLITE, reason="reads in place and WAL checkpoints are SQLite's")
def test_reads_in_place_hold_no_snapshot_between_requests(client: TestClient, world: World) -> None:
    """The connection kept for reads in place is between two reads as a closed one: a
    checkpoint that must wait for every reader (TRUNCATE) completes at once, and a write
    committed meanwhile is what the next read sees."""
    draft, started = screened_assessment(client, world.preparer)
    path = f"/api/v1/drafts/{draft['id']}/assessment"
    read = client.get(path, headers=world.expert.headers)
    assert read.status_code == 200, read.text
    assert client.get("/api/v1/me", headers=world.expert.headers).status_code == 200
    cell = {"alternative": "reform", "area": "mental_health", "group": "children_13_17"}
    cell |= {"gender": "women", "value": 0}
    written = write(client, world.expert, draft["id"], started["version"], [cell])
    assert written.status_code == 200, written.text
    url = make_url(db.get_engine().url)
    checkpointer = sqlite3.connect(str(url.database), timeout=0.5, isolation_level=None)
    try:
        busy, frames, done = checkpointer.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    finally:
        checkpointer.close()
    assert (busy, frames, done) == (0, 0, 0)
    again = client.get(path, headers=world.expert.headers | {"If-None-Match": read.headers["ETag"]})
    assert again.status_code == 200
    assert again.headers["ETag"] == written.headers["ETag"]


def test_the_matrix_read_needs_no_request_session(
    client: TestClient, world: World, ended: list[str]
) -> None:
    draft, _ = screened_assessment(client, world.preparer)
    path = f"/api/v1/drafts/{draft['id']}/assessment"
    pool = db.get_engine().pool
    ended.clear()
    before = pool.checkedout()  # type: ignore[attr-defined]
    read = client.get(path, headers=world.expert.headers)
    assert read.status_code == 200, read.text
    again = client.get(path, headers=world.expert.headers | {"If-None-Match": read.headers["ETag"]})
    assert again.status_code == 304
    summary = client.get(path + "/summary", headers=world.expert.headers)
    assert summary.status_code == 200
    assert client.get("/api/v1/me", headers=world.expert.headers).status_code == 200
    assert ended == []
    assert pool.checkedout() == before  # type: ignore[attr-defined]


def test_other_requests_still_end_in_the_pool_thread(
    client: TestClient, world: World, ended: list[str]
) -> None:
    listing = client.get("/api/v1/drafts", headers=world.expert.headers)
    assert listing.status_code == 200, listing.text
    assert ended == ["end"]


def test_a_refused_read_rolls_back_and_returns_its_connection(
    client: TestClient, world: World, ended: list[str]
) -> None:
    draft, _ = screened_assessment(client, world.preparer)
    pool = db.get_engine().pool
    before = pool.checkedout()  # type: ignore[attr-defined]
    outsider = client.get(
        f"/api/v1/drafts/{draft['id']}/assessment", headers=world.other_expert.headers
    )
    assert outsider.status_code in (403, 404)
    assert pool.checkedout() == before  # type: ignore[attr-defined]


def test_statements_alone_hold_no_transaction(client: TestClient) -> None:
    with db.reading() as session:
        db.statements_alone(session)
        assert session.execute(text("SELECT 1")).scalar_one() == 1
        driver = session.connection().connection.driver_connection
        assert driver is not None
        if session.get_bind().dialect.name == "sqlite":
            assert not driver.in_transaction
        else:
            assert driver.info.transaction_status == TransactionStatus.IDLE
