"""Ending sessions: logout, a password change, a removed membership and a deactivated or
rotated client revoke the tokens already issued, as web cookies and as bearer tokens."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import select

from app.auth.principal import SYSTEM
from app.core import tokens
from app.core.db import transaction
from app.organisations import service as org_service
from app.organisations.models import ApiClient, Membership, Role
from app.organisations.schemas import UserCreate
from tests.factories import World, mint
from tests.web import hidden

PASSWORD = "revocation-tests-2026"


@dataclass
class Signed:
    """One person with a browser session (cookie) and an API token, both still valid."""

    user_id: str
    email: str
    cookie: str
    bearer: str


@pytest.fixture
def browser(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False, follow_redirects=False) as client:
        yield client


@pytest.fixture
def signed(world: World, browser: TestClient) -> Signed:
    email = f"revoke-{uuid.uuid4().hex[:8]}@test.ennakko.fi"
    with transaction() as session:
        user = org_service.create_user(
            session,
            principal=SYSTEM,
            data=UserCreate(
                email=email,
                full_name="Riikka Revoke",
                password=PASSWORD,
                organisation_id=world.org,
                roles=[Role.preparer, Role.expert],
            ),
        )
    person = Signed(user.id, email, "", "")
    page = browser.get("/login").text
    response = browser.post(
        "/login",
        data={"email": email, "password": PASSWORD, "csrf_token": hidden(page, "csrf_token")},
    )
    assert response.status_code == 303
    person.cookie = browser.cookies["ennakko_session"]
    person.bearer = mint(world.app, f"user:{user.id}")
    _assert_valid(browser, person)
    return person


def _web_page(browser: TestClient, cookie: str) -> int:
    browser.cookies.set("ennakko_session", cookie)
    return browser.get("/").status_code


def _me(browser: TestClient, token: str) -> int:
    return browser.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code


def _assert_valid(browser: TestClient, person: Signed) -> None:
    assert _web_page(browser, person.cookie) == 200
    # The browser session is its own audience: never an API bearer token.
    assert _me(browser, person.cookie) == 401
    assert _me(browser, person.bearer) == 200


def _assert_revoked(browser: TestClient, person: Signed) -> None:
    # The cookie's token, replayed as a cookie and as a bearer token, and the separate
    # API token: all refused, however recently verified (the verified-token cache).
    assert _web_page(browser, person.cookie) == 303
    assert _me(browser, person.cookie) == 401
    assert _me(browser, person.bearer) == 401


def test_web_logout_revokes_the_cookie_and_the_persons_tokens(
    browser: TestClient, signed: Signed
) -> None:
    browser.cookies.set("ennakko_session", signed.cookie)
    front = browser.get("/")
    response = browser.post("/logout", data={"csrf_token": hidden(front.text, "csrf_token")})
    assert response.status_code == 303
    _assert_revoked(browser, signed)


def test_api_logout_revokes_the_token_and_the_web_session(
    browser: TestClient, signed: Signed, world: World
) -> None:
    response = browser.post(
        "/api/v1/auth/logout", headers={"Authorization": f"Bearer {signed.bearer}"}
    )
    assert response.status_code == 204
    _assert_revoked(browser, signed)
    # A new sign-in works again.
    token = browser.post(
        "/api/v1/auth/token",
        data={"grant_type": "password", "username": signed.email, "password": PASSWORD},
    ).json()["access_token"]
    assert _me(browser, token) == 200


def test_password_change_revokes_every_session(browser: TestClient, signed: Signed) -> None:
    auth = {"Authorization": f"Bearer {signed.bearer}"}
    new = "a-new-password-for-2027"
    wrong = browser.post(
        "/api/v1/me/password",
        json={"current_password": "not-the-password", "new_password": new},
        headers=auth,
    )
    assert wrong.status_code == 403
    assert wrong.json()["error"]["code"] == "wrong_password"
    _assert_valid(browser, signed)
    short = browser.post(
        "/api/v1/me/password",
        json={"current_password": PASSWORD, "new_password": "x"},
        headers=auth,
    )
    assert short.status_code == 422
    response = browser.post(
        "/api/v1/me/password",
        json={"current_password": PASSWORD, "new_password": new},
        headers=auth,
    )
    assert response.status_code == 204
    _assert_revoked(browser, signed)
    login = {"grant_type": "password", "username": signed.email}
    assert (
        browser.post("/api/v1/auth/token", data=login | {"password": PASSWORD}).status_code == 401
    )
    assert browser.post("/api/v1/auth/token", data=login | {"password": new}).status_code == 200


def test_removed_membership_revokes_the_persons_sessions(
    browser: TestClient, signed: Signed, world: World
) -> None:
    with transaction() as session:
        membership = session.exec(
            select(Membership).where(
                Membership.user_id == signed.user_id, Membership.role == Role.expert
            )
        ).one()
    response = browser.delete(
        f"/api/v1/organisations/{world.org}/memberships/{membership.id}",
        headers=world.admin.headers,
    )
    assert response.status_code == 204
    _assert_revoked(browser, signed)
    fresh = mint(world.app, f"user:{signed.user_id}")
    me = browser.get("/api/v1/me", headers={"Authorization": f"Bearer {fresh}"}).json()
    assert [o["roles"] for o in me["organisations"] if o["organisation_id"] == world.org] == [
        ["preparer"]
    ]


def test_rotated_or_deactivated_client_loses_its_tokens_for_good(
    browser: TestClient, world: World
) -> None:
    base = f"/api/v1/organisations/{world.org}/clients/{world.system.id}"
    old = world.system.token
    assert _me(browser, old) == 200
    rotated = browser.post(f"{base}/rotate-secret", headers=world.admin.headers)
    assert rotated.status_code == 200
    assert _me(browser, old) == 401
    token = browser.post(
        "/api/v1/auth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": world.client_id,
            "client_secret": rotated.json()["client_secret"],
        },
    ).json()["access_token"]
    assert _me(browser, token) == 200
    assert browser.post(f"{base}/deactivate", headers=world.admin.headers).status_code == 200
    assert _me(browser, token) == 401
    # Switched on again (by an operator, in the database): the old tokens stay revoked.
    with transaction() as session:
        client = session.get(ApiClient, world.system.id)
        assert client is not None
        client.is_active = True
        session.add(client)
    assert _me(browser, token) == 401
    assert _me(browser, mint(world.app, f"client:{world.system.id}", scope="drafts:read")) == 200


def test_a_client_can_end_its_own_tokens(browser: TestClient, world: World) -> None:
    auth = {"Authorization": f"Bearer {world.system.token}"}
    assert browser.post("/api/v1/auth/logout", headers=auth).status_code == 204
    assert _me(browser, world.system.token) == 401


def test_a_token_without_an_epoch_is_refused(browser: TestClient, world: World) -> None:
    ctx = world.app.state.security
    bare = tokens.issue_token(
        ctx.signer,
        subject=f"user:{world.preparer.id}",
        issuer=ctx.settings.jwt_issuer,
        audience=ctx.settings.jwt_audience,
        lifetime_s=300,
    )
    assert _me(browser, bare) == 401
