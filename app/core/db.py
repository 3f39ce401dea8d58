"""Engine, metadata naming convention, request-scoped session and SQLite pragmas."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import lru_cache
from threading import Lock
from typing import Any, Protocol, TypeVar, TypeVarTuple

from anyio import CancelScope
from sqlalchemy import Connection, DateTime, Engine, MetaData, Result, create_engine, event
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.sql.selectable import TypedReturnsRows
from sqlalchemy.types import TypeDecorator
from sqlmodel import Session, SQLModel
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from app.core.config import Settings, get_settings
from app.core.errors import AppError
from app.core.gates import READERS, WRITERS, Gate

T = TypeVar("T")
Ts = TypeVarTuple("Ts")

READ_ONLY_OPTION = "ennakko_read_only"
# A reading connection whose statements each run on their own (see `statements_alone`).
ALONE_OPTION = "ennakko_statements_alone"
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
        # and the one connection kept for light reads in place (`_InPlaceReader`)
        pool["pool_size"] += 1
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 30}, **pool
        )
        _configure_sqlite(engine)
        event.listen(engine, "engine_disposed", lambda _engine: _IN_PLACE.release())
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


# The ASGI scope key under which a middleware leaves work for the request's transaction.
TRANSACTION_HOOK = "ennakko.transaction_hook"


class TransactionHook(Protocol):
    """Writes that must commit or roll back with the request's own transaction."""

    def begin(self, session: Session) -> None: ...
    def before_commit(self, session: Session) -> None: ...
    def keep_failed(self, session: Session) -> None: ...


def _turn(request: Request) -> tuple[int, Gate]:
    """The places and the gate of the request's turn at the database: readers and writers
    have separate places, so reads never queue behind writes."""
    settings: Settings = request.app.state.settings
    if request.method in SAFE_METHODS:
        return settings.db_read_sessions, READERS
    return write_places(settings, get_engine()), WRITERS


async def get_session(request: Request) -> AsyncIterator[Session]:
    """Request-scoped session: the one place that commits (on success) or rolls back.

    An error that says its changes must stand (a counted failed login) is committed too.

    The session opens only in the request's turn at the database, waited for on the event
    loop (503 `busy` when the wait runs out) and given back after its transaction ends: a
    session holds a pooled connection from one pool-thread call to a later one, so were the
    wait inside a thread, waiting requests could take every thread while the holders need
    one to finish. (One dependency, not two: every request with a session solves it.)

    Opening a session touches no connection, so it happens on the event loop; the end of the
    transaction (commit or roll back, and giving the connection back) is one pool-thread call,
    shielded from cancellation so that a dropped client never leaks a connection.
    """
    places, gate = _turn(request)
    wait = request.app.state.settings.db_wait_seconds
    async with gate.hold(size=places, wait=wait):
        engine = get_read_engine() if request.method in SAFE_METHODS else get_engine()
        hook: TransactionHook | None = request.scope.get(TRANSACTION_HOOK)
        session = Session(engine, expire_on_commit=False)
        try:
            if hook is not None:
                await run_in_threadpool(hook.begin, session)
            yield session
        except BaseException as exc:
            with CancelScope(shield=True):
                await run_in_threadpool(_end_failed, session, hook, exc)
            raise
        if hook is None and not session.in_transaction():
            # Nothing began, or the route committed its reading itself: no connection
            # is held, so closing is plain bookkeeping and needs no pool-thread call.
            session.close()
            return
        with CancelScope(shield=True):
            await run_in_threadpool(_end, session, hook)


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


async def write_alone(request: Request, write: Callable[[Session], T]) -> T:
    """`write` with a session of its own, in one pool-thread call: the request's turn at the
    database is waited for on the event loop (as `get_session` waits), then the session
    opens, `write` runs and the transaction ends as a request session's does (committed with
    the request's transaction hook, if any; rolled back on an error unless the error says its
    changes must stand), all within that call, so a route that writes once needs no request
    session around it. The call is not cancelled by a dropped client: it always ends its
    transaction and gives its connection back."""
    places, gate = _turn(request)
    hook: TransactionHook | None = request.scope.get(TRANSACTION_HOOK)
    async with gate.hold(size=places, wait=request.app.state.settings.db_wait_seconds):
        return await run_in_threadpool(_write_alone, hook, write)


