"""Every new route: anonymous 401, wrong role 403, other organisation 404, bad input 422."""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.core.db import transaction
from app.integrations import record_push
from tests.factories import World
from tests.integrations.helpers import emit, subscribe

URL = "http://127.0.0.1:9/hook"


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    body: dict[str, Any] | None
    wrong_role: str  # a person (or "narrow_client") without the permission
    bad: tuple[str, dict[str, Any] | None] | None  # (path suffix, body) that is invalid


ROUTES = [
    Route("POST", "/organisations/{org}/webhooks", {"url": URL, "events": ["draft.created"]},
          "preparer", ("", {"url": 5})),
    Route("GET", "/organisations/{org}/webhooks", None, "expert", ("?limit=0", None)),
    Route("GET", "/organisations/{org}/webhooks/{sub}", None, "secretary", None),
    Route("PATCH", "/organisations/{org}/webhooks/{sub}", {"description": "x"}, "preparer",
          ("", {"events": []})),
    Route("DELETE", "/organisations/{org}/webhooks/{sub}", None, "preparer", None),
    Route("POST", "/organisations/{org}/webhooks/{sub}/rotate-secret", None, "expert", None),
    Route("GET", "/organisations/{org}/webhooks/{sub}/deliveries", None, "preparer",
          ("?status=lost", None)),
    Route("GET", "/webhook-deliveries/{delivery}/attempts", None, "preparer", None),
    Route("POST", "/webhook-deliveries/{delivery}/redeliver", None, "secretary", None),
    Route("PUT", "/organisations/{org}/case-system", {"url": URL}, "secretary",
          ("", {"url": URL, "surprise": 1})),
    Route("GET", "/organisations/{org}/case-system", None, "preparer", None),
    Route("GET", "/record-pushes/{push}", None, "narrow_client", None),
    Route("POST", "/case-system/callbacks/{push}",
          {"status": "accepted", "external_record_id": "R-1"}, "preparer",
          ("", {"status": "accepted"})),
    Route("PUT", "/drafts/by-case?system=ahjo&case_id=HEL%202021-011830",
          {"title": "T", "proposal": "P", "organisation_id": "{org}"}, "expert",
          ("&case_id=", {"title": "T"})),
    Route("GET", "/drafts/by-case?system=ahjo&case_id=225/2022&organisation_id={org}", None,
          "narrow_client", ("&limit=x&system=", None)),
]  # fmt: skip
IDS = [f"{r.method} {r.path.split('?')[0]}" for r in ROUTES]


@pytest.fixture
def ids(api: TestClient, world: World) -> dict[str, str]:
    sub = subscribe(api, world.admin, world.org, URL, ["draft.updated"])
    emit(world.org, "access-draft", 1)
    delivery = api.get(
        f"/api/v1/organisations/{world.org}/webhooks/{sub['id']}/deliveries",
        headers=world.admin.headers,
    ).json()[0]
    endpoint = api.put(
        f"/api/v1/organisations/{world.org}/case-system", json={"url": URL},
        headers=world.admin.headers,
    )  # fmt: skip
    assert endpoint.status_code == 201, endpoint.text
    annex = SimpleNamespace(
        id="annex-1", organisation_id=world.org, draft_id="draft-1", title="Liite",
        language="fi", publicity_class="Julkinen", personal_data_class="Ei sisällä henkilötietoja",
        files=[("liite.pdf", "PDF/A-2b", "0" * 64, "http://127.0.0.1/api/v1/annexes/a.pdf")],
    )  # fmt: skip
    with transaction() as session:
        push = record_push.enqueue(session, annex=annex)
    assert push is not None
    return {"org": world.org, "sub": sub["id"], "delivery": delivery["id"], "push": push.id}


def _url(route: Route, ids: dict[str, str], suffix: str = "") -> str:
    return "/api/v1" + route.path.format(**ids) + suffix


def _headers(api: TestClient, world: World, who: str) -> dict[str, str]:
    if who == "narrow_client":
        return {"Authorization": "Bearer " + world.token(f"client:{world.system.id}", scope="x")}
    return getattr(world, who).headers


def _call(
    api: TestClient,
    route: Route,
    ids: dict[str, str],
    url: str,
    headers: dict[str, str],
    body: Any = None,
) -> int:
    extra = {"If-Match": '"v1"'} if route.method in ("PATCH", "DELETE") else {}
    payload = route.body if body is None else body
    if payload is not None:
        payload = {k: v.format(**ids) if isinstance(v, str) else v for k, v in payload.items()}
    return api.request(route.method, url, json=payload, headers=headers | extra).status_code


@pytest.mark.parametrize("route", ROUTES, ids=IDS)
def test_route_access(api: TestClient, world: World, ids: dict[str, str], route: Route) -> None:
    url = _url(route, ids)
    assert _call(api, route, ids, url, {}) == 401
    assert _call(api, route, ids, url, _headers(api, world, route.wrong_role)) == 403
    assert _call(api, route, ids, url, world.other_admin.headers) == 404
    if route.bad is not None:
        suffix, body = route.bad
        status = _call(api, route, ids, _url(route, ids, suffix), world.admin.headers, body)
        assert status == 422
