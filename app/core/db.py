"""Engine, metadata naming convention, request-scoped session and SQLite pragmas."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import lru_cache
from typing import Annotated, Any, Protocol

from fastapi import Depends
from sqlalchemy import DateTime, Engine, MetaData, create_engine, event
from sqlalchemy.types import TypeDecorator
from sqlmodel import Session, SQLModel
from starlette.requests import Request

from app.core.config import Settings, get_settings
from app.core.errors import AppError
from app.core.gates import WRITER

READ_ONLY_OPTION = "ennakko_read_only"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
SQLModel.metadata.naming_convention = NAMING_CONVENTION
metadata: MetaData = SQLModel.metadata


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timestamps stored as UTC on every backend and always returned timezone-aware."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, _dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, _dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _configure_sqlite(engine: Engine) -> None:
    # pysqlite's own transaction handling would start writes with a deferred BEGIN, which
    # fails with "database is locked" instead of waiting; we issue BEGIN IMMEDIATE ourselves.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # Reads start deferred so they run beside a writer; writes take the lock up front.
        read_only = conn.get_execution_options().get(READ_ONLY_OPTION, False)
        conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def build_engine(url: str) -> Engine:
    """An engine for `url`, with SQLite made safe for concurrent writers."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        _configure_sqlite(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


@lru_cache
def get_engine() -> Engine:
    return build_engine(get_settings().database_url)


@lru_cache
def get_read_engine() -> Engine:
    """The same engine and pool, with transactions marked read-only (deferred on SQLite)."""
    return get_engine().execution_options(**{READ_ONLY_OPTION: True})


# The ASGI scope key under which a middleware leaves work for the request's transaction.
TRANSACTION_HOOK = "ennakko.transaction_hook"


class TransactionHook(Protocol):
    """Writes that must commit or roll back with the request's own transaction."""

    def begin(self, session: Session) -> None: ...
    def before_commit(self, session: Session) -> None: ...
    def keep_failed(self, session: Session) -> None: ...


def needs_writer_slot(engine: Engine, method: str) -> bool:
    """SQLite has one writer at a time: a process's writes take turns on the writer gate,
    where SQLite's busy handler would make them sleep and poll in pool threads. PostgreSQL
    writers run side by side."""
    return engine.dialect.name == "sqlite" and method not in SAFE_METHODS


async def writer_slot(request: Request) -> AsyncIterator[None]:
    """The request's turn to write, waited for on the event loop before its session opens
    and given back after the transaction ends (503 `busy` when the wait runs out)."""
    if not needs_writer_slot(get_engine(), request.method):
        yield
        return
    settings: Settings = request.app.state.settings
    async with WRITER.hold(size=1, wait=settings.write_wait_seconds):
        yield


def get_session(
    request: Request, _turn: Annotated[None, Depends(writer_slot, scope="function")]
) -> Iterator[Session]:
    """Request-scoped session: the one place that commits (on success) or rolls back.

    An error that says its changes must stand (a counted failed login) is committed too.
    """
    reading = request.method in SAFE_METHODS
    engine = get_read_engine() if reading else get_engine()
    hook: TransactionHook | None = request.scope.get(TRANSACTION_HOOK)
    with Session(engine, expire_on_commit=False) as session:
        try:
            if hook is not None:
                hook.begin(session)
            yield session
            if hook is not None:
                hook.before_commit(session)
            session.commit()
        except AppError as exc:
            if exc.keep_changes:
                if hook is not None:
                    hook.keep_failed(session)
                session.commit()
            else:
                session.rollback()
            raise
        except BaseException:
            session.rollback()
            raise


@contextmanager
def reading() -> Iterator[Session]:
    """A read-only unit of work (deferred on SQLite, so it never waits for the writer)."""
    with Session(get_read_engine(), expire_on_commit=False) as session:
        yield session


@contextmanager
def transaction() -> Iterator[Session]:
    """A unit of work outside a request (CLI, worker), with the same commit rules."""
    with Session(get_engine(), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
