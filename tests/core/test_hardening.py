"""HTTP-level hardening: security headers on every response, API docs served from this origin
under a strict policy, 405 with every allowed method, documented body-parse errors, and the
request id in the log line of an unhandled error."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.core.logging import JsonFormatter
from app.main import create_app
from tests.factories import World


def _assert_secured(response: object, what: str) -> None:
    headers = response.headers  # type: ignore[attr-defined]
    assert headers.get("x-content-type-options") == "nosniff", what
    assert "camera=()" in headers.get("permissions-policy", ""), what
    assert "frame-ancestors 'none'" in headers.get("content-security-policy", ""), what
    assert headers.get("referrer-policy") == "same-origin", what


def test_every_kind_of_response_carries_the_security_headers(
    client: TestClient, world: World
) -> None:
    responses = {
        "probe": client.get("/healthz"),
        "API 401": client.get("/api/v1/me"),
        "API 200": client.get("/api/v1/me", headers=world.preparer.headers),
        "API 404": client.get("/api/v1/drafts/nope", headers=world.preparer.headers),
        "API 405": client.delete("/api/v1/me"),
        "API 413": client.post(
            "/api/v1/drafts",
            content=b"x" * (3 * 1024 * 1024),
            headers=world.preparer.headers | {"Content-Type": "application/json"},
        ),
        "page": client.get("/login"),
        "static file": client.get("/static/css/app.css"),
        "docs": client.get("/docs"),
        "spec": client.get("/openapi.json"),
    }
    for what, response in responses.items():
        _assert_secured(response, what)
    assert responses["API 413"].status_code == 413
    # JSON is never a document that runs anything; pages allow this origin only.
    assert responses["API 200"].headers["content-security-policy"].startswith("default-src 'none'")
    assert "script-src 'self'" in responses["page"].headers["content-security-policy"]


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_api_docs_need_nothing_from_outside_and_run_no_inline_script(
    client: TestClient, page: str
) -> None:
    response = client.get(page)
    assert response.status_code == 200
    html = response.text
    assert not re.search(r"(src|href)=\"(https?:)?//", html), "no third-party (CDN) URL"
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, flags=re.S)
    assert scripts
    assert all('src="/' in attrs and not body.strip() for attrs, body in scripts)
    policy = response.headers["content-security-policy"]
    script_src = re.search(r"script-src ([^;]*)", policy)
    assert script_src
    assert script_src.group(1).split() == ["'self'"]
    for url in re.findall(r"(?:src|href)=\"(/[^\"]+)\"", html):
        asset = client.get(url)
        assert asset.status_code == 200, url
        assert asset.headers["x-content-type-options"] == "nosniff"


def test_405_names_every_method_of_the_path(client: TestClient, world: World) -> None:
    response = client.delete("/api/v1/organisations", headers=world.admin.headers)
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, POST"
    assert response.json()["error"]["code"] == "method_not_allowed"
    one = client.put(f"/api/v1/organisations/{world.org}", headers=world.admin.headers)
    assert one.headers["allow"] == "GET, PATCH"


def test_a_body_that_cannot_be_parsed_is_a_documented_400(client: TestClient, app: FastAPI) -> None:
    response = client.post(
        "/api/v1/auth/token",
        content=b"--x\r\n",
        headers={"Content-Type": "multipart/form-data"},
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_request"
    spec = app.openapi()
    assert "400" in spec["paths"]["/api/v1/auth/token"]["post"]["responses"]
    with_body = [
        op for item in spec["paths"].values() for op in item.values() if "requestBody" in op
    ]
    assert with_body
    assert all("400" in op["responses"] for op in with_body)


@pytest.fixture
def failing_app() -> Iterator[tuple[TestClient, io.StringIO]]:
    app = create_app()

    def boom() -> None:
        raise RuntimeError("boom")

    app.add_api_route("/boom", boom, methods=["GET"])
    captured = io.StringIO()
    handler = logging.StreamHandler(captured)
    handler.setFormatter(JsonFormatter())
    errors = logging.getLogger("ennakko.errors")
    errors.addHandler(handler)
    try:
        with TestClient(app, raise_server_exceptions=False) as client:
            yield client, captured
    finally:
        errors.removeHandler(handler)


def test_an_unhandled_error_is_logged_with_its_request_id(
    failing_app: tuple[TestClient, io.StringIO],
) -> None:
    client, captured = failing_app
    response = client.get("/boom", headers={"X-Request-ID": "trace-42"})
    assert response.status_code == 500
    assert response.json()["error"]["code"] == "internal_error"
    assert response.headers["x-request-id"] == "trace-42"
    _assert_secured(response, "500")
    [line] = [json.loads(x) for x in captured.getvalue().splitlines()]
    assert line["msg"] == "unhandled error"
    assert line["request_id"] == "trace-42"
    assert "RuntimeError: boom" in line["exc"]
