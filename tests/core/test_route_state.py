"""A router's own routes hold no serving state once an app includes them; the app serves
them, validates their bodies and documents them as before (app/core/route_state.py)."""

from __future__ import annotations

import asyncio
from collections.abc import MutableMapping
from typing import Any

import pytest
from fastapi import FastAPI, routing
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from starlette.routing import BaseRoute

from app.core.route_state import release_served_state
from app.devtools import OPENAPI_PATH, current_openapi
from app.main import API_ROUTERS, create_app
from app.web import router as web_router


def _declared(routes: list[BaseRoute]) -> list[APIRoute]:
    """The API routes declared on routers, through the routers they include."""
    found: list[APIRoute] = []
    for route in routes:
        included = getattr(route, "original_router", None)
        if included is not None:
            found += _declared(included.routes)
        elif isinstance(route, APIRoute):
            found.append(route)
    return found


def test_building_the_app_releases_every_declared_route(app: FastAPI) -> None:
    declared = _declared([r for router in (*API_ROUTERS, web_router) for r in router.routes])
    assert len(declared) > 100
    assert [r.path for r in declared if r.dependant is not None] == []
    assert [r.path for r in declared if r.response_field is not None] == []
    # what an inclusion builds from stays
    assert all(r.endpoint is not None and r.methods for r in declared)
    # served through the app's inclusions: each has its own dependency tree
    served = [c for c in routing.iter_route_contexts(app.routes) if c.original_route in declared]
    assert len(served) == len(declared)
    assert all(c.dependant is not None for c in served)


def test_an_app_built_after_the_release_serves_and_validates() -> None:
    with TestClient(create_app()) as client:
        assert client.get("/healthz").status_code == 200
        # the body field comes from the inclusion: a broken body is still a 422
        token = client.post("/api/v1/auth/token", data={"grant_type": "password"})
        assert token.status_code == 422
        assert token.json()["error"]["code"] == "validation_error"
        assert client.get("/login").status_code == 200


def test_the_spec_is_the_same_after_the_release() -> None:
    create_app()  # releases the routers' own state, if no app did yet
    assert release_served_state(API_ROUTERS) == 0
    # built twice after the release: the committed spec both times
    assert current_openapi() == current_openapi() == OPENAPI_PATH.read_text(encoding="utf-8")


def test_a_released_route_outside_an_inclusion_refuses() -> None:
    create_app()
    route = next(r for r in API_ROUTERS[0].routes if isinstance(r, APIRoute))

    async def receive() -> dict[str, Any]:
        raise AssertionError("not called")

    async def send(_message: MutableMapping[str, Any]) -> None:
        raise AssertionError("not called")

    async def call() -> None:
        await route.app({"type": "http"}, receive, send)

    with pytest.raises(RuntimeError, match="inclusion"):
        asyncio.run(call())
