"""Policy validation and editing."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.workflow.policy import DEFAULT_POLICY, problems
from tests.factories import World


def _policy(**changes: Any) -> dict[str, Any]:
    return DEFAULT_POLICY.model_dump(mode="json") | changes


def test_default_policy_is_sound() -> None:
    assert problems(DEFAULT_POLICY) == []


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (
            lambda p: [t for t in p["transitions"] if t["name"] != "approve"],
            "approved cannot be reached from draft",
        ),
        (
            lambda p: [
                t | {"roles": []} if t["name"] == "approve" else t for t in p["transitions"]
            ],
            "transition 'approve' has no role that may take it",
        ),
        (
            lambda p: [
                t | {"guards": ["not_own_draft"]} if t["name"] == "approve" else t
                for t in p["transitions"]
            ],
            "transition 'approve' reaches approved without the signoffs_valid guard",
        ),
        (
            lambda p: [*p["transitions"], p["transitions"][0]],
            "transition 'submit_for_review' is defined twice",
        ),
    ],
)
def test_broken_policies_are_refused_with_clear_messages(
    client: TestClient, world: World, mutate: Any, message: str
) -> None:
    policy = _policy()
    policy["transitions"] = mutate(policy)
    response = client.put(
        f"/api/v1/organisations/{world.org}/policy",
        json={"policy": policy},
        headers=world.admin.headers | {"If-Match": '"v0"'},
    )
    assert response.status_code == 422
    assert message in response.json()["error"]["details"]


def test_unknown_state_or_guard_is_422(client: TestClient, world: World) -> None:
    policy = _policy()
    policy["transitions"][0] = policy["transitions"][0] | {"to": "limbo"}
    response = client.put(
        f"/api/v1/organisations/{world.org}/policy",
        json={"policy": policy},
        headers=world.admin.headers | {"If-Match": '"v0"'},
    )
    assert response.status_code == 422


def test_policy_is_admin_only_and_versioned(client: TestClient, world: World) -> None:
    url = f"/api/v1/organisations/{world.org}/policy"
    current = client.get(url, headers=world.preparer.headers)
    assert current.status_code == 200
    assert current.json()["is_default"] is True
    assert current.headers["etag"] == '"v0"'
    body = {"policy": _policy(separation_of_duties=False)}
    assert (
        client.put(
            url, json=body, headers=world.preparer.headers | {"If-Match": '"v0"'}
        ).status_code
        == 403
    )
    assert (
        client.put(
            url, json=body, headers=world.other_admin.headers | {"If-Match": '"v0"'}
        ).status_code
        == 404
    )
    assert client.put(url, json=body, headers=world.admin.headers).status_code == 428
    saved = client.put(url, json=body, headers=world.admin.headers | {"If-Match": '"v0"'})
    assert saved.status_code == 200
    assert saved.json()["policy"]["separation_of_duties"] is False
    assert (
        client.put(url, json=body, headers=world.admin.headers | {"If-Match": '"v0"'}).status_code
        == 412
    )
    assert client.get(url, headers=world.admin.headers).json()["version"] == 1


def _preparer_also_expert(client: TestClient, world: World) -> None:
    response = client.post(
        f"/api/v1/organisations/{world.org}/memberships",
        json={"user_id": world.preparer.id, "role": "expert"},
        headers=world.admin.headers,
    )
    assert response.status_code == 201


def test_separation_of_duties_stops_a_preparer_who_is_also_an_expert(
    client: TestClient, world: World
) -> None:
    from tests.reviews.helpers import in_review, sign

    _preparer_also_expert(client, world)
    draft = in_review(client, world)
    refused = sign(client, world.preparer, draft["id"])
    assert refused.status_code == 403
    assert "own draft" in refused.json()["error"]["message"]


def test_separation_of_duties_can_be_turned_off(client: TestClient, world: World) -> None:
    from tests.reviews.helpers import in_review, sign, transition

    saved = client.put(
        f"/api/v1/organisations/{world.org}/policy",
        json={"policy": _policy(separation_of_duties=False)},
        headers=world.admin.headers | {"If-Match": '"v0"'},
    )
    assert saved.status_code == 200
    _preparer_also_expert(client, world)
    draft = in_review(client, world)
    assert sign(client, world.preparer, draft["id"]).status_code == 201
    approved = transition(client, world.preparer, draft["id"], "approve")
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "approved"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("requirements", [{"key": f"r{i}"} for i in range(51)]),
        ("requirements", [{"key": "rx", "scope": {"areas": [f"a{i}" for i in range(41)]}}]),
        ("requirements", [{"key": "rx", "scope": {"groups": [f"g{i}" for i in range(61)]}}]),
        ("requirements", [{"key": "rx", "template_keys": [f"t{i}" for i in range(51)]}]),
    ],
)
def test_policy_lists_are_bounded(
    client: TestClient, world: World, field: str, value: list[Any]
) -> None:
    """Every review status walks the requirements over the matrix: no unbounded list."""
    response = client.put(
        f"/api/v1/organisations/{world.org}/policy",
        json={"policy": _policy(**{field: value})},
        headers=world.admin.headers | {"If-Match": '"v0"'},
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "validation_error"
