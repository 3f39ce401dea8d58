"""Scopes are the first gate: the route × scope matrix, generated from the OpenAPI spec.

Every operation names the scopes it needs (its security requirements, any one suffices). A
caller without one gets 403 before any 404, 409 or 422 — the paths name no existing
resource and the bodies are empty, so anything else the route checked would answer first.
API clients hold the scopes they were granted; people hold the scopes their roles imply.
"""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.auth.dependencies import route_permission
from app.auth.permissions import ANY_ROLE, PeopleScope, Scope
from app.auth.principal import SYSTEM
from app.core import migrations
from app.core.db import transaction
from app.devtools import OPENAPI_PATH
from app.main import API_ROUTERS
from app.organisations import service as org_service
from app.organisations.models import ApiClient, Role
from app.organisations.schemas import UserCreate
from tests.factories import World, build_world, mint

SPEC = json.loads(OPENAPI_PATH.read_text(encoding="utf-8"))
PUBLIC = {("POST", "/api/v1/auth/token"), ("GET", "/api/v1/auth/jwks")}
OPERATIONS = [
    (method.upper(), path, operation)
    for path, methods in SPEC["paths"].items()
    if path.startswith("/api/")
    for method, operation in methods.items()
    if (method.upper(), path) not in PUBLIC
    # It ends the caller's sessions, the shared tokens of this module's people included;
    # tests/auth/test_revocation.py covers it.
    and (method.upper(), path) != ("POST", "/api/v1/auth/logout")
]
IDS = [f"{method} {path}" for method, path, _ in OPERATIONS]
NOWHERE = "00000000-0000-0000-0000-000000000000"


def _scopes(operation: dict[str, Any]) -> set[str]:
    """The scopes the operation accepts (any one); empty when any valid token will do."""
    return {scope for requirement in operation["security"] for scope in requirement["OAuth2"]}


def _answer(client: TestClient, method: str, path: str, token: str) -> tuple[int, str | None]:
    url = re.sub(r"\{[^}]+\}", NOWHERE, path)
    body = {} if method in ("POST", "PUT", "PATCH") else None
    headers = {"Authorization": f"Bearer {token}", "If-Match": '"1"'}
    response = client.request(method, url, json=body, headers=headers)
    error = response.json().get("error") if response.status_code >= 400 else None
    return response.status_code, error["code"] if error else None


def _call(client: TestClient, method: str, path: str, token: str) -> int:
    return _answer(client, method, path, token)[0]


def _client_token(world: World, *scopes: str) -> str:
    return mint(world.app, f"client:{world.system.id}", scope=" ".join(scopes))


ROUTES = {
    (method, route.path_format): route
    for router in API_ROUTERS
    for route in router.routes
    if isinstance(route, APIRoute)
    for method in route.methods or ()
}


@pytest.fixture(scope="module")
def tenants(app: FastAPI) -> World:
    """One set of tenants for the whole matrix (no test here changes them)."""
    return build_world(app)


@pytest.fixture(scope="module")
def operator(app: FastAPI, tenants: World) -> str:
    """A platform operator's token (holds every scope)."""
    with transaction() as session:
        user = org_service.create_user(
            session,
            principal=SYSTEM,
            data=UserCreate(
                email=f"operator-{uuid.uuid4().hex[:8]}@test.ennakko.fi",
                full_name="Operator",
                organisation_id=tenants.region,
                roles=[Role.admin],
            ),
        )
        user.is_superuser = True
    return mint(app, f"user:{user.id}")


def test_every_api_operation_declares_its_scopes_with_a_route_gate() -> None:
    routes = ROUTES
    assert len(OPERATIONS) >= 70
    for method, path, operation in OPERATIONS:
        assert operation["security"], f"{method} {path} documents no security requirement"
        route = routes.get((method, path))
        assert route is not None, f"{method} {path} is not an API route"
        assert route_permission(route) is not None, f"{method} {path} has no RequireScope gate"
        if _scopes(operation):
            assert "403" in operation["responses"], f"{method} {path} does not document 403"


@pytest.mark.parametrize(("method", "path", "operation"), OPERATIONS, ids=IDS)
def test_clients_need_the_operations_scope_before_anything_else(
    client: TestClient, tenants: World, method: str, path: str, operation: dict[str, Any]
) -> None:
    world = tenants
    needed = _scopes(operation)
    if not needed:  # any valid token: the gate lets every client through
        assert _call(client, method, path, _client_token(world)) != 403
        return
    assert _call(client, method, path, _client_token(world)) == 403
    wrong = sorted(set(Scope) - needed)
    assert _call(client, method, path, _client_token(world, *wrong)) == 403
    grantable = sorted(needed & set(Scope))
    for scope in grantable:
        assert _call(client, method, path, _client_token(world, scope)) != 403, scope
    assert grantable or needed <= set(PeopleScope), needed


