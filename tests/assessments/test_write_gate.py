"""The cell write resolves a person in its version claim: the same 401, 403, 404 and 412
answers as every other route, in the same order, and a refused claim is rolled back."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from app.core.db import transaction
from app.organisations.models import User
from tests.factories import World
from tests.flows import screened_assessment

CELL = {"alternative": "reform", "area": "housing_mobility", "group": "young_people"}
CELL |= {"gender": "women", "value": 1, "justification": "Asuminen paranee."}


def _patch(client: TestClient, draft_id: str, token: str, **kw: Any) -> tuple[int, str | None]:
    headers = {"Authorization": f"Bearer {token}"} | kw.get("headers", {})
    body = kw.get("body", {"cells": [CELL]})
    answer = client.patch(f"/api/v1/drafts/{draft_id}/assessment/cells", json=body, headers=headers)
    code = answer.json()["error"]["code"] if answer.status_code >= 400 else None
    return answer.status_code, code


def _refusals(client: TestClient, draft_id: str, token: str, version: int) -> list[int]:
    """The answers to a good write, a stale one, one without If-Match and a bad body."""
    current = {"If-Match": f'"v{version}"'}
    return [
        _patch(client, draft_id, token, headers=current)[0],
        _patch(client, draft_id, token, headers={"If-Match": f'"v{version + 5}"'})[0],
        _patch(client, draft_id, token)[0],
        _patch(client, draft_id, token, headers=current, body={"cells": "none"})[0],
    ]


def _version(client: TestClient, world: World, draft_id: str) -> tuple[int, list[Any]]:
    read = client.get(f"/api/v1/drafts/{draft_id}/assessment", headers=world.preparer.headers)
    assert read.status_code == 200, read.text
    return read.json()["version"], read.json()["cells"]


def test_a_person_writes_under_their_own_name(client: TestClient, world: World) -> None:
    draft, assessment = screened_assessment(client, world.preparer)
    version = assessment["version"]
    headers = {"If-Match": f'"v{version}"'}
    assert _patch(client, draft["id"], world.preparer.token, headers=headers) == (200, None)
    after, cells = _version(client, world, draft["id"])
    assert after == version + 1
    read = client.get(f"/api/v1/drafts/{draft['id']}/assessment", headers=world.expert.headers)
    with transaction() as session:
        user = session.get(User, world.preparer.id)
        assert user is not None
        name = user.full_name
    assert read.json()["updated_by"] == name
    assert [c["updated_by"] for c in cells] == [name]


def test_an_ended_session_or_an_inactive_person_is_refused_first(
    client: TestClient, world: World
) -> None:
    draft, assessment = screened_assessment(client, world.preparer)
    version = assessment["version"]
    token = world.token(f"user:{world.preparer2.id}")
    auth = {"Authorization": f"Bearer {token}"}
    assert client.post("/api/v1/auth/logout", headers=auth).status_code == 204
    assert _refusals(client, draft["id"], token, version) == [401] * 4
    with transaction() as session:
        user = session.get(User, world.expert.id)
        assert user is not None
        user.is_active = False
        session.add(user)
    assert _refusals(client, draft["id"], world.expert.token, version) == [401] * 4
    assert _refusals(client, draft["id"], world.preparer.token + "x", version) == [401] * 4
    assert _version(client, world, draft["id"]) == (version, [])


def test_another_organisation_sees_no_draft_and_claims_nothing(
    client: TestClient, world: World
) -> None:
    draft, assessment = screened_assessment(client, world.preparer)
    version = assessment["version"]
    refused = _refusals(client, draft["id"], world.other_preparer.token, version)
    assert refused == [404, 404, 428, 422]
    assert _version(client, world, draft["id"]) == (version, [])
    assert _refusals(client, draft["id"], world.preparer.token, version)[1:] == [412, 428, 422]


def test_an_api_client_needs_the_write_scope(client: TestClient, world: World) -> None:
    draft, assessment = screened_assessment(client, world.preparer)
    version = assessment["version"]
    subject = f"client:{world.system.id}"
    reader = world.token(subject, scope="drafts:read")
    assert _refusals(client, draft["id"], reader, version) == [403] * 4
    assert _patch(client, draft["id"], reader)[1] == "insufficient_scope"
    assert _version(client, world, draft["id"]) == (version, [])
    writer = world.token(subject, scope="drafts:read drafts:write")
    assert _refusals(client, draft["id"], writer, version) == [200, 412, 428, 422]
    after, cells = _version(client, world, draft["id"])
    assert after == version + 1
    assert [c["value"] for c in cells] == [CELL["value"]]
