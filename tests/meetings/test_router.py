"""The secretary attaches the issued annex to a meeting and records the outcome."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.factories import World
from tests.reviews.helpers import approved, etag, issued


def _attach(client: TestClient, world: World, draft_id: str, meeting: str = "KV 2027/3") -> Any:
    return client.post(
        f"/api/v1/drafts/{draft_id}/meetings",
        json={
            "meeting_id": meeting,
            "item_number": "§ 42",
            "meeting_date": "2027-03-15",
            "decision_body": "Kaupunginvaltuusto",
        },
        headers=world.secretary.headers | {"If-Match": etag(client, world.secretary, draft_id)},
    )


def _outcome(client: TestClient, world: World, draft_id: str, **body: Any) -> Any:
    return client.post(
        f"/api/v1/drafts/{draft_id}/outcome",
        json=body,
        headers=world.secretary.headers | {"If-Match": etag(client, world.secretary, draft_id)},
    )


def test_attach_needs_an_issued_annex_and_the_secretary(client: TestClient, world: World) -> None:
    draft = approved(client, world)
    assert _attach(client, world, draft["id"]).status_code == 409
    draft, _ = issued(client, world)
    refused = client.post(
        f"/api/v1/drafts/{draft['id']}/meetings",
        json={"meeting_id": "x", "item_number": "§ 1", "meeting_date": "2027-03-15"},
        headers=world.preparer.headers | {"If-Match": etag(client, world.preparer, draft["id"])},
    )
    assert refused.status_code == 403
    attached = _attach(client, world, draft["id"])
    assert attached.status_code == 201, attached.text
    assert attached.json()["annex_number"] == 1
    assert (
        client.get(f"/api/v1/drafts/{draft['id']}", headers=world.secretary.headers).json()[
            "status"
        ]
        == "attached"
    )


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"outcome": "passed_unchanged"}, "decided"),
        ({"outcome": "passed_after_vote", "vote_result": "43–16"}, "decided"),
        ({"outcome": "passed_modified", "addendum": "Valtuusto lisäsi ehdon."}, "decided"),
        ({"outcome": "rejected"}, "decided"),
        ({"outcome": "tabled"}, "attached"),
    ],
)
def test_outcomes(client: TestClient, world: World, body: dict[str, str], status: str) -> None:
    draft, annexes = issued(client, world)
    _attach(client, world, draft["id"])
    recorded = _outcome(client, world, draft["id"], **body)
    assert recorded.status_code == 200, recorded.text
    assert recorded.json()["outcome"] == body["outcome"]
    assert (
        client.get(f"/api/v1/drafts/{draft['id']}", headers=world.secretary.headers).json()[
            "status"
        ]
        == status
    )
    listed = client.get(
        f"/api/v1/drafts/{draft['id']}/annexes", headers=world.secretary.headers
    ).json()
    assert [a["id"] for a in listed] == [a["id"] for a in annexes], (
        "the issued annex is never rewritten"
    )


def test_modified_needs_addendum_and_vote_needs_result(client: TestClient, world: World) -> None:
    draft, _ = issued(client, world)
    _attach(client, world, draft["id"])
    revised = _outcome(client, world, draft["id"], outcome="passed_revised")
    assert revised.status_code == 422
    assert "needs an addendum" in revised.text
    voted = _outcome(client, world, draft["id"], outcome="passed_after_vote")
    assert voted.status_code == 422
    assert "vote result" in voted.text


def test_tabled_freezes_and_can_go_to_the_next_meeting(client: TestClient, world: World) -> None:
    draft, _ = issued(client, world)
    _attach(client, world, draft["id"])
    tabled = _outcome(client, world, draft["id"], outcome="tabled").json()
    assert tabled["draft_version_frozen"] is not None
    edit = client.patch(
        f"/api/v1/drafts/{draft['id']}",
        json={"title": "Muutos"},
        headers=world.preparer.headers | {"If-Match": etag(client, world.preparer, draft["id"])},
    )
    assert edit.status_code == 409
    assert _attach(client, world, draft["id"], meeting="KV 2027/4").status_code == 201
    assert _outcome(client, world, draft["id"], outcome="passed_unchanged").status_code == 200


def test_returned_to_preparation_starts_a_new_cycle(client: TestClient, world: World) -> None:
    draft, _ = issued(client, world)
    _attach(client, world, draft["id"])
    before = client.get(
        f"/api/v1/drafts/{draft['id']}/assessment", headers=world.preparer.headers
    ).json()
    assert (
        _outcome(client, world, draft["id"], outcome="returned_to_preparation").status_code == 200
    )
    current = client.get(f"/api/v1/drafts/{draft['id']}", headers=world.preparer.headers).json()
    assert current["status"] == "assessment"
    after = client.get(
        f"/api/v1/drafts/{draft['id']}/assessment", headers=world.preparer.headers
    ).json()
    assert after["id"] != before["id"]
    assert after["cycle"] == before["cycle"] + 1
    assert len(after["cells"]) == len(before["cells"])
    review = client.get(f"/api/v1/drafts/{draft['id']}/review", headers=world.expert.headers).json()
    assert all(not r["signoffs"] for r in review["requirements"]), (
        "earlier cycle's sign-offs do not carry over"
    )
