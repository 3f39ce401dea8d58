"""An app and a worker that may call 127.0.0.1, fast retries, and a clean queue per test."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import update

from app.core.config import Settings, get_settings
from app.core.db import transaction
from app.integrations.models import CaseSystemEndpoint, WebhookSubscription
from app.integrations.worker import Worker
from app.main import create_app
from tests.integrations.receiver import Receiver

FAST = {
    "webhook_allow_private_targets": True,
    "webhook_backoff_base_seconds": 0.05,
    "webhook_backoff_cap_seconds": 0.3,
    "webhook_max_attempts": 100,
    "webhook_timeout_seconds": 2.0,
    "webhook_lease_seconds": 6.0,
}


@pytest.fixture(scope="session")
def private_settings() -> Settings:
    return get_settings().model_copy(update=FAST)


@pytest.fixture(scope="session")
def private_app(database: str, private_settings: Settings) -> FastAPI:
    return create_app(private_settings)


@pytest.fixture
def api(private_app: FastAPI) -> Iterator[TestClient]:
    with TestClient(private_app, raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture(autouse=True)
def _quiet_queue() -> Iterator[None]:
    """Deliveries of earlier tests (to receivers long gone) must not reach this one's worker."""
    yield
    with transaction() as session:
        session.execute(update(WebhookSubscription).values(is_active=False))
        session.execute(update(CaseSystemEndpoint).values(is_active=False))


@pytest.fixture
def worker(private_settings: Settings) -> Iterator[Worker]:
    made = Worker(private_settings, worker_id="test-worker", batch=50)
    yield made
    made.close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    made = Receiver().start()
    yield made
    made.stop()


def run_until(worker: Worker, done: Callable[[], bool], timeout: float = 20.0) -> None:
    """Run worker rounds until `done()` (fails the test after `timeout` seconds)."""
    deadline = time.monotonic() + timeout
    while not done():
        assert time.monotonic() < deadline, "deliveries did not finish in time"
        if worker.run_once() == 0:
            time.sleep(0.02)
