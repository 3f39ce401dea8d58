"""Idempotency-Key: replay, mismatch, byte-exact replays, and the key's outcome committed with
the work (immediate retries, concurrent duplicates)."""

from __future__ import annotations

import gzip
import hashlib
import json
import threading
import uuid
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.responses import Response
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select
from starlette.types import Message, Receive, Scope, Send

from app.auth.service import verify_bearer
from app.core import idempotency
from app.core.db import get_engine, utcnow
from app.core.idempotency import CapturingRoute, IdempotencyClaim
from app.core.idempotency_models import IdempotencyRecord
from app.drafts import service as drafts_service
from app.main import API_ROUTERS
from tests.factories import World, mint


def _user_body(world: World) -> dict[str, object]:
    return {
        "email": f"idem-{uuid.uuid4().hex[:8]}@test.ennakko.fi",
        "full_name": "Idem",
        "organisation_id": world.org,
        "roles": ["preparer"],
    }


def _draft_body(marker: str) -> dict[str, object]:
    # A proposal long enough that the answer is compressed (GZip's threshold is 2 kB).
    return {
        "title": f"Idempotency {marker}",
        "proposal": "Lautakunta päättää uudistaa koulukuljetukset. " * 80,
        "alternatives": [{"key": "reform", "name": "Uudistus"}],
    }


def _titles(client: TestClient, world: World, title: str) -> int:
    found = client.get("/api/v1/drafts", params={"q": title}, headers=world.preparer.headers)
    assert found.status_code == 200
    return sum(d["title"] == title for d in found.json()["items"])


