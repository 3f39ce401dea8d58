"""Property: whatever the sequence of API calls by whichever roles, *approved* is never reached
without the required valid sign-offs, and a stale sign-off never counts."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core.db import transaction
from app.drafts.models import DecisionDraft
from app.reviews import service
from app.workflow.store import policy_for
from tests.factories import World
from tests.flows import write
from tests.reviews.helpers import in_review, requirement, sign, transition

ACTORS = ["preparer", "expert", "expert2", "region_expert", "secretary", "admin"]
ACTIONS = [
    "sign_current",
    "sign_stale",
    "request_changes",
    "edit_cell",
    "edit_proposal",
    "submit",
    "approve",
    "withdraw",
    "reopen",
]


def _act(
    client: TestClient, world: World, draft_id: str, actor: str, action: str, state: dict[str, Any]
) -> None:
    person = getattr(world, actor)
    if action == "sign_current":
        sign(client, person, draft_id)
    elif action == "sign_stale":
        sign(client, person, draft_id, content_hash=state.get("first_hash", "0" * 64))
    elif action == "request_changes":
        sign(client, person, draft_id, decision="changes_requested", comment="Korjaa.")
    elif action == "edit_cell":
        assessment = client.get(f"/api/v1/drafts/{draft_id}/assessment", headers=person.headers)
        state["value"] = -state.get("value", 1)
        cell = {
            "alternative": "reform",
            "area": "climate_energy",
            "group": "municipality",
            "gender": "all",
            "value": state["value"],
            "justification": "Muutos.",
        }
        write(client, person, draft_id, int(assessment.headers["etag"].strip('"v')), [cell])
    elif action == "edit_proposal":
        etag = client.get(f"/api/v1/drafts/{draft_id}", headers=person.headers).headers["etag"]
        state["n"] = state.get("n", 0) + 1
        client.patch(
            f"/api/v1/drafts/{draft_id}",
            json={"proposal": f"Ehdotus {state['n']}"},
            headers=person.headers | {"If-Match": etag},
        )
    else:
        name = {"submit": "submit_for_review"}.get(action, action)
        transition(client, person, draft_id, name)


def _stale_signoffs_never_count(draft_id: str) -> None:
    with transaction() as session:
        draft = session.get(DecisionDraft, draft_id)
        assert draft is not None
        states = service.requirement_states(
            session, draft, policy_for(session, draft.organisation_id)
        )
        for state in states:
            counted = [s for s in state.signoffs if state.is_valid(s)]
            assert all(s.content_hash == state.content_hash for s in counted), (
                "a stale sign-off counted"
            )
            assert state.valid <= len({s.reviewer_id for s in counted})


@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(
    steps=st.lists(
        st.tuples(st.sampled_from(ACTORS), st.sampled_from(ACTIONS)), min_size=3, max_size=12
    )
)
def test_approved_only_with_valid_signoffs(
    client: TestClient, world: World, steps: list[tuple[str, str]]
) -> None:
    draft = in_review(client, world)
    state: dict[str, Any] = {
        "first_hash": requirement(client, world.expert, draft["id"])["content_hash"]
    }
    for actor, action in steps:
        before = client.get(f"/api/v1/drafts/{draft['id']}", headers=world.admin.headers).json()[
            "status"
        ]
        valid_before = requirement(client, world.admin, draft["id"])["valid"]
        _act(client, world, draft["id"], actor, action, state)
        after = client.get(f"/api/v1/drafts/{draft['id']}", headers=world.admin.headers).json()[
            "status"
        ]
        if before != "approved" and after == "approved":
            assert valid_before >= 1, f"approved by {actor} without a valid sign-off"
            assert actor != "preparer"
        _stale_signoffs_never_count(draft["id"])
