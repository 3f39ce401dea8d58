"""The delivery worker: webhooks and record pushes, at least once, in order per resource.

Claim due rows and lease them (short transaction, committed) → send over HTTP with no
transaction open → record each attempt and its outcome (a new transaction). A worker
killed while sending leaves leased rows that any worker picks up once the lease expires.
On PostgreSQL the claim uses FOR UPDATE SKIP LOCKED, so any number of workers share the
queue, and claiming (with the lease) and recording a batch are one statement each
(`batch_pg`); on SQLite the write lock serialises claims and one worker is the design.

Sending is asyncio on the worker's own event loop with one long-lived connection pool
(`http1.Pool`, kept-alive connections per target). `run` keeps up to `batch` deliveries in
flight: it claims more as answers come back and records the answers that are in, so a
slow receiver holds only its own deliveries, not a whole round. Order per resource needs
no bookkeeping here: a delivery in flight is still pending, and the claim never hands out
one with an earlier pending delivery of the same subscription and resource.
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import signal
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from app.core.config import Settings
from app.core.db import get_engine, utcnow
from app.core.models import new_id
from app.integrations import batch_pg, signing
from app.integrations import repository as repo
from app.integrations.models import DeliveryStatus, PushStatus, RecordPush
from app.integrations.sending import Job, Outcome, Sender, resolve_targets
from app.integrations.supervisor import ParentWatch, exclusive_worker
from app.integrations.wakeup import Wakeup

log = logging.getLogger("ennakko.worker")
PUSH_EVENT = "record.push"
# Once an answer is in, the worker waits for more while they keep coming (until a pause of
# GATHER_SECONDS, at most GATHER_MAX_SECONDS) and records them together: answers from a
# fast receiver cost one transaction a batch, not one each; a slow one holds nobody back.
GATHER_SECONDS = 0.002
GATHER_MAX_SECONDS = 0.02
# The longest the loop waits without looking at its stop flag.
STOP_CHECK_SECONDS = 0.5

__all__ = ["Job", "Outcome", "Worker", "backoff_seconds", "run_worker"]


def backoff_seconds(attempt: int, *, base: float, cap: float) -> float:
    """Exponential backoff with full jitter: uniform in [0, min(cap, base * 2^(attempt-1))]."""
    ceiling = min(cap, base * 2 ** min(attempt - 1, 40))
    return random.uniform(0, ceiling)  # noqa: S311 (jitter, not secrecy)


def default_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


@contextmanager
def _transaction(engine: Engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


class Worker:
    """Claims, sends and records deliveries; `run` loops until `stop` is set."""

    def __init__(
        self,
        settings: Settings,
        *,
        worker_id: str | None = None,
        batch: int = 100,
        engine: Engine | None = None,
    ) -> None:
        self.settings = settings
        self.worker_id = worker_id or default_worker_id()
        self.batch = batch
        self.engine = engine or get_engine()
        self.skip_locked = self.engine.dialect.name == "postgresql"
        self.autocommit = self.engine.execution_options(isolation_level="AUTOCOMMIT")
        self.lease = timedelta(
            seconds=max(settings.webhook_lease_seconds, 3 * settings.webhook_timeout_seconds)
        )
        self.loop = asyncio.new_event_loop()
        self.sender = Sender(timeout=settings.webhook_timeout_seconds)
        self.wakeup = Wakeup(self.engine, self.loop)
        self.heartbeat_seconds = min(5.0, settings.worker_stall_seconds / 4)

    def close(self) -> None:
        if self.loop.is_closed():
            return
        self.wakeup.close()
        self.sender.close()
        self.loop.run_until_complete(asyncio.sleep(0))  # let the closed connections go
        self.loop.close()

    def run_once(self) -> int:
        """One round, every answer awaited; the number of deliveries and pushes attempted."""
        jobs, targets = self._claim_round(self.batch)
        if not jobs:
            return 0
        outcomes = self.loop.run_until_complete(self.sender.send_all(jobs, targets))
        with _transaction(self._engine_to_record(outcomes)) as session:
            self._record(session, outcomes, utcnow())
        return len(jobs)

    def run(
        self,
        stop: threading.Event,
        *,
        poll_seconds: float | None = None,
        parent_gone: Callable[[], bool] = lambda: False,
    ) -> None:
        """Deliver until `stop` is set or the supervisor is gone; a database error costs a round."""
        poll = poll_seconds if poll_seconds is not None else self.settings.worker_poll_seconds
        log.info("worker started", extra={"worker": self.worker_id, "batch": self.batch})
        self.loop.run_until_complete(self._run(stop, poll, parent_gone))
        try:
            with _transaction(self.engine) as session:
                repo.forget_heartbeat(session, self.worker_id)
        except SQLAlchemyError:
            log.exception("could not remove the heartbeat", extra={"worker": self.worker_id})
        log.info("worker stopped", extra={"worker": self.worker_id})

    async def _run(
        self, stop: threading.Event, poll: float, parent_gone: Callable[[], bool]
    ) -> None:
        """Keep up to `batch` sends in flight; on stop, finish and record those in flight."""
        inflight: set[asyncio.Task[Outcome]] = set()
        next_beat = 0.0
        stopping = False
        while not stopping or inflight:
            if not stopping and (stop.is_set() or parent_gone()):
                stopping = True
                if not stop.is_set():
                    log.warning("supervisor gone; stopping", extra={"worker": self.worker_id})
            try:
                if time.monotonic() >= next_beat and not stopping:
                    self.heartbeat()
                    next_beat = time.monotonic() + self.heartbeat_seconds
                room = 0 if stopping else self.batch - len(inflight)
                claimed = self._start(inflight, room) if room > 0 else 0
                if inflight:
                    await self._settle(inflight, min(poll, STOP_CHECK_SECONDS))
                elif claimed < room:  # the queue is empty: wait for more
                    await self._idle(stop, poll)
            except SQLAlchemyError:
                log.exception("worker round failed", extra={"worker": self.worker_id})
                await asyncio.sleep(poll)

    async def _idle(self, stop: threading.Event, poll: float) -> None:
        """Until new deliveries are announced or `poll` seconds pass (or `stop` is set)."""
        deadline = self.loop.time() + poll
        while not stop.is_set():
            left = deadline - self.loop.time()
            if left <= 0 or await self.wakeup.wait(min(left, STOP_CHECK_SECONDS)):
                return

    def _start(self, inflight: set[asyncio.Task[Outcome]], room: int) -> int:
        jobs, targets = self._claim_round(room)
        for job in jobs:
            inflight.add(self.loop.create_task(self.sender.send(job, targets[job.url])))
        return len(jobs)

    async def _settle(self, inflight: set[asyncio.Task[Outcome]], poll: float) -> None:
        """Wait for an answer (at most `poll`, less when new deliveries are announced), then
        for more while they keep coming (a pause of `GATHER_SECONDS` ends it), and record
        those in, in one transaction."""
        woken = self.loop.create_task(self.wakeup.wait(poll))
        done, pending = await asyncio.wait(
            inflight | {woken}, timeout=poll, return_when=asyncio.FIRST_COMPLETED
        )
        woken.cancel()
        done.discard(woken)
        pending.discard(woken)
        if not done:
            return
        deadline = self.loop.time() + GATHER_MAX_SECONDS
        while pending and self.loop.time() < deadline:
            more, pending = await asyncio.wait(
                pending, timeout=GATHER_SECONDS, return_when=asyncio.FIRST_COMPLETED
            )
            if not more:
                break
        finished = [task for task in inflight if task.done()]
        inflight.difference_update(finished)
        outcomes = [task.result() for task in finished]
        with _transaction(self._engine_to_record(outcomes)) as session:
            self._record(session, outcomes, utcnow())

    def _engine_to_record(self, outcomes: list[Outcome]) -> Engine:
        """On PostgreSQL deliveries alone are recorded by one statement, atomic by itself:
        no BEGIN and COMMIT round trips around it. Pushes need the transaction."""
        if self.skip_locked and all(outcome.job.kind == "delivery" for outcome in outcomes):
            return self.autocommit
        return self.engine

    def heartbeat(self) -> None:
        """Tell readiness this worker is alive (a short write, a few times per stall period)."""
        with _transaction(self.engine) as session:
            repo.heartbeat(session, worker_id=self.worker_id, pid=os.getpid(), now=utcnow())

    def _claim_round(self, limit: int) -> tuple[list[Job], Any]:
        """Claim and lease up to `limit` due jobs (committed), with their checked targets."""
        with _transaction(self.engine) as session:
            jobs = self._claim(session, utcnow(), limit)
        allow = self.settings.webhook_allow_private_targets
        return jobs, resolve_targets({job.url for job in jobs}, allow_private=allow)

    def _claim(self, session: Session, now: datetime, limit: int) -> list[Job]:
        lease_until = now + self.lease
        stamp = int(now.timestamp())
        jobs = []
        due = repo.claim_deliveries(
            session,
            now=now,
            limit=limit,
            worker_id=self.worker_id,
            until=lease_until,
            postgres=self.skip_locked,
        )
        for row in due:
            body = signing.canonical_body(signing.event_payload(row))
            headers = signing.signed_headers(
                secret=row.secret, event_id=row.id, event=row.event, body=body, timestamp=stamp
            )
            jobs.append(Job("delivery", row.delivery_id, row.attempt, row.url, body, headers))
        for push, endpoint in repo.due_pushes(
            session, now=now, limit=limit, skip_locked=self.skip_locked
        ):
            self._lease(session, push, lease_until)
            body = signing.canonical_body(push.payload | {"EnnakkoPushId": push.id})
            headers = signing.signed_headers(
                secret=endpoint.secret,
                event_id=push.id,
                event=PUSH_EVENT,
                body=body,
                timestamp=stamp,
            )
            if endpoint.auth_token:
                headers["Authorization"] = f"Bearer {endpoint.auth_token}"
            jobs.append(Job("push", push.id, push.attempts, endpoint.url, body, headers))
        return jobs

    def _lease(self, session: Session, row: RecordPush, until: datetime) -> None:
        row.attempts += 1
        row.next_attempt_at, row.leased_by = until, self.worker_id
        session.add(row)

    def _record(self, session: Session, outcomes: list[Outcome], now: datetime) -> None:
        """Every outcome of a round: the deliveries' attempts and results in one statement on
        PostgreSQL (a few elsewhere), each push on its own."""
        deliveries = [outcome for outcome in outcomes if outcome.job.kind == "delivery"]
        if self.skip_locked:
            self._record_deliveries_pg(session, deliveries, now)
        else:
            self._record_deliveries(session, deliveries, now)
        for outcome in outcomes:
            if outcome.job.kind == "push":
                self._record_push(session, outcome, now)

    def _record_deliveries_pg(
        self, session: Session, deliveries: list[Outcome], now: datetime
    ) -> None:
        results = [self._delivery_result(outcome, now) for outcome in deliveries]
        rows = [
            batch_pg.outcome_row(outcome.job.id, outcome.job.attempt, outcome.latency_ms, values)
            for outcome, values in zip(deliveries, results, strict=True)
        ]
        changed = repo.record_deliveries_pg(session, rows, worker_id=self.worker_id, now=now)
        for outcome, values in zip(deliveries, results, strict=True):
            if outcome.job.id in changed:
                self._log(outcome, final=values.get("status", DeliveryStatus.pending))
            else:
                self._lost_lease(outcome.job)

    def _record_deliveries(
        self, session: Session, deliveries: list[Outcome], now: datetime
    ) -> None:
        """One INSERT for the attempts, one UPDATE per distinct result."""
        repo.add_attempts(session, [self._attempt_row(outcome, now) for outcome in deliveries])
        groups: dict[tuple[Any, ...], list[Outcome]] = {}
        for outcome in deliveries:
            values = self._delivery_result(outcome, now)
            groups.setdefault((outcome.job.attempt, *values.items()), []).append(outcome)
        for (attempt, *items), group in groups.items():
            values = dict(items)
            changed = repo.settle_deliveries(
                session,
                [outcome.job.id for outcome in group],
                worker_id=self.worker_id,
                attempt=attempt,
                values=values,
            )
            for outcome in group:
                if outcome.job.id in changed:
                    self._log(outcome, final=values.get("status", DeliveryStatus.pending))
                else:
                    self._lost_lease(outcome.job)

    def _attempt_row(self, outcome: Outcome, now: datetime) -> dict[str, Any]:
        return {
            "id": new_id(),
            "delivery_id": outcome.job.id,
            "attempted_at": now,
            "status_code": outcome.status_code,
            "latency_ms": outcome.latency_ms,
            "error": outcome.error,
            "worker": self.worker_id,
        }

    def _delivery_result(self, outcome: Outcome, now: datetime) -> dict[str, Any]:
        """The columns an outcome sets: delivered, failed for good, or due again after backoff."""
        values: dict[str, Any] = {
            "last_status_code": outcome.status_code,
            "last_error": outcome.error,
        }
        if outcome.ok:
            return values | {"status": DeliveryStatus.delivered, "delivered_at": now}
        if outcome.job.attempt >= self.settings.webhook_max_attempts:
            return values | {"status": DeliveryStatus.failed}
        return values | {
            "next_attempt_at": now + timedelta(seconds=self._backoff_for(outcome.job.attempt))
        }

    def _record_push(self, session: Session, outcome: Outcome, now: datetime) -> None:
        push = repo.push(session, outcome.job.id, lock=True)
        if push is None or not self._still_ours(push, outcome.job):
            return
        push.last_status_code, push.last_error = outcome.status_code, outcome.error
        if outcome.ok:
            push.status, push.sent_at = PushStatus.sent, now
        else:
            self._retry_or_fail(push, now)
        push.leased_by = None
        session.add(push)
        self._log(outcome, final=push.status)

    def _still_ours(self, row: RecordPush, job: Job) -> bool:
        """False when the lease ran out and another worker (or a redelivery) took the row."""
        ours = row.leased_by == self.worker_id and row.attempts == job.attempt
        if not ours or row.status != "pending":
            self._lost_lease(job)
            return False
        return True

    def _lost_lease(self, job: Job) -> None:
        log.warning(
            "outcome after losing the lease",
            extra={"kind": job.kind, "id": job.id, "worker": self.worker_id},
        )

    def _retry_or_fail(self, row: RecordPush, now: datetime) -> None:
        if row.attempts >= self.settings.webhook_max_attempts:
            row.status = PushStatus.failed
            return
        row.next_attempt_at = now + timedelta(seconds=self._backoff_for(row.attempts))

    def _backoff_for(self, attempt: int) -> float:
        return backoff_seconds(
            attempt,
            base=self.settings.webhook_backoff_base_seconds,
            cap=self.settings.webhook_backoff_cap_seconds,
        )

    def _log(self, outcome: Outcome, *, final: str) -> None:
        job = outcome.job
        log.log(
            logging.INFO if outcome.ok else logging.WARNING,
            "delivery attempt",
            extra={
                "kind": job.kind,
                "id": job.id,
                "attempt": job.attempt,
                "status_code": outcome.status_code,
                "latency_ms": outcome.latency_ms,
                "error": outcome.error,
                "outcome": str(final),
                "worker": self.worker_id,
            },
        )


def run_worker(settings: Settings, *, once: bool, batch: int, poll_seconds: float) -> int:
    """The `ennakko worker` loop; SIGINT and SIGTERM finish the current round, then stop.

    Raises WorkerLocked when another worker already delivers from the same SQLite database.
    """
    watch = ParentWatch()
    with exclusive_worker(settings.database_url):
        worker = Worker(settings, batch=batch)
        try:
            if once:
                return worker.run_once()
            stop = threading.Event()
            for sig in (signal.SIGINT, signal.SIGTERM):
                signal.signal(sig, lambda *_: stop.set())
            worker.run(stop, poll_seconds=poll_seconds, parent_gone=watch.gone)
            return 0
        finally:
            worker.close()