def _write_alone(hook: TransactionHook | None, write: Callable[[Session], T]) -> T:
    session = Session(get_engine(), expire_on_commit=False)
    try:
        if hook is not None:
            hook.begin(session)
        written = write(session)
    except BaseException as exc:
        _end_failed(session, hook, exc)
        raise
    _end(session, hook)
    return written


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


async def read_alone(request: Request, read: Callable[[Session], T], *, light: bool = False) -> T:
    """`read` with a reading session of its own, in one pool-thread call: the request's turn
    at the database is waited for on the event loop (as `get_session` waits), then the session
    opens, runs its statements alone and closes within that call, so a route that reads once
    (a gate, a render the cache did not hold) needs no request session around it.

    A `light` read (a few indexed statements, nothing rendered or compressed) runs on the
    event loop itself where `reads_in_place()`."""
    places, gate = _turn(request)
    async with gate.hold(size=places, wait=request.app.state.settings.db_wait_seconds):
        if light and reads_in_place():
            return _IN_PLACE.read(read)
        return await run_in_threadpool(_read_alone, read)


def reads_in_place() -> bool:
    """Whether light reads run on the event loop rather than in a pool thread: on SQLite.

    An embedded database in WAL mode answers a one-row indexed read from memory without
    waiting for any writer (writers append to the WAL; checkpoints are passive), in tens of
    microseconds, while the hop to a pool thread and back costs about 0.2 ms of CPU (measured
    in-process on a 304 matrix read). A light read holds its turn at the database like any
    other, so the pool always has its connection ready and checking it out never waits. A
    server database's round trip is a wait, and is never taken on the loop."""
    return get_engine().dialect.name == "sqlite"


class _InPlaceReader:
    """The connection that light reads use in place: one per engine, kept checked out, so a
    read costs no pool checkout, reset and check-in. Its statements run alone (no BEGIN) and
    every result is consumed or closed, so between two reads it holds no transaction and no
    snapshot (checkpoints never wait for it). One read at a time: a read in place never
    awaits, so on one event loop reads never overlap; should another thread read in place
    meanwhile (a second loop), it checks a connection out as usual."""

    def __init__(self) -> None:
        self._lock = Lock()
        self._kept: tuple[Engine, Connection] | None = None

    def read(self, read: Callable[[Session], T]) -> T:
        if not self._lock.acquire(blocking=False):
            return _read_alone(read)
        try:
            with Session(self._connection(), expire_on_commit=False) as session:
                return read(session)
        finally:
            self._lock.release()

    def _connection(self) -> Connection:
        engine = get_engine()
        if self._kept is not None:
            kept_engine, connection = self._kept
            if kept_engine is engine and not (connection.closed or connection.invalidated):
                return connection
            self._kept = None
            connection.close()
        connection = engine.connect().execution_options(
            **{READ_ONLY_OPTION: True, ALONE_OPTION: True}
        )
        self._kept = (engine, connection)
        return connection

    def release(self) -> None:
        """Give the kept connection back to its pool (before the engine is disposed)."""
        with self._lock:
            if self._kept is not None:
                self._kept[1].close()
                self._kept = None


_IN_PLACE = _InPlaceReader()


def _read_alone(read: Callable[[Session], T]) -> T:
    with Session(get_read_engine(), expire_on_commit=False) as session:
        statements_alone(session)
        found = read(session)
        session.commit()
        return found


def _end(session: Session, hook: TransactionHook | None) -> None:
    """Commit the request's transaction (rolled back if the commit fails) and close."""
    with session:
        try:
            if hook is not None:
                hook.before_commit(session)
            session.commit()
        except BaseException:
            session.rollback()
            raise


def _end_failed(session: Session, hook: TransactionHook | None, exc: BaseException) -> None:
    """Roll back after an error, unless the error says its changes must stand; close."""
    with session:
        if isinstance(exc, AppError) and exc.keep_changes:
            if hook is not None:
                hook.keep_failed(session)
            session.commit()
        else:
            session.rollback()


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
