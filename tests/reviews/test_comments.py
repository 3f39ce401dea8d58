"""Comments anchored to sections and cells: the API refuses an anchor that names no cell."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.factories import Person, World
from tests.flows import create_draft
from tests.reviews.helpers import in_review

CELL = {"alternative": "reform", "area": "climate_energy", "group": "municipality", "gender": "all"}


def _comment(client: TestClient, person: Person, draft_id: str, anchor: dict[str, Any]) -> Any:
    return client.post(
        f"/api/v1/drafts/{draft_id}/comments",
        json={"anchor": anchor, "body": "Tarkista tämä."},
        headers=person.headers,
    )


def test_a_comment_on_a_cell_needs_the_cell(client: TestClient, world: World) -> None:
    draft = in_review(client, world)
    assert _comment(client, world.expert, draft["id"], CELL).status_code == 201
    for wrong in ({"area": "no_such_area"}, {"alternative": "ghost"}, {"gender": "x"}):
        response = _comment(client, world.expert, draft["id"], CELL | wrong)
        assert response.status_code == 422, (wrong, response.text)
        assert response.json()["error"]["code"] == "no_such_cell"


def test_a_cell_comment_on_a_draft_without_a_matrix_is_refused(
    client: TestClient, world: World
) -> None:
    draft = create_draft(client, world.preparer)
    response = _comment(client, world.preparer, draft["id"], CELL)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "no_such_cell"
    section = _comment(client, world.preparer, draft["id"], {"section": "proposal"})
    assert section.status_code == 201
