"""Engine, metadata naming convention, request-scoped session and SQLite pragmas."""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, TypeVarTuple

from sqlalchemy import DateTime, Engine, MetaData, Result, create_engine, event
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.sql.selectable import TypedReturnsRows
from sqlalchemy.types import TypeDecorator
from sqlmodel import Session, SQLModel

from app.core.config import Settings, get_settings

Ts = TypeVarTuple("Ts")

READ_ONLY_OPTION = "ennakko_read_only"
# A reading connection whose statements each run on their own (see `statements_alone`).
ALONE_OPTION = "ennakko_statements_alone"

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
        # Straight on the driver's connection: the statement needs none of the execution
        # machinery (events, result handling), and every request's transaction starts here.
        options = conn.get_execution_options()
        if options.get(ALONE_OPTION, False):
            return  # each statement its own (autocommit) transaction: `statements_alone`
        read_only = options.get(READ_ONLY_OPTION, False)
        conn.connection.driver_connection.execute("BEGIN" if read_only else "BEGIN IMMEDIATE")


# Connections beyond the request sessions' places: for work that checks a connection out and
# back within one pool-thread call (sign-in look-ups, readiness, purges), so it never waits
# for a request session, whose connection comes back only in a later call.
SPARE_CONNECTIONS = 10


def build_engine(url: str, *, sessions: int = 30) -> Engine:
    """An engine for `url` with a pool for `sessions` request sessions and the spare
    connections, with SQLite made safe for concurrent writers."""
    pool: dict[str, Any] = {"pool_size": sessions + SPARE_CONNECTIONS, "max_overflow": 0}
    if url.startswith("sqlite"):
        # and the one connection kept for light reads in place (`core.request_session`)
        pool["pool_size"] += 1
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 30}, **pool
        )
        _configure_sqlite(engine)
        return engine
    engine = create_engine(url, **pool)
    _ping_when_idle(engine)
    return engine


# A pooled server connection is pinged before use only after it sat in the pool this long:
# servers, proxies and restarts drop idle connections, while one in use a moment ago is
# alive, and a ping on every checkout (`pool_pre_ping`) costs every request a round trip.
# Should a connection die between two close uses, its query fails (503, retryable) and
# SQLAlchemy replaces every connection the pool held at that moment.
PING_IDLE_SECONDS = 2.0


def _ping_when_idle(engine: Engine) -> None:
    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_conn: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get("idle_since")
        if since is None or time.monotonic() - since < PING_IDLE_SECONDS:
            return
        try:
            engine.dialect.do_ping(dbapi_conn)
        except engine.dialect.loaded_dbapi.Error as exc:
            # the pool discards this connection and checks out another (a fresh one)
            raise DisconnectionError("the idle connection is gone") from exc


def write_places(settings: Settings, engine: Engine) -> int:
    """Writing sessions at once per process: SQLite has one writer; PostgreSQL's run side by
    side (queueing them on SQLite's busy handler would make them sleep and poll in threads)."""
    return 1 if engine.dialect.name == "sqlite" else settings.db_write_sessions


@lru_cache
def get_engine() -> Engine:
    settings = get_settings()
    sessions = settings.db_read_sessions + settings.db_write_sessions
    return build_engine(settings.database_url, sessions=sessions)


@lru_cache
def get_read_engine() -> Engine:
    """The same engine and pool, with transactions marked read-only (deferred on SQLite)."""
    return get_engine().execution_options(**{READ_ONLY_OPTION: True})


def run_core(
    session: Session, statement: TypedReturnsRows[*Ts], params: Mapping[str, Any]
) -> Result[*Ts]:
    """A Core statement (columns, no ORM entities) on the session's connection and in its
    transaction, as `session.execute` runs it (pending changes flushed first unless autoflush
    is off), without the ORM's per-statement set-up, about half the cost of a one-row read:
    for the statements every request runs."""
    if session.autoflush:
        session.flush()
    return session.connection().execute(statement, params)


def statements_alone(session: Session) -> None:
    """A reading session whose statements each run on their own: under PostgreSQL's READ
    COMMITTED every statement takes its own snapshot, so a transaction gives a read nothing,
    while BEGIN and COMMIT cost a round trip each; on SQLite each statement then reads its own
    snapshot too (no BEGIN: the driver runs it in autocommit mode), as on PostgreSQL. Called
    before the session's first statement, by reads that need no transaction-local setting and
    whose statements each stand alone or check that they saw one version."""
    if session.get_bind().dialect.name == "sqlite":
        session.connection(execution_options={ALONE_OPTION: True})
    else:
        session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})


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