def test_same_key_same_body_replays_the_first_response(client: TestClient, world: World) -> None:
    body = _user_body(world)
    headers = world.admin.headers | {"Idempotency-Key": uuid.uuid4().hex}
    first = client.post("/api/v1/users", json=body, headers=headers)
    second = client.post("/api/v1/users", json=body, headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert second.headers["idempotent-replayed"] == "true"
    users = client.get(
        f"/api/v1/organisations/{world.org}/users", headers=world.admin.headers
    ).json()
    assert [u["email"] for u in users].count(body["email"]) == 1


def test_same_key_different_body_is_422(client: TestClient, world: World) -> None:
    headers = world.admin.headers | {"Idempotency-Key": uuid.uuid4().hex}
    assert client.post("/api/v1/users", json=_user_body(world), headers=headers).status_code == 201
    response = client.post("/api/v1/users", json=_user_body(world), headers=headers)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "idempotency_key_reused"


def test_keys_are_per_caller(client: TestClient, world: World) -> None:
    key = uuid.uuid4().hex
    first = client.post(
        "/api/v1/users",
        json=_user_body(world),
        headers=world.admin.headers | {"Idempotency-Key": key},
    )
    assert first.status_code == 201
    other = client.post(
        f"/api/v1/organisations/{world.other}/clients",
        json={"client_id": f"c-{key[:8]}", "name": "x", "scopes": ["drafts:read"]},
        headers=world.other_admin.headers | {"Idempotency-Key": key},
    )
    assert other.status_code == 201


def test_a_refused_request_spends_no_key(client: TestClient, world: World) -> None:
    """An error commits nothing, so the same key runs again once the cause is gone."""
    body = _user_body(world)
    key = uuid.uuid4().hex
    refused = client.post(
        "/api/v1/users", json=body, headers=world.preparer.headers | {"Idempotency-Key": key}
    )
    assert refused.status_code == 403
    again = client.post(
        "/api/v1/users", json=body, headers=world.preparer.headers | {"Idempotency-Key": key}
    )
    assert again.status_code == 403
    assert "idempotent-replayed" not in again.headers


@pytest.mark.parametrize(
    ("first_encoding", "retry_encoding"),
    [("gzip", "identity"), ("identity", "gzip"), ("gzip", "gzip")],
)
def test_replay_is_byte_exact_whatever_each_request_accepts(
    client: TestClient, world: World, first_encoding: str, retry_encoding: str
) -> None:
    body = _draft_body(uuid.uuid4().hex)
    key = {"Idempotency-Key": uuid.uuid4().hex}
    first = client.post(
        "/api/v1/drafts",
        json=body,
        headers=world.preparer.headers | key | {"Accept-Encoding": first_encoding},
    )
    retry = client.post(
        "/api/v1/drafts",
        json=body,
        headers=world.preparer.headers | key | {"Accept-Encoding": retry_encoding},
    )
    assert first.status_code == retry.status_code == 201
    assert len(first.content) > 2048
    assert retry.headers["idempotent-replayed"] == "true"
    # httpx decodes what is marked as compressed; an unmarked gzip body would stay 1f 8b ….
    assert retry.content == first.content
    assert not retry.content.startswith(b"\x1f\x8b")
    assert retry.headers.get("content-encoding") == ("gzip" if retry_encoding == "gzip" else None)
    assert retry.headers["content-type"] == first.headers["content-type"]
    assert retry.headers["etag"] == first.headers["etag"]
    assert retry.headers["location"] == first.headers["location"]
    assert _titles(client, world, str(body["title"])) == 1


def test_the_stored_response_is_the_uncompressed_one(client: TestClient, world: World) -> None:
    body = _draft_body(uuid.uuid4().hex)
    key = uuid.uuid4().hex
    first = client.post(
        "/api/v1/drafts",
        json=body,
        headers=world.preparer.headers | {"Idempotency-Key": key, "Accept-Encoding": "gzip"},
    )
    assert first.headers["content-encoding"] == "gzip"
    with Session(get_engine()) as session:
        record = session.exec(
            select(IdempotencyRecord).where(col(IdempotencyRecord.key) == key)
        ).one()
    assert record.completed
    assert record.response_body == first.content
    assert gzip.compress(b"") != record.response_body
    assert "content-encoding" not in {k.lower() for k in record.response_headers}


def _spy_retrying_on_start(app: FastAPI, retry: dict[str, Any]) -> Any:
    """An ASGI wrapper that, when the first answer starts leaving, sends the retry."""

    async def wrapper(scope: Scope, receive: Receive, send: Send) -> None:
        async def spy(message: Message) -> None:
            if message["type"] == "http.response.start" and "response" not in retry:
                retry["response"] = b""  # only the first answer triggers a retry
                transport = httpx.ASGITransport(app=app)
                async with httpx.AsyncClient(transport=transport, base_url="http://t") as inner:
                    retry["response"] = await inner.post(
                        retry["path"], json=retry["json"], headers=retry["headers"]
                    )
            await send(message)

        await app(scope, receive, spy)

    return wrapper


def test_a_retry_as_the_first_answer_leaves_replays_never_409(app: FastAPI, world: World) -> None:
    """The key is complete before any byte of the first answer is sent."""
    body = _user_body(world)
    headers = world.admin.headers | {"Idempotency-Key": uuid.uuid4().hex}
    retry: dict[str, Any] = {"path": "/api/v1/users", "json": body, "headers": headers}
    with TestClient(_spy_retrying_on_start(app, retry), raise_server_exceptions=False) as spied:
        first = spied.post("/api/v1/users", json=body, headers=headers)
    assert first.status_code == 201
    second = retry["response"]
    assert isinstance(second, httpx.Response)
    assert second.status_code == 201, second.text
    assert second.headers["idempotent-replayed"] == "true"
    assert second.content == first.content


def test_a_concurrent_duplicate_waits_and_replays(
    client: TestClient, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A duplicate sent while the first still runs gets the first's answer, and one draft."""
    inside, release = threading.Event(), threading.Event()
    original = drafts_service.create

    def slow_create(*args: Any, **kwargs: Any) -> Any:
        created = original(*args, **kwargs)
        if not inside.is_set():
            inside.set()
            release.wait(timeout=30)
        return created

    monkeypatch.setattr(drafts_service, "create", slow_create)
    body = _draft_body(uuid.uuid4().hex)
    headers = world.preparer.headers | {"Idempotency-Key": uuid.uuid4().hex}
    answers: dict[str, httpx.Response] = {}

    def send(name: str) -> None:
        answers[name] = client.post("/api/v1/drafts", json=body, headers=headers)

    first = threading.Thread(target=send, args=("first",))
    first.start()
    assert inside.wait(timeout=30)
    duplicate = threading.Thread(target=send, args=("duplicate",))
    duplicate.start()
    release.set()
    first.join(timeout=60)
    duplicate.join(timeout=60)
    assert answers["first"].status_code == 201, answers["first"].text
    assert answers["duplicate"].status_code == 201, answers["duplicate"].text
    assert answers["duplicate"].content == answers["first"].content
    assert _titles(client, world, str(body["title"])) == 1


def test_every_api_route_hands_its_response_to_the_claim() -> None:
    """A POST whose response the claim cannot see would commit its work without its outcome."""
    posts = [
        route
        for router in API_ROUTERS
        for route in router.routes
        if isinstance(route, APIRoute) and "POST" in route.methods
    ]
    assert len(posts) > 20
    assert [r.path for r in posts if not isinstance(r, CapturingRoute)] == []


def _hold_claim(client: TestClient, world: World, raw: bytes, key: str) -> IdempotencyClaim:
    path = "/api/v1/users"
    claims = verify_bearer(client.app.state.security, world.admin.token)  # type: ignore[attr-defined]
    principal = json.dumps([claims["iss"], claims["sub"]])
    return IdempotencyClaim(
        principal=principal,
        key=key,
        method="POST",
        path=path,
        body_hash=hashlib.sha256(b"POST" + path.encode() + b"\0" + raw).hexdigest(),
        ttl=timedelta(hours=24),
    )


@pytest.mark.skipif(
    get_engine().dialect.name == "sqlite", reason="SQLite writers take turns at the writer gate"
)
def test_a_duplicate_that_waits_too_long_is_409_and_runs_once_the_holder_is_gone(
    client: TestClient, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(idempotency, "CLAIM_WAIT", timedelta(milliseconds=300))
    raw = json.dumps(_user_body(world)).encode()
    key = uuid.uuid4().hex
    headers = world.admin.headers | {"Idempotency-Key": key, "Content-Type": "application/json"}
    with Session(get_engine()) as holder:
        _hold_claim(client, world, raw, key).begin(holder)  # a first request, still running
        waited = client.post("/api/v1/users", content=raw, headers=headers)
        holder.rollback()  # ... whose work never commits (its process died)
    assert waited.status_code == 409
    assert waited.json()["error"]["code"] == "idempotency_in_flight"
    assert client.post("/api/v1/users", content=raw, headers=headers).status_code == 201


@pytest.mark.parametrize(("age", "status"), [(timedelta(0), 409), (timedelta(days=2), 201)])
def test_a_claim_left_incomplete_by_an_older_release_is_never_re_run_before_it_expires(
    client: TestClient, world: World, age: timedelta, status: int
) -> None:
    raw = json.dumps(_user_body(world)).encode()
    key = uuid.uuid4().hex
    claim = _hold_claim(client, world, raw, key)
    with Session(get_engine()) as session:
        session.add(
            IdempotencyRecord(
                principal=claim.principal,
                key=key,
                method="POST",
                path=claim.path,
                request_hash=claim.body_hash,
                created_at=utcnow() - age,
                expires_at=utcnow() - age + timedelta(hours=24),
            )
        )
        session.commit()
    headers = world.admin.headers | {"Idempotency-Key": key, "Content-Type": "application/json"}
    response = client.post("/api/v1/users", content=raw, headers=headers)
    assert response.status_code == status, response.text
    if status == 409:
        assert response.json()["error"]["code"] == "idempotency_outcome_unknown"


def test_a_403_for_a_missing_scope_is_not_replayed_once_the_scope_is_granted(
    client: TestClient, world: World
) -> None:
    """Only the answer of work that ran is stored: the same key runs once the scope is there."""
    body = _draft_body(uuid.uuid4().hex[:8])
    key = uuid.uuid4().hex
    subject = f"client:{world.system.id}"
    reader = {"Authorization": f"Bearer {mint(client.app, subject, scope='drafts:read', gen=0)}"}
    writer = {"Authorization": f"Bearer {mint(client.app, subject, scope='drafts:write', gen=0)}"}
    refused = client.post("/api/v1/drafts", json=body, headers=reader | {"Idempotency-Key": key})
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "insufficient_scope"
    created = client.post("/api/v1/drafts", json=body, headers=writer | {"Idempotency-Key": key})
    assert created.status_code == 201, created.text
    assert "idempotent-replayed" not in created.headers
    replayed = client.post("/api/v1/drafts", json=body, headers=writer | {"Idempotency-Key": key})
    assert replayed.headers["idempotent-replayed"] == "true"
    assert replayed.json() == created.json()
    assert _titles(client, world, str(body["title"])) == 1


def test_an_answered_refusal_is_not_stored_either(client: TestClient, world: World) -> None:
    """A route that answers an error instead of raising it spends no key: it is asked again."""
    key = uuid.uuid4().hex
    claim = _hold_claim(client, world, b"{}", key)
    with Session(get_engine()) as session:
        claim.begin(session)
        claim.capture(Response(b'{"error": {"code": "insufficient_scope"}}', status_code=403))
        claim.before_commit(session)
        session.commit()
    with Session(get_engine()) as session:
        stored = session.exec(
            select(IdempotencyRecord).where(col(IdempotencyRecord.key) == key)
        ).first()
    assert stored is None
