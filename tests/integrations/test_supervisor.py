"""`ennakko run-all` keeps its worker alive and alone, and they stop together (real processes)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import TypeVar

import pytest
from fastapi.testclient import TestClient
from sqlmodel import delete, select

from app.core.config import get_settings
from app.core.db import transaction, utcnow
from app.integrations.models import DeliveryStatus, WebhookDelivery, WorkerHeartbeat
from app.integrations.supervisor import EXIT_LOCKED, exclusive_worker, lock_path
from tests.factories import World
from tests.integrations.helpers import emit, subscribe
from tests.live import free_port

T = TypeVar("T")
ON_SQLITE = get_settings().database_url.startswith("sqlite")


def wait_for(probe: Callable[[], T], *, seconds: float = 20.0) -> T:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if value := probe():
            return value
        time.sleep(0.1)
    raise AssertionError(f"not within {seconds} s: {probe.__name__}")


def children(pid: int) -> list[int]:
    """Child processes, whichever of the parent's threads started them."""
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(child) for child in (task / "children").read_text().split()]
        except FileNotFoundError:
            continue
    return found


def alive(pid: int) -> bool:
    """Running: a zombie (exited, not reaped) counts as dead, and so does a reaped process."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def reaped(pid: int) -> bool:
    return not Path(f"/proc/{pid}").exists()


@pytest.fixture
def run_all() -> Iterator[subprocess.Popen[bytes]]:
    process = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "run-all", "--port", str(free_port())],
    )
    yield process
    for pid in children(process.pid):
        os.kill(pid, signal.SIGKILL)
    if process.poll() is None:
        process.kill()
    process.wait()


def test_killed_worker_is_reaped_and_restarted_and_sigterm_stops_both(
    run_all: subprocess.Popen[bytes],
) -> None:
    first = wait_for(lambda: children(run_all.pid))[0]
    os.kill(first, signal.SIGKILL)
    second = wait_for(lambda: [c for c in children(run_all.pid) if c != first], seconds=10)[0]
    assert reaped(first)
    assert alive(second)
    time.sleep(1)  # let the server finish starting: SIGTERM then goes through uvicorn's shutdown
    run_all.send_signal(signal.SIGTERM)
    assert run_all.wait(timeout=20) == 128 + signal.SIGTERM
    wait_for(lambda: not alive(second), seconds=10)


def test_worker_stops_when_run_all_is_killed(run_all: subprocess.Popen[bytes]) -> None:
    worker = wait_for(lambda: children(run_all.pid))[0]
    run_all.kill()
    run_all.wait()
    wait_for(lambda: not alive(worker), seconds=10)


@pytest.mark.skipif(not ON_SQLITE, reason="one worker per database is a SQLite rule")
def test_second_worker_on_the_same_sqlite_database_refuses_to_start() -> None:
    url = get_settings().database_url
    assert lock_path(url) is not None
    with exclusive_worker(url):
        second = subprocess.run(
            [sys.executable, "-m", "app.cli", "worker"], capture_output=True, timeout=60
        )
    assert second.returncode == EXIT_LOCKED
    message = second.stderr.decode()
    assert f"another worker (pid {os.getpid()}) already delivers from" in message
    assert "only one worker may run on a SQLite database" in message


def test_readiness_says_when_deliveries_are_stalled(api: TestClient, world: World) -> None:
    sub = subscribe(api, world.admin, world.org, "http://127.0.0.1:9/hook", ["draft.updated"])
    emit(world.org, "draft-stalled", 1)
    stall = get_settings().worker_stall_seconds
    with transaction() as session:
        session.exec(delete(WorkerHeartbeat))
        delivery = session.exec(
            select(WebhookDelivery).where(WebhookDelivery.subscription_id == sub["id"])
        ).one()
        delivery.next_attempt_at = utcnow() - timedelta(seconds=stall + 30)
        session.add(delivery)
    try:
        stalled = api.get("/readyz")
        assert stalled.status_code == 503
        body = stalled.json()
        assert body["status"] == "deliveries_stalled"
        assert body["deliveries"]["stalled"] is True
        assert body["deliveries"]["oldest_due_seconds"] >= stall + 30
        assert body["deliveries"]["worker_heartbeat_seconds"] is None
        with transaction() as session:
            session.add(WorkerHeartbeat(worker_id="alive", pid=1, beat_at=utcnow()))
        busy = api.get("/readyz")  # overdue, but a worker is alive: busy, not stalled
        assert busy.status_code == 200
        assert busy.json()["deliveries"]["stalled"] is False
    finally:
        with transaction() as session:
            session.exec(delete(WorkerHeartbeat))
            delivery.status = DeliveryStatus.delivered
            session.add(session.merge(delivery))
