"""Admin API for organisations, users, memberships and API clients: roles and tenants."""

from __future__ import annotations

import uuid

import pytest
from fastapi.testclient import TestClient

from tests.factories import World, mint


def test_operator_creates_organisation_others_are_forbidden(
    client: TestClient, world: World
) -> None:
    body = {
        "slug": f"uusi-{uuid.uuid4().hex[:8]}",
        "name": "Uusi kunta",
        "kind": "municipality",
        "languages": ["sv", "fi"],
        "parent_id": world.region,
    }
    assert client.post("/api/v1/organisations", json=body).status_code == 401
    assert (
        client.post("/api/v1/organisations", json=body, headers=world.admin.headers).status_code
        == 403
    )
    operator = {"Authorization": f"Bearer {_operator_token(client, world)}"}
    response = client.post("/api/v1/organisations", json=body, headers=operator)
    assert response.status_code == 201, response.text
    assert response.json()["languages"] == ["fi", "sv"]
    assert response.headers["etag"] == '"v1"'
    duplicate = client.post("/api/v1/organisations", json=body, headers=operator)
    assert duplicate.status_code == 409


def _operator_token(client: TestClient, world: World) -> str:
    from app.auth.principal import SYSTEM
    from app.core.db import transaction
    from app.organisations import service
    from app.organisations.models import Role
    from app.organisations.schemas import UserCreate

    with transaction() as session:
        user = service.create_user(
            session,
            principal=SYSTEM,
            data=UserCreate(
                email=f"op-{uuid.uuid4().hex[:8]}@test.ennakko.fi",
                full_name="Operator",
                organisation_id=world.region,
                roles=[Role.admin],
            ),
        )
        user.is_superuser = True
    return mint(client.app, f"user:{user.id}")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "body",
    [
        {"slug": "Bad Slug", "name": "x", "kind": "municipality"},
        {"slug": "ok-slug", "name": "x", "kind": "planet"},
        {"slug": "ok-slug", "name": "x", "kind": "municipality", "languages": ["en"]},
        {"slug": "ok-slug", "name": "x", "kind": "municipality", "languages": ["fi", "fi"]},
        {"slug": "ok-slug", "name": "", "kind": "municipality"},
        {"slug": "ok-slug", "name": "x", "kind": "municipality", "unexpected": 1},
    ],
)
def test_bad_organisation_payload_is_422(
    client: TestClient, world: World, body: dict[str, object]
) -> None:
    # only a platform operator may create organisations: anyone else is refused before parsing
    refused = client.post("/api/v1/organisations", json=body, headers=world.admin.headers)
    assert refused.status_code == 403
    operator = {"Authorization": f"Bearer {_operator_token(client, world)}"}
    response = client.post("/api/v1/organisations", json=body, headers=operator)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "validation_error"
    assert response.json()["error"]["details"]


def test_get_organisation_is_tenant_scoped(client: TestClient, world: World) -> None:
    url = f"/api/v1/organisations/{world.org}"
    assert client.get(url).status_code == 401
    assert client.get(url, headers=world.preparer.headers).status_code == 200
    other = client.get(url, headers=world.other_admin.headers)
    assert other.status_code == 404
    missing = client.get("/api/v1/organisations/does-not-exist", headers=world.preparer.headers)
    assert missing.json() == other.json(), "no difference between hidden and missing"
    listed = client.get("/api/v1/organisations", headers=world.preparer.headers).json()
    assert [o["id"] for o in listed] == [world.org]


def test_update_organisation_needs_admin_and_if_match(client: TestClient, world: World) -> None:
    url = f"/api/v1/organisations/{world.org}"
    change = {"records_settings": {"publicity_class": "partly_secret", "retention_years": 10}}
    assert client.patch(url, json=change, headers=world.admin.headers).status_code == 428
    assert (
        client.patch(
            url, json=change, headers=world.preparer.headers | {"If-Match": '"v1"'}
        ).status_code
        == 403
    )
    assert (
        client.patch(
            url, json=change, headers=world.other_admin.headers | {"If-Match": '"v1"'}
        ).status_code
        == 404
    )
    ok = client.patch(url, json=change, headers=world.admin.headers | {"If-Match": '"v1"'})
    assert ok.status_code == 200, ok.text
    assert ok.headers["etag"] == '"v2"'
    assert ok.json()["records_settings"]["publicity_class"] == "partly_secret"
    stale = client.patch(
        url, json={"name": "Lost update"}, headers=world.admin.headers | {"If-Match": '"v1"'}
    )
    assert stale.status_code == 412
    assert stale.json()["error"]["details"]["current_version"] == 2
    assert client.get(url, headers=world.admin.headers).json()["name"] != "Lost update"
    bad = client.patch(
        url, json={"languages": ["en"]}, headers=world.admin.headers | {"If-Match": '"v2"'}
    )
    assert bad.status_code == 422


def test_region_cycle_is_refused(client: TestClient, world: World) -> None:
    token = {"Authorization": f"Bearer {_operator_token(client, world)}"}
    response = client.patch(
        f"/api/v1/organisations/{world.region}",
        json={"parent_id": world.org},
        headers=token | {"If-Match": '"v1"'},
    )
    assert response.status_code == 422


