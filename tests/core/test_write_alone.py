"""`core.request_session.write_alone`: a route's write with a session of its own in one pool-thread
call, ended as a request session ends (committed with the request's transaction hook, rolled
back on an error unless the error says its changes must stand)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import anyio
import pytest
from fastapi import FastAPI
from sqlalchemy import text
from sqlmodel import Session
from starlette.requests import Request

from app.core import db, request_session
from app.core.errors import AppError, Conflict

_TABLE = "test_write_alone"


class _Hook:
    def __init__(self) -> None:
        self.calls: list[str] = []

    def begin(self, _session: Session) -> None:
        self.calls.append("begin")

    def before_commit(self, _session: Session) -> None:
        self.calls.append("before_commit")

    def keep_failed(self, _session: Session) -> None:
        self.calls.append("keep_failed")


@pytest.fixture
def table(database: str) -> Iterator[None]:
    with db.transaction() as session:
        session.execute(text(f"CREATE TABLE {_TABLE} (note VARCHAR(20))"))
    yield
    with db.transaction() as session:
        session.execute(text(f"DROP TABLE {_TABLE}"))


def _request(app: FastAPI, hook: _Hook | None) -> Request:
    scope: dict[str, Any] = {"type": "http", "method": "PATCH", "path": "/", "headers": []}
    scope["app"] = app
    if hook is not None:
        scope[request_session.TRANSACTION_HOOK] = hook
    return Request(scope)


def _write(note: str, error: Exception | None = None) -> Any:
    def write(session: Session) -> str:
        session.execute(text(f"INSERT INTO {_TABLE} (note) VALUES (:note)"), {"note": note})
        if error is not None:
            raise error
        return note

    return write


def _notes() -> list[str]:
    with db.reading() as session:
        return [row[0] for row in session.execute(text(f"SELECT note FROM {_TABLE}"))]


def _run(app: FastAPI, hook: _Hook | None, note: str, error: Exception | None = None) -> Any:
    async def main() -> Any:
        return await request_session.write_alone(_request(app, hook), _write(note, error))

    return anyio.run(main)


def test_a_write_commits_and_returns_its_connection(app: FastAPI, table: None) -> None:
    pool = db.get_engine().pool
    before = pool.checkedout()  # type: ignore[attr-defined]
    assert _run(app, None, "landed") == "landed"
    assert _notes() == ["landed"]
    assert pool.checkedout() == before  # type: ignore[attr-defined]


def test_a_failed_write_rolls_back(app: FastAPI, table: None) -> None:
    hook = _Hook()
    with pytest.raises(Conflict):
        _run(app, hook, "lost", Conflict("no"))
    assert _notes() == []
    assert hook.calls == ["begin"]


def test_the_hook_sees_the_commit_and_kept_failures(app: FastAPI, table: None) -> None:
    hook = _Hook()
    _run(app, hook, "first")
    assert hook.calls == ["begin", "before_commit"]
    kept = _Hook()
    with pytest.raises(AppError):
        _run(app, kept, "counted", AppError("refused", keep_changes=True))
    assert kept.calls == ["begin", "keep_failed"]
    assert sorted(_notes()) == ["counted", "first"]


def test_an_unexpected_error_rolls_back_too(app: FastAPI, table: None) -> None:
    with pytest.raises(RuntimeError):
        _run(app, None, "lost", RuntimeError("boom"))
    assert _notes() == []
