"""Bringing a draft to review through the API."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.factories import Person, World
from tests.flows import all_cells, create_draft, screen, start, translate_all, write


def etag(client: TestClient, person: Person, draft_id: str) -> str:
    return str(client.get(f"/api/v1/drafts/{draft_id}", headers=person.headers).headers["etag"])


def assessed_draft(client: TestClient, world: World, key: str = "kuntaliitto") -> dict[str, Any]:
    """A screened draft whose whole matrix is assessed (neutral), ready for review."""
    draft = create_draft(client, world.preparer)
    screen(client, world.preparer, draft)
    assessment = start(client, world.preparer, draft["id"], key)
    response = write(
        client,
        world.preparer,
        draft["id"],
        assessment["version"],
        all_cells(client, world.preparer, draft["id"]),
    )
    assert response.status_code == 200, response.text
    return draft


def transition(client: TestClient, person: Person, draft_id: str, name: str) -> Any:
    return client.post(
        f"/api/v1/drafts/{draft_id}/transitions/{name}",
        headers=person.headers | {"If-Match": etag(client, person, draft_id)},
    )


def in_review(client: TestClient, world: World, key: str = "kuntaliitto") -> dict[str, Any]:
    """An assessed draft with its Swedish texts, submitted for review."""
    draft = assessed_draft(client, world, key)
    translate_all(client, world.preparer, draft["id"])
    response = transition(client, world.preparer, draft["id"], "submit_for_review")
    assert response.status_code == 200, response.text
    return draft


def requirement(
    client: TestClient, person: Person, draft_id: str, key: str = "hyte_expert"
) -> dict[str, Any]:
    status = client.get(f"/api/v1/drafts/{draft_id}/review", headers=person.headers).json()
    return next(r for r in status["requirements"] if r["key"] == key)


def sign(
    client: TestClient,
    person: Person,
    draft_id: str,
    content_hash: str | None = None,
    decision: str = "approved",
    key: str = "hyte_expert",
    comment: str = "",
) -> Any:
    digest = content_hash or requirement(client, person, draft_id, key)["content_hash"]
    return client.post(
        f"/api/v1/drafts/{draft_id}/signoffs",
        json={"requirement": key, "decision": decision, "content_hash": digest, "comment": comment},
        headers=person.headers,
    )


def approved(client: TestClient, world: World, key: str = "kuntaliitto") -> dict[str, Any]:
    """A draft through review and approval."""
    draft = in_review(client, world, key)
    assert sign(client, world.expert, draft["id"]).status_code == 201
    response = transition(client, world.expert, draft["id"], "approve")
    assert response.status_code == 200, response.text
    return draft


def issued(
    client: TestClient, world: World, key: str = "kuntaliitto"
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    draft = approved(client, world, key)
    response = client.post(
        f"/api/v1/drafts/{draft['id']}/annexes", json={}, headers=world.secretary.headers
    )
    assert response.status_code == 201, response.text
    return draft, list(response.json())