@pytest.mark.parametrize(("method", "path", "operation"), OPERATIONS, ids=IDS)
def test_people_hold_the_scopes_their_roles_imply(
    client: TestClient,
    tenants: World,
    operator: str,
    method: str,
    path: str,
    operation: dict[str, Any],
) -> None:
    """The roles that imply a route's scope are the app's declaration (not in the spec)."""
    permission = route_permission(ROUTES[method, path])
    assert permission is not None
    roles, world = permission.roles, tenants
    people = {Role.preparer: "preparer", Role.expert: "expert", Role.secretary: "secretary"}
    people[Role.admin] = "admin"
    for role in ANY_ROLE:
        status = _call(client, method, path, getattr(world, people[role]).token)
        if not _scopes(operation) or role in roles:
            assert status != 403, f"{people[role]} was refused"
        else:
            assert status == 403, f"{people[role]} got {status}"
    # an operator passes every gate (a service may still refuse what does not exist with 403)
    assert _answer(client, method, path, operator)[1] != "insufficient_scope"


def test_a_drafts_read_client_can_neither_write_nor_read_people(
    client: TestClient, world: World
) -> None:
    """The reported cases, on real resources: 403, not 201, 200 or 409."""
    created = client.post(
        "/api/v1/drafts",
        json={"organisation_id": world.org, "title": "Koulu", "proposal": "Esitys"},
        headers=world.preparer.headers,
    )
    assert created.status_code == 201, created.text
    draft = created.json()["id"]
    reader = {"Authorization": f"Bearer {_client_token(world, 'drafts:read')}"}
    if_match = {"If-Match": created.headers["ETag"]}
    calls = [
        ("POST", f"/api/v1/drafts/{draft}/comments", {"body": "x", "anchor": {"section": "x"}}),
        ("GET", f"/api/v1/organisations/{world.org}/users", None),
        ("GET", f"/api/v1/users/{world.preparer.id}", None),
        ("PATCH", f"/api/v1/drafts/{draft}", {"title": "Toinen"}),
        ("PUT", f"/api/v1/drafts/{draft}/screening", {"answers": {}}),
        ("PATCH", f"/api/v1/drafts/{draft}/assessment/cells", {"cells": []}),
        ("POST", f"/api/v1/drafts/{draft}/assessment/migrate", {"to_template": "x"}),
    ]
    for method, url, body in calls:
        response = client.request(method, url, json=body, headers=reader | if_match)
        assert response.status_code == 403, (method, url, response.text)
        assert response.json()["error"]["code"] == "insufficient_scope"
    assert client.get(f"/api/v1/drafts/{draft}", headers=reader).status_code == 200


def test_comments_write_is_granted_to_clients_that_could_write(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'before.db'}"
    migrations.upgrade(url, "5e1c0ffee001")
    engine = sa.create_engine(url)
    granted = {
        "writer": ["drafts:read", "drafts:write"],
        "reviewer": ["reviews:write"],
        "reader": ["drafts:read"],
    }
    # Rows written with the columns of that revision (today's models have more columns).
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO organisation (id, slug, name, kind, languages, records_settings,"
                " version, created_at, updated_at) VALUES ('o1', 'o', 'O', 'municipality',"
                " '[\"fi\"]', '{}', 1, '2026-01-01 00:00:00', '2026-01-01 00:00:00')"
            )
        )
        for n, (name, scopes) in enumerate(granted.items()):
            conn.execute(
                sa.text(
                    "INSERT INTO api_client (id, client_id, name, organisation_id, secret_hash,"
                    " scopes, is_active, version, created_at) VALUES (:id, :name, :name, 'o1',"
                    " 'h', :scopes, 1, 1, '2026-01-01 00:00:00')"
                ),
                {"id": f"c{n}", "name": name, "scopes": json.dumps(scopes)},
            )
    migrations.upgrade(url)
    with Session(engine) as session:
        after = {c.client_id: c.scopes for c in session.exec(select(ApiClient)).all()}
    engine.dispose()
    assert after == {
        "writer": ["comments:write", "drafts:read", "drafts:write"],
        "reviewer": ["comments:write", "reviews:write"],
        "reader": ["drafts:read"],
    }
