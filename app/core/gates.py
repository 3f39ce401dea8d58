"""Gates: a few holders at a time, and a bounded wait on the event loop for the rest.

A gate guards work that must not run too often at once in one server process: request
sessions, which hold a pooled connection from one pool-thread call to another (readers and
writers have separate places, and SQLite has one writer), and password hashing (argon2id
costs a few hundred milliseconds of CPU and 64 MiB each). A request waits for its turn
*asynchronously*, on the event loop, before any thread-pool thread is involved: a waiting
request holds no thread, so the holder always finds a thread to finish its work, probes are
never stuck behind the queue, and shutdown is never blocked by it. Whoever waits longer than
the gate's limit gets 503 `busy` with `Retry-After`.

The semaphore lives per event loop (an `anyio` run variable): a server process has one loop;
tests may run several apps' loops in one process, which then only share the database's own
locking.
"""

from __future__ import annotations

import math
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio
from anyio.lowlevel import RunVar

from app.core.errors import AppError


class Busy(AppError):
    """Too many requests are waiting for the same scarce resource; retry shortly."""

    status, code = 503, "busy"


class Gate:
    """At most `size` holders per event loop; a waiter gives up after `wait` seconds."""

    def __init__(self, name: str, message: str) -> None:
        self.message = message
        self._semaphores: RunVar[anyio.Semaphore] = RunVar(f"ennakko_gate_{name}")

    def _semaphore(self, size: int) -> anyio.Semaphore:
        try:
            return self._semaphores.get()
        except LookupError:
            semaphore = anyio.Semaphore(size)
            self._semaphores.set(semaphore)
            return semaphore

    @asynccontextmanager
    async def hold(self, *, size: int, wait: float) -> AsyncIterator[None]:
        """Hold one of the gate's places for the block; raises `Busy` after `wait` seconds."""
        semaphore = self._semaphore(size)
        try:
            semaphore.acquire_nowait()  # a free place: no timer to set up (the usual case)
        except anyio.WouldBlock:
            await self._wait(semaphore, wait)
        try:
            yield
        finally:
            semaphore.release()

    async def _wait(self, semaphore: anyio.Semaphore, wait: float) -> None:
        try:
            with anyio.fail_after(wait):
                await semaphore.acquire()
        except TimeoutError:
            raise Busy(
                self.message, headers={"Retry-After": str(max(1, math.ceil(wait)))}
            ) from None


READERS = Gate("readers", "The database is busy; retry after a moment")
WRITERS = Gate("writers", "The database is busy with other changes; retry after a moment")
VERIFIER = Gate("secret_verifier", "Too many sign-ins are being checked; retry after a moment")
