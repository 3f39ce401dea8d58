"""The matrix and summary reads resolve the caller with the draft in one query: the same 401,
403 and 404 answers as every other route, also when the body is cached or the answer a 304."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.factories import World
from tests.flows import screened_assessment


def _reads(client: TestClient, draft_id: str, token: str, etag: str) -> list[int]:
    auth = {"Authorization": f"Bearer {token}"}
    path = f"/api/v1/drafts/{draft_id}/assessment"
    return [
        client.get(path, headers=auth).status_code,
        client.get(path, headers=auth | {"If-None-Match": etag}).status_code,
        client.get(path, headers=auth | {"Accept-Encoding": "gzip"}).status_code,
        client.get(path + "/summary", headers=auth).status_code,
    ]


def _draft(client: TestClient, world: World) -> tuple[str, str]:
    draft, _ = screened_assessment(client, world.preparer)
    path = f"/api/v1/drafts/{draft['id']}/assessment"
    etag = client.get(path, headers=world.preparer.headers).headers["ETag"]
    return draft["id"], etag


def test_an_ended_session_is_refused_however_warm_the_caches(
    client: TestClient, world: World
) -> None:
    draft_id, etag = _draft(client, world)
    token = world.token(f"user:{world.expert.id}")
    assert _reads(client, draft_id, token, etag) == [200, 304, 200, 200]
    auth = {"Authorization": f"Bearer {token}"}
    assert client.post("/api/v1/auth/logout", headers=auth).status_code == 204
    assert _reads(client, draft_id, token, etag) == [401] * 4
    me = client.get("/api/v1/me", headers=auth)
    assert me.status_code == 401


def test_another_organisation_sees_no_draft(client: TestClient, world: World) -> None:
    draft_id, etag = _draft(client, world)
    token = world.token(f"user:{world.other_preparer.id}")
    assert _reads(client, draft_id, token, etag) == [404] * 4


def test_a_missing_draft_and_a_bad_token(client: TestClient, world: World) -> None:
    draft_id, etag = _draft(client, world)
    token = world.token(f"user:{world.expert.id}")
    assert _reads(client, "no-such-draft", token, etag) == [404] * 4
    assert _reads(client, draft_id, token + "x", etag) == [401] * 4
    path = f"/api/v1/drafts/{draft_id}/assessment"
    assert client.get(path).status_code == 401
    assert client.get(path + "/summary", headers={"Authorization": "Basic eDp5"}).status_code == 401


def test_an_api_client_needs_the_read_scope(client: TestClient, world: World) -> None:
    draft_id, etag = _draft(client, world)
    subject = f"client:{world.system.id}"
    reader = world.token(subject, scope="drafts:read")
    assert _reads(client, draft_id, reader, etag) == [200, 304, 200, 200]
    writer_only = world.token(subject, scope="annexes:read")
    assert _reads(client, draft_id, writer_only, etag) == [403] * 4


def test_me_names_the_person_and_their_roles(client: TestClient, world: World) -> None:
    me = client.get("/api/v1/me", headers=world.expert.headers)
    assert me.status_code == 200
    body = me.json()
    assert (body["kind"], body["id"], body["email"]) == (
        "user",
        world.expert.id,
        world.expert.email,
    )
    assert [o["organisation_id"] for o in body["organisations"]] == [world.org]
    assert body["organisations"][0]["roles"] == ["expert"]
