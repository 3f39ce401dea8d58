"""What a router's own routes stop holding once the app has included them.

FastAPI builds a route's serving state (its dependency tree, the request body and response
fields with their Pydantic validators and serializers, and the handler over them) when the
route is declared on its module's APIRouter, and builds it again, from the same inputs, for
each inclusion of that router in an app (`_EffectiveRouteContext`), which is what every
request to the app then goes through. The first copy served nothing here, yet some 3.5 MB of
every worker's resident set was those copies of the service's routes.

`release_served_state` drops that first copy. What an inclusion builds from — the endpoint,
path, methods, response model, dependencies, responses, names — stays, so an app built later
(each test builds its own) includes the routers as before; the OpenAPI document comes from the
inclusions too. A route reached outside any inclusion (a bare router mounted somewhere) would
refuse with a RuntimeError instead of serving on half its state; no such route exists here.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from fastapi import APIRouter
from fastapi.routing import APIRoute
from starlette.types import Receive, Scope, Send


async def _not_included(_scope: Scope, _receive: Receive, _send: Send) -> None:
    raise RuntimeError("this route is served through an app's inclusion of its router only")


# the serving state an APIRoute builds for itself, and what it holds once released
RELEASED: dict[str, Any] = {
    "dependant": None,
    "body_field": None,
    "response_field": None,
    "stream_item_field": None,
    "app": _not_included,
}


def release_served_state(routers: Iterable[APIRouter]) -> int:
    """Drop the serving state of the routes declared on `routers` and on the routers they
    include (all included in an app already); the number of routes released now."""
    released = 0
    for router in routers:
        for route in router.routes:
            included = getattr(route, "original_router", None)  # a router it includes
            if isinstance(included, APIRouter):
                released += release_served_state([included])
            elif isinstance(route, APIRoute) and route.app is not _not_included:
                for name, value in RELEASED.items():
                    setattr(route, name, value)
                route.response_fields = {}
                released += 1
    return released
