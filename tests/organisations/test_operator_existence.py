"""A platform operator sees every organisation, so for them a missing one is 404, never 403/200."""

from __future__ import annotations

import uuid

from fastapi.testclient import TestClient

from tests.factories import World
from tests.organisations.test_isolation import _operator


def test_an_operator_gets_404_for_an_organisation_that_does_not_exist(
    client: TestClient, world: World
) -> None:
    operator = _operator(world)
    ghost = str(uuid.uuid4())
    policy = client.get(f"/api/v1/organisations/{world.org}/policy", headers=world.admin.headers)
    shipped = client.get("/api/v1/templates", headers=operator).json()[0]["id"]
    answers = {
        "read policy": client.get(f"/api/v1/organisations/{ghost}/policy", headers=operator),
        "replace policy": client.put(
            f"/api/v1/organisations/{ghost}/policy",
            json={"policy": policy.json()["policy"]},
            headers=operator | {"If-Match": '"v0"'},
        ),
        "audit log": client.get(f"/api/v1/organisations/{ghost}/audit", headers=operator),
        "copy template": client.post(
            f"/api/v1/templates/{shipped}/copy",
            params={"organisation_id": ghost},
            headers=operator,
        ),
        "create draft": client.post(
            "/api/v1/drafts",
            json={"title": "Haamu", "proposal": "x", "organisation_id": ghost},
            headers=operator,
        ),
    }
    statuses = {name: response.status_code for name, response in answers.items()}
    assert statuses == dict.fromkeys(answers, 404), {n: r.text for n, r in answers.items()}
    assert {r.json()["error"]["message"] for r in answers.values()} == {"Organisation not found"}
    # An organisation that exists still answers as before (the operator holds no role in it).
    real = client.get(f"/api/v1/organisations/{world.org}/policy", headers=operator)
    assert real.status_code == 403
