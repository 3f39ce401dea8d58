"""A request's turn at the database and its sessions.

A request waits for its turn (a place among the readers or the writers, `core.gates`) on the
event loop, then gets its session one of three ways: `get_session`, a request session that
commits or rolls back when the route is done (the dependency of most routes); `read_alone`,
a read with a session of its own in one pool-thread call, or on SQLite, for a light read, on
the event loop itself (`reads_in_place`); `write_alone`, a write with a session of its own
that commits or rolls back in its one pool-thread call.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from threading import Lock
from typing import Protocol, TypeVar

from anyio import CancelScope
from sqlalchemy import Connection, Engine, event
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from app.core.config import Settings
from app.core.db import (
    ALONE_OPTION,
    READ_ONLY_OPTION,
    get_engine,
    get_read_engine,
    statements_alone,
    write_places,
)
from app.core.errors import AppError
from app.core.gates import READERS, WRITERS, Gate

T = TypeVar("T")
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


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
    other and uses the connection kept for it (`_InPlaceReader`). A server database's round
    trip is a wait, and is never taken on the loop."""
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
        if not event.contains(engine, "engine_disposed", self._disposed):
            event.listen(engine, "engine_disposed", self._disposed)
        return connection

    def _disposed(self, _engine: Engine) -> None:
        self.release()

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