def test_admin_creates_user_and_manages_memberships(client: TestClient, world: World) -> None:
    body = {
        "email": f"new-{uuid.uuid4().hex[:6]}@test.ennakko.fi",
        "full_name": "Uusi Käyttäjä",
        "organisation_id": world.org,
        "roles": ["preparer"],
    }
    assert client.post("/api/v1/users", json=body).status_code == 401
    assert (
        client.post("/api/v1/users", json=body, headers=world.preparer.headers).status_code == 403
    )
    assert (
        client.post("/api/v1/users", json=body, headers=world.other_admin.headers).status_code
        == 404
    )
    assert (
        client.post(
            "/api/v1/users", json=body | {"email": "not-an-email"}, headers=world.admin.headers
        ).status_code
        == 422
    )
    created = client.post("/api/v1/users", json=body, headers=world.admin.headers)
    assert created.status_code == 201, created.text
    user_id = created.json()["id"]
    assert client.post("/api/v1/users", json=body, headers=world.admin.headers).status_code == 409

    url = f"/api/v1/organisations/{world.org}/memberships"
    grant = client.post(
        url, json={"user_id": user_id, "role": "expert"}, headers=world.admin.headers
    )
    assert grant.status_code == 201
    assert (
        client.post(
            url, json={"user_id": user_id, "role": "expert"}, headers=world.admin.headers
        ).status_code
        == 409
    )
    assert (
        client.post(
            url, json={"user_id": user_id, "role": "king"}, headers=world.admin.headers
        ).status_code
        == 422
    )
    assert (
        client.post(
            url, json={"user_id": user_id, "role": "expert"}, headers=world.secretary.headers
        ).status_code
        == 403
    )
    roles = sorted(
        m["role"]
        for m in client.get(f"/api/v1/users/{user_id}", headers=world.admin.headers).json()[
            "memberships"
        ]
    )
    assert roles == ["expert", "preparer"]
    assert (
        client.get(f"/api/v1/users/{user_id}", headers=world.other_admin.headers).status_code == 404
    )
    removed = client.delete(f"{url}/{grant.json()['id']}", headers=world.admin.headers)
    assert removed.status_code == 204
    users = client.get(
        f"/api/v1/organisations/{world.org}/users", headers=world.admin.headers
    ).json()
    assert any(
        u["id"] == user_id and [m["role"] for m in u["memberships"]] == ["preparer"] for u in users
    )


def test_last_admin_cannot_be_removed(client: TestClient, world: World) -> None:
    users = client.get(
        f"/api/v1/organisations/{world.org}/users", headers=world.admin.headers
    ).json()
    [admin_membership] = [m for u in users for m in u["memberships"] if m["role"] == "admin"]
    response = client.delete(
        f"/api/v1/organisations/{world.org}/memberships/{admin_membership['id']}",
        headers=world.admin.headers,
    )
    assert response.status_code == 409


def test_api_client_lifecycle(client: TestClient, world: World) -> None:
    url = f"/api/v1/organisations/{world.org}/clients"
    body = {"client_id": f"ahjo-{uuid.uuid4().hex[:6]}", "name": "Ahjo", "scopes": ["drafts:read"]}
    assert client.post(url, json=body, headers=world.preparer.headers).status_code == 403
    assert (
        client.post(url, json=body | {"scopes": ["root"]}, headers=world.admin.headers).status_code
        == 422
    )
    created = client.post(url, json=body, headers=world.admin.headers)
    assert created.status_code == 201
    secret = created.json()["client_secret"]
    assert len(secret) >= 32
    login_id = created.json()["client_id"]
    listed = client.get(url, headers=world.admin.headers).json()
    assert login_id in [c["client_id"] for c in listed]
    assert all("client_secret" not in c for c in listed)
    assert client.get(url, headers=world.other_admin.headers).status_code == 404
    form = {
        "grant_type": "client_credentials",
        "client_id": login_id,
        "client_secret": secret,
    }
    assert client.post("/api/v1/auth/token", data=form).status_code == 200
    rotated = client.post(
        f"{url}/{created.json()['id']}/rotate-secret", headers=world.admin.headers
    )
    assert rotated.status_code == 200
    assert client.post("/api/v1/auth/token", data=form).status_code == 401
    form["client_secret"] = rotated.json()["client_secret"]
    assert client.post("/api/v1/auth/token", data=form).status_code == 200


def test_client_ids_are_per_organisation_and_reveal_nothing_across_tenants(
    client: TestClient, world: World
) -> None:
    """The same requested id in two organisations: both registered, each logs in as its own."""
    requested = f"ahjo-{uuid.uuid4().hex[:6]}"
    body = {"client_id": requested, "name": "Ahjo", "scopes": ["drafts:read"]}
    ours = client.post(
        f"/api/v1/organisations/{world.org}/clients", json=body, headers=world.admin.headers
    )
    theirs = client.post(
        f"/api/v1/organisations/{world.other}/clients", json=body, headers=world.other_admin.headers
    )
    assert ours.status_code == theirs.status_code == 201, theirs.text
    slugs = {
        org: client.get(f"/api/v1/organisations/{org}", headers=person.headers).json()["slug"]
        for org, person in ((world.org, world.admin), (world.other, world.other_admin))
    }
    assert ours.json()["client_id"] == f"{slugs[world.org]}.{requested}"
    assert theirs.json()["client_id"] == f"{slugs[world.other]}.{requested}"
    for created in (ours, theirs):
        form = {
            "grant_type": "client_credentials",
            "client_id": created.json()["client_id"],
            "client_secret": created.json()["client_secret"],
        }
        token = client.post("/api/v1/auth/token", data=form)
        assert token.status_code == 200, token.text
    # Within one organisation a repeat is a conflict (about the organisation's own data), and
    # an id given with the organisation's own prefix is the same id.
    again = client.post(
        f"/api/v1/organisations/{world.org}/clients",
        json=body | {"client_id": f"{slugs[world.org]}.{requested}"},
        headers=world.admin.headers,
    )
    assert again.status_code == 409
