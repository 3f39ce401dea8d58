"""Token endpoint: password and client-credentials grants, throttling, /me."""

from __future__ import annotations

import base64
import uuid

from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.auth.principal import SYSTEM
from app.core.db import transaction
from app.organisations import service as org_service
from app.organisations.models import Role
from app.organisations.schemas import UserCreate
from tests.factories import World

PASSWORD = "correct horse battery staple"


def _user_with_password(world: World) -> str:
    email = f"login-{uuid.uuid4().hex[:8]}@test.ennakko.fi"
    with transaction() as session:
        org_service.create_user(
            session,
            principal=SYSTEM,
            data=UserCreate(
                email=email,
                full_name="Login Test",
                password=PASSWORD,
                organisation_id=world.org,
                roles=[Role.preparer, Role.secretary],
            ),
        )
    return email


def test_password_grant_gives_a_working_token(client: TestClient, world: World) -> None:
    email = _user_with_password(world)
    response = client.post(
        "/api/v1/auth/token",
        data={"grant_type": "password", "username": email.upper(), "password": PASSWORD},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 15 * 60
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.status_code == 200
    assert me.json()["email"] == email
    [org] = me.json()["organisations"]
    assert org["organisation_id"] == world.org
    assert org["roles"] == ["preparer", "secretary"]


def test_wrong_password_is_401_and_repeated_failures_slow_that_address_only(
    client: TestClient, world: World, app: FastAPI
) -> None:
    email = _user_with_password(world)
    form = {"grant_type": "password", "username": email, "password": "wrong password!!"}
    for _ in range(5):
        response = client.post("/api/v1/auth/token", data=form)
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "invalid_grant"
    waiting = client.post("/api/v1/auth/token", data=form | {"password": PASSWORD})
    assert waiting.status_code == 429
    assert int(waiting.headers["retry-after"]) > 0
    assert waiting.json()["error"]["code"] == "too_many_requests"
    with TestClient(app, client=("203.0.113.20", 40000)) as elsewhere:
        signed_in = elsewhere.post("/api/v1/auth/token", data=form | {"password": PASSWORD})
    assert signed_in.status_code == 200, signed_in.text


def test_unknown_user_is_401(client: TestClient) -> None:
    response = client.post(
        "/api/v1/auth/token",
        data={
            "grant_type": "password",
            "username": "nobody@test.ennakko.fi",
            "password": "whatever-long",
        },
    )
    assert response.status_code == 401


def test_password_grant_needs_username_and_password(client: TestClient) -> None:
    response = client.post("/api/v1/auth/token", data={"grant_type": "password", "username": "x"})
    assert response.status_code == 422


def test_unsupported_grant_type_is_422(client: TestClient) -> None:
    response = client.post("/api/v1/auth/token", data={"grant_type": "implicit"})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "validation_error"


def test_client_credentials_in_form_and_basic(client: TestClient, world: World) -> None:
    form = {
        "grant_type": "client_credentials",
        "client_id": world.client_id,
        "client_secret": world.client_secret,
    }
    assert client.post("/api/v1/auth/token", data=form).status_code == 200
    basic = base64.b64encode(f"{world.client_id}:{world.client_secret}".encode()).decode()
    response = client.post(
        "/api/v1/auth/token",
        data={"grant_type": "client_credentials", "scope": "drafts:read"},
        headers={"Authorization": f"Basic {basic}"},
    )
    assert response.status_code == 200
    assert response.json()["scope"] == "drafts:read"
    me = client.get(
        "/api/v1/me", headers={"Authorization": f"Bearer {response.json()['access_token']}"}
    )
    assert me.json()["kind"] == "client"
    assert me.json()["scopes"] == ["drafts:read"]
    assert [o["organisation_id"] for o in me.json()["organisations"]] == [world.org]


def test_client_with_wrong_secret_or_excess_scope_is_401(client: TestClient, world: World) -> None:
    form = {
        "grant_type": "client_credentials",
        "client_id": world.client_id,
        "client_secret": "nope",
    }
    assert client.post("/api/v1/auth/token", data=form).status_code == 401
    form |= {"client_secret": world.client_secret, "scope": "drafts:read admin:everything"}
    response = client.post("/api/v1/auth/token", data=form)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_scope"


def test_regional_expert_holds_expert_role_in_member_municipalities(
    client: TestClient, world: World
) -> None:
    me = client.get("/api/v1/me", headers=world.region_expert.headers).json()
    by_org = {o["organisation_id"]: o for o in me["organisations"]}
    assert set(by_org) == {world.region, world.org, world.other}
    assert by_org[world.org]["roles"] == ["expert"]
    assert by_org[world.org]["via_region"] is True
    assert by_org[world.region]["via_region"] is False


def test_jwks_publishes_the_signing_key(client: TestClient) -> None:
    keys = client.get("/api/v1/auth/jwks").json()["keys"]
    assert [(k["kid"], k["alg"], k["kty"]) for k in keys] == [("ennakko-1", "RS256", "RSA")]
    assert "d" not in keys[0]
