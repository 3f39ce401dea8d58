"""Ahjo-style record push: endpoint settings, the push, the fake case system and its callback."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import col, select

from app.core.config import get_settings
from app.core.db import transaction
from app.integrations import record_push
from app.integrations.models import RecordPush
from app.integrations.worker import Worker
from tests.factories import World
from tests.integrations.conftest import run_until
from tests.integrations.receiver import Receiver
from tests.live import LiveServer, start_server
from tests.reviews.helpers import issued


@pytest.fixture(scope="module")
def private_server(private_app: FastAPI) -> Iterator[LiveServer]:
    server = start_server(private_app)
    yield server
    server.stop()


def _configure(api: TestClient, world: World, url: str) -> dict[str, Any]:
    response = api.put(
        f"/api/v1/organisations/{world.org}/case-system",
        json={"url": url, "auth_token": "ahjo-token"},
        headers=world.admin.headers,
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


def _push_status(api: TestClient, world: World, push_id: str) -> dict[str, Any]:
    response = api.get(f"/api/v1/record-pushes/{push_id}", headers=world.system.headers)
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_endpoint_is_created_once_then_replaced_with_if_match(
    api: TestClient, world: World
) -> None:
    created = _configure(api, world, "http://127.0.0.1:9/records")
    assert created["secret"].startswith("whsec_")
    assert created["has_auth_token"] is True
    url = f"/api/v1/organisations/{world.org}/case-system"
    body = {"url": "http://127.0.0.1:9/v2", "is_active": False}
    assert api.put(url, json=body, headers=world.admin.headers).status_code == 428
    replaced = api.put(url, json=body, headers=world.admin.headers | {"If-Match": '"v1"'})
    assert replaced.status_code == 200, replaced.text
    assert replaced.json()["secret"] is None
    read = api.get(url, headers=world.admin.headers).json()
    assert (read["url"], read["is_active"], read["has_auth_token"]) == (body["url"], False, False)


def test_no_endpoint_means_no_push(world: World) -> None:
    annex = SimpleNamespace(id="a", organisation_id=world.other, files=[])
    with transaction() as session:
        assert record_push.enqueue(session, annex=annex) is None  # type: ignore[arg-type]


def test_issued_annex_is_pushed_fetched_verified_and_acknowledged(
    api: TestClient, world: World, worker: Worker, private_server: LiveServer
) -> None:
    case_system = Receiver().start()
    try:
        endpoint = _configure(api, world, case_system.url)
        case_system.secret = endpoint["secret"]
        with httpx.Client(base_url=private_server.url, timeout=60) as http:
            _, annexes = issued(http, world)  # type: ignore[arg-type]
            annex = annexes[0]
            with transaction() as session:
                pushes = session.exec(select(RecordPush).order_by(col(RecordPush.created_at))).all()
                mine = [p for p in pushes if p.annex_id in {a["id"] for a in annexes}]
            assert len(mine) == len(annexes), "issuing queues one push per annex"
            push = next(p for p in mine if p.annex_id == annex["id"])
            run_until(worker, lambda: len(case_system.requests) == len(annexes))
            case_system.requests.sort(key=lambda r: r.payload["EnnakkoPushId"] != push.id)
            received = case_system.requests[0]
            assert received.headers["authorization"] == "Bearer ahjo-token"
            assert case_system.bad_signatures == 0
            record = received.payload
            assert record["EnnakkoPushId"] == push.id
            assert {d["FormatName"] for d in record["Documents"]} == {"PDF/A-2b", "HTML", "JSON"}
            for document in record["Documents"]:
                assert document["HashAlgorithm"] == "sha256"
                uri = urlsplit(document["FileURI"])
                assert document["FileURI"].startswith(get_settings().public_base_url)
                fetched = http.get(uri.path, headers=world.system.headers)
                assert fetched.status_code == 200
                assert hashlib.sha256(fetched.content).hexdigest() == document["HashValue"]
    finally:
        case_system.stop()
    assert _push_status(api, world, push.id)["status"] == "sent"
    _answer_callback(api, world, push.id)


def _answer_callback(api: TestClient, world: World, push_id: str) -> None:
    url = f"/api/v1/case-system/callbacks/{push_id}"
    answer = {"status": "accepted", "external_record_id": "HEL 2026-000123-7"}
    first = api.post(url, json=answer, headers=world.system.headers)
    assert first.status_code == 200, first.text
    assert first.json()["external_record_id"] == "HEL 2026-000123-7"
    assert api.post(url, json=answer, headers=world.system.headers).status_code == 200
    other = answer | {"external_record_id": "HEL 2026-999"}
    assert api.post(url, json=other, headers=world.system.headers).status_code == 409
    shown = _push_status(api, world, push_id)
    assert (shown["status"], shown["external_record_id"]) == ("acknowledged", "HEL 2026-000123-7")
