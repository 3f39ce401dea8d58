"""Webhook subscriptions API: CRUD, secrets, If-Match, SSRF rules, idempotency, access."""

from __future__ import annotations

import uuid

import pytest
from fastapi.testclient import TestClient

from tests.factories import World
from tests.integrations.helpers import subscribe

URL = "http://127.0.0.1:9/hook"


def _base(world: World) -> str:
    return f"/api/v1/organisations/{world.org}/webhooks"


def test_create_shows_the_secret_once_and_lists_without_it(api: TestClient, world: World) -> None:
    created = subscribe(api, world.admin, world.org, URL, ["draft.created"])
    assert created["secret"].startswith("whsec_")
    assert created["events"] == ["draft.created"]
    listed = api.get(_base(world), headers=world.admin.headers).json()
    assert [w["id"] for w in listed] == [created["id"]]
    assert "secret" not in listed[0]
    one = api.get(f"{_base(world)}/{created['id']}", headers=world.system.headers)
    assert one.status_code == 200
    assert one.headers["etag"] == '"v1"'
    assert "secret" not in one.json()


def test_update_needs_if_match_and_delete_removes(api: TestClient, world: World) -> None:
    created = subscribe(api, world.admin, world.org, URL)
    url = f"{_base(world)}/{created['id']}"
    body = {"events": ["draft.approved"], "is_active": False}
    assert api.patch(url, json=body, headers=world.admin.headers).status_code == 428
    updated = api.patch(url, json=body, headers=world.admin.headers | {"If-Match": '"v1"'})
    assert updated.status_code == 200, updated.text
    assert updated.json()["events"] == ["draft.approved"]
    assert updated.json()["is_active"] is False
    stale = api.patch(url, json=body, headers=world.admin.headers | {"If-Match": '"v1"'})
    assert stale.status_code == 412
    assert api.delete(url, headers=world.admin.headers | {"If-Match": '"v1"'}).status_code == 412
    assert api.delete(url, headers=world.admin.headers | {"If-Match": '"v2"'}).status_code == 204
    assert api.get(url, headers=world.admin.headers).status_code == 404


def test_rotate_secret_issues_a_new_one(api: TestClient, world: World) -> None:
    created = subscribe(api, world.admin, world.org, URL)
    rotated = api.post(f"{_base(world)}/{created['id']}/rotate-secret", headers=world.admin.headers)
    assert rotated.status_code == 200
    assert rotated.json()["secret"] not in ("", created["secret"])
    assert rotated.json()["version"] == 2


@pytest.mark.parametrize(
    ("url", "allowed_app"),
    [
        ("http://127.0.0.1:8000/hook", False),
        ("http://localhost/hook", False),
        ("http://169.254.169.254/latest/meta-data", False),
        ("http://10.0.0.8/hook", False),
        ("http://[::1]/hook", False),
        ("ftp://example.com/hook", True),
        ("file:///etc/passwd", True),
        ("http://user:pw@127.0.0.1/hook", True),
        ("http://no-such-host.invalid/hook", True),
    ],
)
def test_unsafe_urls_are_refused(
    client: TestClient, api: TestClient, world: World, url: str, allowed_app: bool
) -> None:
    # `client` refuses private targets (the default); `api` allows them, but never the rest.
    caller = api if allowed_app else client
    response = caller.post(
        _base(world), json={"url": url, "events": ["draft.created"]}, headers=world.admin.headers
    )
    assert response.status_code == 422, response.text
    assert response.json()["error"]["code"] in ("url_refused", "validation_error")


def test_unknown_event_type_is_422(api: TestClient, world: World) -> None:
    response = api.post(
        _base(world), json={"url": URL, "events": ["draft.exploded"]}, headers=world.admin.headers
    )
    assert response.status_code == 422


def test_idempotent_create_replays_and_refuses_a_different_body(
    api: TestClient, world: World
) -> None:
    headers = world.admin.headers | {"Idempotency-Key": uuid.uuid4().hex}
    body = {"url": URL, "events": ["draft.created"]}
    first = api.post(_base(world), json=body, headers=headers)
    again = api.post(_base(world), json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    assert len(api.get(_base(world), headers=world.admin.headers).json()) == 1
    other = api.post(_base(world), json=body | {"description": "x"}, headers=headers)
    assert other.status_code == 422
    assert other.json()["error"]["code"] == "idempotency_key_reused"
