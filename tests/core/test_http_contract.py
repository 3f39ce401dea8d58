"""The HTTP contract every route shares: error bodies, request ids, size limit, probes."""

from __future__ import annotations

import re

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.factories import World

PUBLIC_API = {"/api/v1/auth/token", "/api/v1/auth/jwks"}


def _api_routes(app: FastAPI) -> list[tuple[str, str]]:
    return [
        (method.upper(), path)
        for path, operations in app.openapi()["paths"].items()
        if path.startswith("/api/") and path not in PUBLIC_API
        for method in operations
    ]


def test_every_api_route_refuses_anonymous_callers(client: TestClient, app: FastAPI) -> None:
    routes = _api_routes(app)
    assert len(routes) >= 15
    for method, path in routes:
        url = re.sub(r"\{[^}]+\}", "00000000-0000-0000-0000-000000000000", path)
        response = client.request(method, url, json={})
        assert response.status_code == 401, f"{method} {path} answered {response.status_code}"
        assert response.json()["error"]["code"] == "unauthorized"


@pytest.mark.parametrize(
    ("method", "path", "status", "code"),
    [
        ("GET", "/api/v1/nothing-here", 404, "not_found"),
        ("DELETE", "/api/v1/me", 405, "method_not_allowed"),
        ("PUT", "/healthz", 405, "method_not_allowed"),
    ],
)
def test_framework_errors_use_the_error_body(
    client: TestClient, method: str, path: str, status: int, code: str
) -> None:
    response = client.request(method, path)
    assert response.status_code == status
    assert response.json() == {
        "error": {"code": code, "message": response.json()["error"]["message"], "details": None}
    }


def test_malformed_json_is_422_with_details(client: TestClient, world: World) -> None:
    response = client.post(
        "/api/v1/users",
        content=b"{not json",
        headers=world.admin.headers | {"Content-Type": "application/json"},
    )
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["type"] == "json_invalid"


def test_oversized_body_is_413(client: TestClient, world: World) -> None:
    big = b'{"name": "' + b"x" * (3 * 1024 * 1024) + b'"}'
    response = client.post(
        "/api/v1/users",
        content=big,
        headers=world.admin.headers | {"Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"


def test_oversized_chunked_body_is_413(client: TestClient, world: World) -> None:
    def chunks():  # type: ignore[no-untyped-def]
        for _ in range(40):
            yield b"x" * 100_000

    response = client.post(
        "/api/v1/users",
        content=chunks(),
        headers=world.admin.headers | {"Content-Type": "application/json"},
    )
    assert response.status_code == 413


def test_request_id_is_returned_and_sane_ones_are_kept(client: TestClient) -> None:
    generated = client.get("/healthz").headers["x-request-id"]
    assert re.fullmatch(r"[0-9a-f]{32}", generated)
    assert (
        client.get("/healthz", headers={"X-Request-ID": "case-42.a"}).headers["x-request-id"]
        == "case-42.a"
    )
    assert (
        client.get("/healthz", headers={"X-Request-ID": "bad id\n"}).headers["x-request-id"]
        != "bad id\n"
    )


def test_probes(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["status"] == "ok"


def test_if_match_that_names_no_version_is_412(client: TestClient, world: World) -> None:
    response = client.patch(
        f"/api/v1/organisations/{world.org}",
        json={"name": "x"},
        headers=world.admin.headers | {"If-Match": "*"},
    )
    assert response.status_code == 412
