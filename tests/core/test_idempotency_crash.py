"""kill -9 during an idempotent POST: a retry replays what committed, or runs what did not."""

from __future__ import annotations

import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from tests.factories import World
from tests.live import free_port

ROOT = Path(__file__).resolve().parents[2]


def _start(moment: str) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.core.crash_server", moment, str(port)], cwd=ROOT
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return process, url
        except httpx.HTTPError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("the crashing server did not start")


@pytest.fixture
def crashing() -> Iterator[list[subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=30)


def _draft(title: str) -> dict[str, object]:
    return {"title": title, "proposal": "Lautakunta päättää.", "alternatives": []}


def _count(client: TestClient, world: World, title: str) -> int:
    found = client.get("/api/v1/drafts", params={"q": title}, headers=world.preparer.headers)
    assert found.status_code == 200
    return sum(d["title"] == title for d in found.json()["items"])


def _post_and_crash(
    crashing: list[subprocess.Popen[bytes]],
    moment: str,
    body: dict[str, object],
    headers: dict[str, str],
) -> None:
    process, url = _start(moment)
    crashing.append(process)
    with pytest.raises(httpx.TransportError):
        httpx.post(f"{url}/api/v1/drafts", json=body, headers=headers, timeout=60)
    assert process.wait(timeout=30) == -9


def test_killed_after_commit_the_retry_replays_and_creates_nothing_more(
    client: TestClient, world: World, crashing: list[subprocess.Popen[bytes]]
) -> None:
    title = f"Crash after commit {uuid.uuid4().hex}"
    headers = world.preparer.headers | {"Idempotency-Key": uuid.uuid4().hex}
    _post_and_crash(crashing, "after-commit", _draft(title), headers)
    assert _count(client, world, title) == 1  # the work committed
    retry = client.post("/api/v1/drafts", json=_draft(title), headers=headers)
    assert retry.status_code == 201, retry.text
    assert retry.headers["idempotent-replayed"] == "true"
    assert retry.json()["title"] == title
    assert _count(client, world, title) == 1


def test_killed_before_commit_the_retry_runs_once(
    client: TestClient, world: World, crashing: list[subprocess.Popen[bytes]]
) -> None:
    title = f"Crash before commit {uuid.uuid4().hex}"
    headers = world.preparer.headers | {"Idempotency-Key": uuid.uuid4().hex}
    _post_and_crash(crashing, "before-commit", _draft(title), headers)
    assert _count(client, world, title) == 0  # nothing committed, the key is not spent
    retry = client.post("/api/v1/drafts", json=_draft(title), headers=headers)
    assert retry.status_code == 201, retry.text
    assert "idempotent-replayed" not in retry.headers
    again = client.post("/api/v1/drafts", json=_draft(title), headers=headers)
    assert again.headers["idempotent-replayed"] == "true"
    assert again.content == retry.content
    assert _count(client, world, title) == 1
