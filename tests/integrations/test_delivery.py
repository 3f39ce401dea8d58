"""Delivery over real HTTP on 127.0.0.1: at least once, in order, signed, nothing stuck."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from app.core.config import Settings, get_settings
from app.core.db import transaction
from app.integrations import signing
from app.integrations.models import DeliveryAttempt, DeliveryStatus
from app.integrations.worker import Worker
from tests.factories import World
from tests.flows import create_draft
from tests.integrations.conftest import run_until
from tests.integrations.helpers import all_delivered, deliveries_of, emit, subscribe
from tests.integrations.receiver import Receiver

ON_POSTGRES = not get_settings().database_url.startswith("sqlite")


def test_api_change_reaches_the_receiver_signed(
    api: TestClient, world: World, worker: Worker, receiver: Receiver
) -> None:
    sub = subscribe(api, world.admin, world.org, receiver.url, ["draft.created"])
    receiver.secret = sub["secret"]
    draft = create_draft(api, world.preparer)
    run_until(worker, lambda: len(receiver.unique) == 1)
    got = next(iter(receiver.unique.values()))
    assert receiver.bad_signatures == 0
    assert got.payload == {
        "id": got.event_id,
        "event": "draft.created",
        "resource": "draft",
        "resource_id": draft["id"],
        "version": 1,
        "occurred_at": got.payload["occurred_at"],
    }
    assert got.headers["ennakko-event"] == "draft.created"
    assert got.body == signing.canonical_body(got.payload)


def test_receiver_down_for_a_while_still_gets_every_event_in_order(
    api: TestClient, world: World, worker: Worker
) -> None:
    receiver = Receiver()  # not started: connections are refused
    sub = subscribe(api, world.admin, world.org, receiver.url)
    resources = [f"res-{i}" for i in range(5)]
    for version in range(1, 6):
        for resource in resources:
            emit(world.org, resource, version)
    for _ in range(5):
        worker.run_once()
        time.sleep(0.05)
    assert receiver.requests == []
    assert any(d.attempts >= 2 for d in deliveries_of(sub["id"]))
    receiver.start()
    try:
        run_until(worker, lambda: all_delivered(sub["id"]))
    finally:
        receiver.stop()
    unique = receiver.unique
    assert len(unique) == 25
    for resource in resources:
        versions = [
            r.payload["version"] for r in unique.values() if r.payload["resource_id"] == resource
        ]
        assert versions == [1, 2, 3, 4, 5]


def test_failures_are_retried_with_every_attempt_logged(
    api: TestClient, world: World, worker: Worker, receiver: Receiver
) -> None:
    receiver.fail_first = 3
    sub = subscribe(api, world.admin, world.org, receiver.url)
    emit(world.org, "retried", 1)
    run_until(worker, lambda: all_delivered(sub["id"]))
    [delivery] = deliveries_of(sub["id"])
    assert delivery.attempts == 4
    attempts = api.get(
        f"/api/v1/webhook-deliveries/{delivery.id}/attempts", headers=world.admin.headers
    ).json()
    assert [a["status_code"] for a in attempts] == [500, 500, 500, 200]
    assert all(a["worker"] == "test-worker" and a["latency_ms"] >= 0 for a in attempts)
    assert attempts[0]["error"] == "HTTP 500"
    listed = api.get(
        f"/api/v1/organisations/{world.org}/webhooks/{sub['id']}/deliveries",
        headers=world.admin.headers,
    ).json()
    assert listed[0]["status"] == "delivered"
    assert listed[0]["attempts"] == 4


def test_gives_up_after_max_attempts_then_redelivers_on_request(
    api: TestClient, world: World, private_settings: Settings, receiver: Receiver
) -> None:
    receiver.status = 503
    sub = subscribe(api, world.admin, world.org, receiver.url)
    emit(world.org, "doomed", 1)
    settings = private_settings.model_copy(update={"webhook_max_attempts": 2})
    worker = Worker(settings, worker_id="short")
    try:
        run_until(worker, lambda: deliveries_of(sub["id"])[0].status is DeliveryStatus.failed)
        delivery = deliveries_of(sub["id"])[0]
        assert delivery.attempts == 2
        assert delivery.last_error == "HTTP 503"
        receiver.status = 200
        again = api.post(
            f"/api/v1/webhook-deliveries/{delivery.id}/redeliver", headers=world.admin.headers
        )
        assert again.status_code == 202
        assert again.json()["status"] == "pending"
        run_until(worker, lambda: all_delivered(sub["id"]))
    finally:
        worker.close()


def test_redirects_are_not_followed(
    api: TestClient, world: World, worker: Worker, receiver: Receiver
) -> None:
    target = Receiver().start()
    try:
        receiver.redirect_to = target.url
        sub = subscribe(api, world.admin, world.org, receiver.url)
        emit(world.org, "redirected", 1)
        run_until(worker, lambda: deliveries_of(sub["id"])[0].last_status_code == 302)
        assert target.requests == []
        assert deliveries_of(sub["id"])[0].status is DeliveryStatus.pending
    finally:
        target.stop()


def test_private_target_is_refused_at_delivery_time(
    api: TestClient, world: World, private_settings: Settings, receiver: Receiver
) -> None:
    sub = subscribe(api, world.admin, world.org, receiver.url)
    emit(world.org, "ssrf", 1)
    strict = Worker(private_settings.model_copy(update={"webhook_allow_private_targets": False}))
    try:
        strict.run_once()
    finally:
        strict.close()
    [delivery] = deliveries_of(sub["id"])
    assert receiver.requests == []
    assert delivery.last_error is not None
    assert delivery.last_error.startswith("refused:")


def _worker_process(lease_seconds: float) -> subprocess.Popen[bytes]:
    env = os.environ | {
        "ENNAKKO_WEBHOOK_ALLOW_PRIVATE_TARGETS": "true",
        "ENNAKKO_WEBHOOK_TIMEOUT_SECONDS": "1",
        "ENNAKKO_WEBHOOK_LEASE_SECONDS": str(lease_seconds),
    }
    command = [sys.executable, "-m", "app.cli", "worker", "--poll-seconds", "0.05"]
    return subprocess.Popen(command, env=env, stderr=subprocess.DEVNULL)


def test_worker_killed_mid_delivery_leaves_nothing_stuck(
    api: TestClient, world: World, worker: Worker, receiver: Receiver
) -> None:
    receiver.block = threading.Event()
    sub = subscribe(api, world.admin, world.org, receiver.url)
    for version in (1, 2, 3):
        emit(world.org, "killed", version)
    process = _worker_process(lease_seconds=3)
    try:
        assert receiver.entered.wait(30), "the worker never called the receiver"
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(10)
    receiver.block.set()
    [first] = [d for d in deliveries_of(sub["id"]) if d.attempts]
    assert first.status is DeliveryStatus.pending
    assert first.leased_by is not None
    run_until(worker, lambda: all_delivered(sub["id"]), timeout=30)
    versions = [r.payload["version"] for r in receiver.unique.values()]
    assert versions == [1, 2, 3]
    assert len(receiver.requests) in (3, 4)  # the killed attempt may count once more


@pytest.mark.skipif(not ON_POSTGRES, reason="FOR UPDATE SKIP LOCKED needs PostgreSQL")
def test_two_workers_never_send_the_same_attempt(
    api: TestClient, world: World, private_settings: Settings, receiver: Receiver
) -> None:
    sub = subscribe(api, world.admin, world.org, receiver.url)
    for i in range(120):
        emit(world.org, f"pair-{i % 30}", i // 30 + 1)
    workers = [Worker(private_settings, worker_id=f"w{n}", batch=7) for n in range(2)]
    stop = threading.Event()
    threads = [
        threading.Thread(target=w.run, args=(stop,), kwargs={"poll_seconds": 0.01}) for w in workers
    ]
    for thread in threads:
        thread.start()
    try:
        deadline = time.monotonic() + 60
        while not all_delivered(sub["id"]) and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        stop.set()
        for thread in threads:
            thread.join(30)
        for w in workers:
            w.close()
    event_ids = [r.event_id for r in receiver.requests]
    assert len(event_ids) == 120
    assert len(set(event_ids)) == 120
    with transaction() as session:
        attempts = session.exec(
            select(DeliveryAttempt.worker).where(
                DeliveryAttempt.delivery_id.in_([d.id for d in deliveries_of(sub["id"])])  # type: ignore[attr-defined]
            )
        ).all()
    assert len(attempts) == 120
    assert set(attempts) == {"w0", "w1"}
