"""Waking the delivery worker when deliveries are written, instead of at its next poll.

On PostgreSQL a trigger on `webhook_delivery` sends `NOTIFY ennakko_deliveries` when a
transaction that wrote deliveries commits (migration hooks01a0001). The worker keeps one
connection of its own that LISTENs, watched by its event loop: a notification ends the
current wait at once. The poll stays, for what no notification announces (a retry whose
backoff ran out, a lease that expired, a redelivery) and for SQLite, which has no NOTIFY.
A listening connection that breaks is dropped; the worker polls and listens again later.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import Any

import psycopg
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

CHANNEL = "ennakko_deliveries"
RETRY_LISTEN_SECONDS = 5.0

log = logging.getLogger("ennakko.worker")


class Wakeup:
    """`wait(timeout)` returns when deliveries were written meanwhile, or after `timeout`."""

    def __init__(self, engine: Engine, loop: asyncio.AbstractEventLoop) -> None:
        self.engine = engine
        self.loop = loop
        self.enabled = engine.dialect.name == "postgresql"
        self._connection: Any = None  # the driver's (psycopg) connection while listening
        self._next_try = 0.0
        self._event: asyncio.Event | None = None

    @property
    def listening(self) -> bool:
        return self._connection is not None

    async def wait(self, timeout: float) -> bool:
        """True when woken by a notification, False when the time ran out."""
        event = self._ensure()
        try:
            await asyncio.wait_for(event.wait(), timeout)
        except TimeoutError:
            return False
        event.clear()
        return True

    def close(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(OSError, ValueError):
                self.loop.remove_reader(self._connection.fileno())
            with contextlib.suppress(psycopg.Error, OSError):
                self._connection.close()
            self._connection = None

    def _ensure(self) -> asyncio.Event:
        if self._event is None:
            self._event = asyncio.Event()
        if self.enabled and self._connection is None and time.monotonic() >= self._next_try:
            self._next_try = time.monotonic() + RETRY_LISTEN_SECONDS
            self._listen()
        return self._event

    def _listen(self) -> None:
        connection: Any = None
        try:
            raw = self.engine.raw_connection()
            connection = raw.driver_connection
            raw.detach()  # ours for good, never handed back to the pool
            connection.autocommit = True
            connection.execute(f"LISTEN {CHANNEL}")
            self.loop.add_reader(connection.fileno(), self._readable)
        except (SQLAlchemyError, psycopg.Error, OSError, AttributeError):
            log.warning("cannot listen for new deliveries; polling", exc_info=True)
            if connection is not None:
                with contextlib.suppress(psycopg.Error, OSError):
                    connection.close()
            return
        self._connection = connection

    def _readable(self) -> None:
        """The listening socket has data: take every notification, wake the waiter."""
        connection = self._connection
        try:
            connection.pgconn.consume_input()
            woke = False
            while connection.pgconn.notifies() is not None:
                woke = True
        except (psycopg.Error, OSError):
            log.warning("listening connection lost; polling", exc_info=True)
            self.close()
            woke = True  # something may have been missed: look now
        if woke and self._event is not None:
            self._event.set()
