"""Sign-offs bound to content: staleness, diffs, guards, separation of duties, inbox."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import event

from app.core.db import get_engine
from tests.factories import World
from tests.flows import write
from tests.reviews.helpers import etag, in_review, requirement, sign, transition


def test_submit_needs_a_complete_matrix(client: TestClient, world: World) -> None:
    from tests.flows import create_draft, screen, start

    draft = create_draft(client, world.preparer)
    screen(client, world.preparer, draft)
    start(client, world.preparer, draft["id"], "kuntaliitto")
    response = transition(client, world.preparer, draft["id"], "submit_for_review")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "guard_failed"
    assert "not yet assessed" in response.json()["error"]["details"]["failed"][0]
    # the workflow names the guards that failed (the web page used to re-evaluate them itself)
    assert response.json()["error"]["details"]["guards"] == ["matrix_complete"]


def test_approval_needs_a_valid_signoff_and_not_the_preparer(
    client: TestClient, world: World
) -> None:
    draft = in_review(client, world)
    refused = transition(client, world.expert, draft["id"], "approve")
    assert refused.status_code == 409
    assert "hyte_expert" in refused.json()["error"]["message"]
    assert sign(client, world.preparer, draft["id"]).status_code == 403
    assert sign(client, world.secretary, draft["id"]).status_code == 403
    assert sign(client, world.other_expert, draft["id"], content_hash="0" * 64).status_code == 404
    given = sign(client, world.region_expert, draft["id"])
    assert given.status_code == 201, given.text
    assert given.json()["signoff"]["counts"] is True
    status = client.get(f"/api/v1/drafts/{draft['id']}/review", headers=world.expert.headers).json()
    assert (status["approved_requirements"], status["total_requirements"]) == (1, 1)
    assert transition(client, world.preparer, draft["id"], "approve").status_code == 403
    approved = transition(client, world.expert, draft["id"], "approve")
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "approved"


def test_edit_inside_scope_makes_signoff_stale_with_a_diff(
    client: TestClient, world: World
) -> None:
    draft = in_review(client, world)
    signed = sign(client, world.expert, draft["id"]).json()["signoff"]
    assessment = client.get(
        f"/api/v1/drafts/{draft['id']}/assessment", headers=world.expert.headers
    )
    cell = {
        "alternative": "reform",
        "area": "climate_energy",
        "group": "municipality",
        "gender": "all",
        "value": 1,
        "justification": "Päästöt vähenevät.",
    }
    version = int(assessment.headers["etag"].strip('"v'))
    assert write(client, world.expert2, draft["id"], version, [cell]).status_code == 200
    [signoff] = requirement(client, world.expert, draft["id"])["signoffs"]
    assert (signoff["stale"], signoff["counts"]) == (True, False)
    diff = client.get(
        f"/api/v1/drafts/{draft['id']}/signoffs/{signed['id']}/diff", headers=world.expert.headers
    )
    [change] = diff.json()["changes"]
    assert change["cell"] == {
        "alternative": "reform",
        "area": "climate_energy",
        "group": "municipality",
        "gender": "all",
    }
    assert (change["before"]["value"], change["after"]["value"]) == (0, 1)
    assert transition(client, world.expert, draft["id"], "approve").status_code == 409


def test_edit_outside_scope_and_noop_save_keep_signoff_valid(
    client: TestClient, world: World
) -> None:
    draft = in_review(client, world)
    sign(client, world.expert, draft["id"])
    policy = client.get(
        f"/api/v1/organisations/{world.org}/policy", headers=world.admin.headers
    ).json()["policy"]
    policy["edit"]["in_review"]["draft"] = ["preparer"]
    saved = client.put(
        f"/api/v1/organisations/{world.org}/policy",
        json={"policy": policy},
        headers=world.admin.headers | {"If-Match": '"v0"'},
    )
    assert saved.status_code == 200, saved.text
    url = f"/api/v1/drafts/{draft['id']}"
    background = client.patch(
        url,
        json={"background": "Lisätty taustaa."},
        headers=world.preparer.headers | {"If-Match": etag(client, world.preparer, draft["id"])},
    )
    assert background.status_code == 200, background.text
    noop = client.patch(
        url,
        json={"title": background.json()["title"]},
        headers=world.preparer.headers | {"If-Match": background.headers["etag"]},
    )
    assert noop.status_code == 200
    [signoff] = requirement(client, world.expert, draft["id"])["signoffs"]
    assert (signoff["stale"], signoff["counts"]) == (False, True)
    proposal = client.patch(
        url,
        json={"proposal": "Muutettu päätösehdotus."},
        headers=world.preparer.headers | {"If-Match": noop.headers["etag"]},
    )
    assert proposal.status_code == 200
    [signoff] = requirement(client, world.expert, draft["id"])["signoffs"]
    assert signoff["stale"] is True


def test_template_version_change_makes_signoff_stale(client: TestClient, world: World) -> None:
    draft = in_review(client, world)
    sign(client, world.expert, draft["id"])
    assessment = client.get(
        f"/api/v1/drafts/{draft['id']}/assessment", headers=world.expert.headers
    ).json()
    copy = client.post(
        f"/api/v1/templates/{assessment['template_id']}/copy",
        params={"organisation_id": world.org},
        headers=world.admin.headers,
    ).json()
    client.post(
        f"/api/v1/templates/{copy['id']}/publish",
        headers=world.admin.headers | {"If-Match": '"v1"'},
    )
    policy = client.get(
        f"/api/v1/organisations/{world.org}/policy", headers=world.admin.headers
    ).json()["policy"]
    policy["edit"]["in_review"]["cells"] = ["expert", "preparer"]
    client.put(
        f"/api/v1/organisations/{world.org}/policy",
        json={"policy": policy},
        headers=world.admin.headers | {"If-Match": '"v0"'},
    )
    moved = client.post(
        f"/api/v1/drafts/{draft['id']}/assessment/migrate",
        json={"template_id": copy["id"]},
        headers=world.expert.headers | {"If-Match": f'"v{assessment["version"]}"'},
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["not_carried"] == []
    [signoff] = requirement(client, world.expert, draft["id"])["signoffs"]
    assert signoff["stale"] is True


def test_signing_content_you_did_not_see_is_412(client: TestClient, world: World) -> None:
    draft = in_review(client, world)
    seen = requirement(client, world.expert, draft["id"])["content_hash"]
    assessment = client.get(
        f"/api/v1/drafts/{draft['id']}/assessment", headers=world.expert2.headers
    )
    cell = {
        "alternative": "reform",
        "area": "climate_energy",
        "group": "municipality",
        "gender": "all",
        "value": -1,
        "justification": "Päästöt kasvavat.",
    }
    assert (
        write(
            client, world.expert2, draft["id"], int(assessment.headers["etag"].strip('"v')), [cell]
        ).status_code
        == 200
    )
    response = sign(client, world.expert, draft["id"], content_hash=seen)
    assert response.status_code == 412
    assert response.json()["error"]["details"]["current_content_hash"] != seen
    # The second expert changed the signed content; the preparer edited the draft last.
    assert response.json()["error"]["details"]["changed_by"].startswith("Expert2 ")


def test_request_changes_lists_open_comments_and_moves_state(
    client: TestClient, world: World
) -> None:
    draft = in_review(client, world)
    comment = client.post(
        f"/api/v1/drafts/{draft['id']}/comments",
        json={
            "anchor": {
                "alternative": "reform",
                "area": "climate_energy",
                "group": "municipality",
                "gender": "all",
            },
            "body": "Perustele ilmastovaikutus.",
        },
        headers=world.expert.headers,
    )
    assert comment.status_code == 201
    reply = client.post(
        f"/api/v1/drafts/{draft['id']}/comments",
        json={"body": "Lisään lähteen.", "parent_id": comment.json()["id"]},
        headers=world.preparer.headers,
    )
    assert reply.json()["anchor"] == comment.json()["anchor"]
    assert sign(client, world.expert, draft["id"], decision="changes_requested").status_code == 422
    response = sign(
        client, world.expert, draft["id"], decision="changes_requested", comment="Korjaa."
    )
    assert response.status_code == 201
    assert response.json()["status"] == "changes_requested"
    assert [c["body"] for c in response.json()["open_comments"]] == [
        "Perustele ilmastovaikutus.",
        "Lisään lähteen.",
    ]
    resolved = client.post(
        f"/api/v1/drafts/{draft['id']}/comments/{comment.json()['id']}/resolve",
        headers=world.preparer.headers,
    )
    assert resolved.json()["resolved"] is True
    open_now = client.get(
        f"/api/v1/drafts/{draft['id']}/comments",
        params={"open": "true"},
        headers=world.preparer.headers,
    ).json()
    assert [c["body"] for c in open_now] == ["Lisään lähteen."]
    assert (
        client.post(
            f"/api/v1/drafts/{draft['id']}/comments/{comment.json()['id']}/reopen",
            headers=world.preparer.headers,
        ).json()["resolved"]
        is False
    )


def test_awaiting_my_review_spans_organisations(client: TestClient, world: World) -> None:
    draft = in_review(client, world)
    mine = client.get("/api/v1/reviews/awaiting", headers=world.region_expert.headers).json()
    item = next(i for i in mine if i["draft_id"] == draft["id"])
    assert item["progress"] == "0 of 1"
    assert all(
        i["draft_id"] != draft["id"]
        for i in client.get("/api/v1/reviews/awaiting", headers=world.other_expert.headers).json()
    )
    sign(client, world.region_expert, draft["id"])
    after = client.get("/api/v1/reviews/awaiting", headers=world.region_expert.headers).json()
    assert all(i["draft_id"] != draft["id"] for i in after)


def test_history_is_the_ordered_timeline(client: TestClient, world: World) -> None:
    draft = in_review(client, world)
    sign(client, world.expert, draft["id"])
    transition(client, world.expert, draft["id"], "approve")
    history = client.get(
        f"/api/v1/drafts/{draft['id']}/history", headers=world.secretary.headers
    ).json()
    actions = [e["action"] for e in history]
    for expected in (
        "draft.created",
        "draft.screened",
        "assessment.started",
        "assessment.cells_written",
        "workflow.submit_for_review",
        "signoff.approved",
        "workflow.approve",
    ):
        assert expected in actions
    assert (
        actions.index("workflow.submit_for_review")
        < actions.index("signoff.approved")
        < actions.index("workflow.approve")
    )
    assert [e["seq"] for e in history] == sorted(e["seq"] for e in history)
    assert (
        client.get(
            f"/api/v1/drafts/{draft['id']}/history", headers=world.other_admin.headers
        ).status_code
        == 404
    )


def test_not_needed_screening_goes_to_review_without_a_matrix(
    client: TestClient, world: World
) -> None:
    from tests.flows import EXEMPT_ANSWERS, create_draft, screen, translate_all

    draft = create_draft(client, world.preparer)
    screen(client, world.preparer, draft, EXEMPT_ANSWERS, reason="Viran täyttäminen.")
    translate_all(client, world.preparer, draft["id"])
    assert transition(client, world.preparer, draft["id"], "submit_for_review").status_code == 200
    assert sign(client, world.expert, draft["id"]).status_code == 201
    assert transition(client, world.expert, draft["id"], "approve").json()["status"] == "approved"


def test_a_cell_write_with_live_signoffs_reads_the_matrix_context_once(
    client: TestClient, world: World
) -> None:
    """The staleness check uses the alternatives the write already loaded (read at most once,
    or not at all when this draft version's are cached) and reads the assessment once, by its
    key: the version claim returns plain values, and only a write that may stale a sign-off
    needs the assessment as a model."""
    draft = in_review(client, world)
    sign(client, world.expert, draft["id"])
    assessment = client.get(
        f"/api/v1/drafts/{draft['id']}/assessment", headers=world.expert.headers
    )
    cell = {"alternative": "reform", "area": "climate_energy", "group": "municipality"}
    cell |= {"gender": "all", "value": 1, "justification": "Päästöt vähenevät."}
    statements: list[str] = []

    def seen(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        statements.append(" ".join(statement.split()))

    event.listen(get_engine(), "before_cursor_execute", seen)
    try:
        version = int(assessment.headers["etag"].strip('"v'))
        assert write(client, world.expert2, draft["id"], version, [cell]).status_code == 200
    finally:
        event.remove(get_engine(), "before_cursor_execute", seen)
    reads = [s for s in statements if s.startswith("SELECT")]
    assert sum(" FROM draft_alternative " in f"{s} " for s in reads) <= 1
    assessment_reads = [s for s in reads if re.search(r" FROM assessment\b(?!_)", s)]
    assert len(assessment_reads) == 1
    assert "WHERE assessment.id = " in assessment_reads[0]
    [signoff] = requirement(client, world.expert, draft["id"])["signoffs"]
    assert signoff["stale"] is True


def _write_seeing(
    client: TestClient, world: World, draft_id: str, value: int
) -> tuple[list[str], int]:
    """A cell write by the second expert on the current version: its SQL and its new version."""
    assessment = client.get(f"/api/v1/drafts/{draft_id}/assessment", headers=world.expert.headers)
    cell = {"alternative": "reform", "area": "climate_energy", "group": "municipality"}
    cell |= {"gender": "all", "value": value, "justification": "Päästöt muuttuvat."}
    statements: list[str] = []

    def seen(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        statements.append(" ".join(statement.split()))

    event.listen(get_engine(), "before_cursor_execute", seen)
    try:
        version = int(assessment.headers["etag"].strip('"v'))
        answer = write(client, world.expert2, draft_id, version, [cell])
    finally:
        event.remove(get_engine(), "before_cursor_execute", seen)
    assert answer.status_code == 200, answer.text
    return statements, answer.json()["version"]


def test_a_write_skips_staleness_only_while_no_signoff_is_live(
    client: TestClient, world: World
) -> None:
    """The version claim returns the assessment's live sign-off flag: the writes that filled
    the matrix found no live sign-off and cleared it, so the next one reads no sign-off; a
    sign-off sets it again, so the write after it marks the sign-off stale (and clears the
    flag, none being live any more)."""
    draft = in_review(client, world)
    quiet, _ = _write_seeing(client, world, draft["id"], -1)
    assert not any("FROM signoff" in s or "UPDATE signoff" in s for s in quiet)
    assert sign(client, world.expert, draft["id"]).status_code == 201
    assert requirement(client, world.expert, draft["id"])["signoffs"][0]["stale"] is False
    marking, _ = _write_seeing(client, world, draft["id"], 1)
    assert any(s.startswith("UPDATE signoff SET stale_at") for s in marking)
    assert any(s.startswith("UPDATE assessment SET has_live_signoffs") for s in marking)
    [signoff] = requirement(client, world.expert, draft["id"])["signoffs"]
    assert signoff["stale"] is True
    after, _ = _write_seeing(client, world, draft["id"], -1)
    assert not any("FROM signoff" in s or "UPDATE signoff" in s for s in after)
