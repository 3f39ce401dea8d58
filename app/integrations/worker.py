"""The delivery worker: webhooks and record pushes, at least once, in order per resource.

One round: claim due rows and lease them (short transaction, committed) → send over HTTP
with no transaction open → record each attempt and its outcome (a new transaction). A
worker killed while sending leaves leased rows that any worker picks up once the lease
expires. On PostgreSQL the claim uses FOR UPDATE SKIP LOCKED, so any number of workers
share the queue; on SQLite the write lock serialises claims and one worker is the design.
"""

from __future__ import annotations

import logging
import os
import random
import signal
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any

import httpx
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from app.core.config import Settings
from app.core.db import get_engine, utcnow
from app.core.models import new_id
from app.integrations import repository as repo
from app.integrations import signing, ssrf
from app.integrations.models import DeliveryStatus, PushStatus, RecordPush
from app.integrations.supervisor import ParentWatch, exclusive_worker

log = logging.getLogger("ennakko.worker")
MAX_RESPONSE_BYTES = 64 * 1024
PUSH_EVENT = "record.push"


@dataclass(frozen=True)
class Job:
    kind: str  # "delivery" or "push"
    id: str
    attempt: int
    url: str
    body: bytes
    headers: dict[str, str]


@dataclass(frozen=True)
class Outcome:
    job: Job
    status_code: int | None
    latency_ms: float
    error: str | None

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


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
        concurrency: int = 8,
        engine: Engine | None = None,
    ) -> None:
        self.settings = settings
        self.worker_id = worker_id or default_worker_id()
        self.batch = batch
        self.engine = engine or get_engine()
        self.skip_locked = self.engine.dialect.name == "postgresql"
        self.lease = timedelta(
            seconds=max(settings.webhook_lease_seconds, 3 * settings.webhook_timeout_seconds)
        )
        timeout = httpx.Timeout(
            settings.webhook_timeout_seconds, connect=min(5.0, settings.webhook_timeout_seconds)
        )
        self.http = httpx.Client(timeout=timeout, follow_redirects=False, trust_env=False)
        self.pool = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="webhook")
        self.heartbeat_seconds = min(5.0, settings.worker_stall_seconds / 4)

    def close(self) -> None:
        self.pool.shutdown(wait=True)
        self.http.close()

    def run_once(self) -> int:
        """One round; the number of deliveries and pushes attempted."""
        with _transaction(self.engine) as session:
            jobs = self._claim(session, utcnow())
        if not jobs:
            return 0
        targets = self._targets({job.url for job in jobs})
        outcomes = list(self.pool.map(partial(self._send, targets=targets), jobs))
        with _transaction(self.engine) as session:
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
        next_beat = 0.0
        while not stop.is_set():
            if parent_gone():
                log.warning("supervisor gone; stopping", extra={"worker": self.worker_id})
                break
            try:
                if time.monotonic() >= next_beat:
                    self.heartbeat()
                    next_beat = time.monotonic() + self.heartbeat_seconds
                done = self.run_once()
            except SQLAlchemyError:
                log.exception("worker round failed", extra={"worker": self.worker_id})
                done = 0
            if done < self.batch:
                stop.wait(poll)
        try:
            with _transaction(self.engine) as session:
                repo.forget_heartbeat(session, self.worker_id)
        except SQLAlchemyError:
            log.exception("could not remove the heartbeat", extra={"worker": self.worker_id})
        log.info("worker stopped", extra={"worker": self.worker_id})

    def heartbeat(self) -> None:
        """Tell readiness this worker is alive (a short write, a few times per stall period)."""
        with _transaction(self.engine) as session:
            repo.heartbeat(session, worker_id=self.worker_id, pid=os.getpid(), now=utcnow())

    def _claim(self, session: Session, now: datetime) -> list[Job]:
        lease_until = now + self.lease
        stamp = int(now.timestamp())
        jobs = []
        due = repo.due_deliveries(session, now=now, limit=self.batch, skip_locked=self.skip_locked)
        if due:
            ids = [row.delivery_id for row in due]
            repo.lease_deliveries(session, ids, worker_id=self.worker_id, until=lease_until)
        for row in due:
            body = signing.canonical_body(signing.event_payload(row))
            headers = signing.signed_headers(
                secret=row.secret, event_id=row.id, event=row.event, body=body, timestamp=stamp
            )
            jobs.append(Job("delivery", row.delivery_id, row.attempts + 1, row.url, body, headers))
        for push, endpoint in repo.due_pushes(
            session, now=now, limit=self.batch, skip_locked=self.skip_locked
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

    def _targets(self, urls: set[str]) -> dict[str, ssrf.Target | ssrf.UnsafeTarget]:
        """Each URL of a round checked and resolved once; its sends are pinned to that address."""
        allow = self.settings.webhook_allow_private_targets
        found: dict[str, ssrf.Target | ssrf.UnsafeTarget] = {}
        for url in urls:
            try:
                found[url] = ssrf.safe_target(url, allow_private=allow)
            except ssrf.UnsafeTarget as exc:
                found[url] = exc
        return found

    def _send(self, job: Job, *, targets: dict[str, ssrf.Target | ssrf.UnsafeTarget]) -> Outcome:
        started = time.perf_counter()
        status, error = None, None
        target = targets[job.url]
        if isinstance(target, ssrf.UnsafeTarget):
            error = f"refused: {target}"
        else:
            try:
                with self.http.stream(
                    "POST",
                    target.url,
                    content=job.body,
                    headers=job.headers | target.headers,
                    extensions=target.extensions,
                ) as response:
                    status = response.status_code
                    _drain(response)
                error = None if 200 <= status < 300 else f"HTTP {status}"
            except httpx.HTTPError as exc:
                error = f"{type(exc).__name__}: {exc}"[:2000]
        latency = round((time.perf_counter() - started) * 1000, 2)
        return Outcome(job, status, latency, error)

    def _record(self, session: Session, outcomes: list[Outcome], now: datetime) -> None:
        """Every outcome of a round: the deliveries' attempts and results in a few statements
        (one INSERT, one UPDATE per distinct result), each push on its own."""
        deliveries = [outcome for outcome in outcomes if outcome.job.kind == "delivery"]
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
        for outcome in outcomes:
            if outcome.job.kind == "push":
                self._record_push(session, outcome, now)

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


def _drain(response: httpx.Response) -> None:
    """Read a small answer so the connection is reused; drop a large one with its connection."""
    received = 0
    for chunk in response.iter_raw():
        received += len(chunk)
        if received > MAX_RESPONSE_BYTES:
            break


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
