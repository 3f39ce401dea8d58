"""The translations_complete guard: a bilingual draft is approved only with every text in
both languages; a single-language draft passes; an organisation may drop the guard."""

from __future__ import annotations

from fastapi.testclient import TestClient

from app.workflow.policy import DEFAULT_POLICY
from tests.factories import World
from tests.flows import all_cells, create_draft, screen, start, translate_all, translations, write
from tests.reviews.helpers import assessed_draft, sign, transition


def test_approval_waits_for_the_swedish_texts(client: TestClient, world: World) -> None:
    draft = assessed_draft(client, world)
    assert transition(client, world.preparer, draft["id"], "submit_for_review").status_code == 200
    assert sign(client, world.expert, draft["id"]).status_code == 201
    missing = translations(client, world.expert, draft["id"]).json()["missing"]
    assert missing > 0
    refused = transition(client, world.expert, draft["id"], "approve")
    assert refused.status_code == 409
    error = refused.json()["error"]
    assert error["code"] == "guard_failed"
    assert error["details"]["guards"] == ["translations_complete"]
    assert error["details"]["failed"] == [f"texts not translated: {missing} in sv"]
    # the preparer takes the draft back, translates, and submits it again
    assert transition(client, world.preparer, draft["id"], "withdraw").status_code == 200
    translate_all(client, world.preparer, draft["id"])
    assert transition(client, world.preparer, draft["id"], "submit_for_review").status_code == 200
    approved = transition(client, world.expert, draft["id"], "approve")
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "approved"


def test_an_outdated_translation_blocks_approval_too(client: TestClient, world: World) -> None:
    draft = assessed_draft(client, world)
    translate_all(client, world.preparer, draft["id"])
    current = client.get(f"/api/v1/drafts/{draft['id']}", headers=world.preparer.headers)
    edited = client.patch(
        f"/api/v1/drafts/{draft['id']}",
        json={"proposal": "Lautakunta päättää uudistaa koulukuljetukset vuonna 2027."},
        headers=world.preparer.headers | {"If-Match": current.headers["etag"]},
    )
    assert edited.status_code == 200
    assert transition(client, world.preparer, draft["id"], "submit_for_review").status_code == 200
    assert sign(client, world.expert, draft["id"]).status_code == 201
    refused = transition(client, world.expert, draft["id"], "approve")
    assert refused.json()["error"]["details"]["failed"] == ["texts not translated: 1 in sv"]


def test_a_finnish_only_draft_needs_no_translation(client: TestClient, world: World) -> None:
    draft = create_draft(client, world.preparer, languages=["fi"])
    screen(client, world.preparer, draft)
    assessment = start(client, world.preparer, draft["id"], "kuntaliitto")
    cells = all_cells(client, world.preparer, draft["id"])
    assert (
        write(client, world.preparer, draft["id"], assessment["version"], cells).status_code == 200
    )
    assert transition(client, world.preparer, draft["id"], "submit_for_review").status_code == 200
    assert sign(client, world.expert, draft["id"]).status_code == 201
    assert transition(client, world.expert, draft["id"], "approve").status_code == 200


def test_an_organisation_can_drop_the_guard(client: TestClient, world: World) -> None:
    policy = DEFAULT_POLICY.model_dump(mode="json")
    for t in policy["transitions"]:
        t["guards"] = [g for g in t["guards"] if g != "translations_complete"]
    saved = client.put(
        f"/api/v1/organisations/{world.org}/policy",
        json={"policy": policy},
        headers=world.admin.headers | {"If-Match": '"v0"'},
    )
    assert saved.status_code == 200, saved.text
    draft = assessed_draft(client, world)
    assert transition(client, world.preparer, draft["id"], "submit_for_review").status_code == 200
    assert sign(client, world.expert, draft["id"]).status_code == 201
    assert transition(client, world.expert, draft["id"], "approve").status_code == 200
