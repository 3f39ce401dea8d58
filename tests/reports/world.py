"""A year of decisions with known answers, made through the API, for the report tests.

kunta (world.org), 2026:
  D1 "Päiväkotiverkko"  LAVA, approved, meeting 2026-03-10:
      child_health children_0_6 girls −2, boys 0; learning children_0_6 all −1
  D2 "Perhetuki"        LAVA, approved, meeting 2026-05-20:
      child_health children_0_6 all −1; family_finances families_with_children all +2
  D3 "Tiedoksi"         screened not needed ("Merkitään tiedoksi.")
  D4 "Luonnos"          never screened
  D5 case ahjo 7/2026   pushed by the case system, screened not needed ("Viranhaku.")
  D6 "Vanha"            LAVA, approved, meeting 2025-11-01 (outside 2026)
muu (world.other), 2026:
  D7 "Muun koulu"       LAVA, approved, meeting 2026-04-01: child_health children_0_6 all −2
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from fastapi.testclient import TestClient

from tests.factories import Person, World
from tests.flows import (
    EXEMPT_ANSWERS,
    all_cells,
    create_draft,
    screen,
    start,
    translate_all,
    write,
)
from tests.reviews.helpers import etag, sign, transition

Cells = dict[tuple[str, str, str], int]


@dataclass
class Year:
    world: World
    drafts: dict[str, dict[str, Any]] = field(default_factory=dict)


def cells_with(
    client: TestClient, person: Person, draft_id: str, values: Cells
) -> list[dict[str, Any]]:
    """Every cell of the draft's matrix neutral, but `values` on the proposal ("reform")."""
    cells = all_cells(client, person, draft_id)
    for cell in cells:
        value = values.get((cell["area"], cell["group"], cell["gender"]))
        if cell["alternative"] == "reform" and value is not None:
            cell["value"], cell["justification"] = value, "Perustelu."
    return cells


def approved_decision(
    client: TestClient,
    preparer: Person,
    expert: Person,
    *,
    title: str,
    meeting_date: str,
    values: Cells,
) -> dict[str, Any]:
    draft = create_draft(client, preparer, title=title, meeting_date=meeting_date)
    screen(client, preparer, draft)
    assessment = start(client, preparer, draft["id"], "lava")
    response = write(
        client,
        preparer,
        draft["id"],
        assessment["version"],
        cells_with(client, preparer, draft["id"], values),
    )
    assert response.status_code == 200, response.text
    approve(client, preparer, expert, draft["id"])
    return draft


def approve(client: TestClient, preparer: Person, expert: Person, draft_id: str) -> None:
    translate_all(client, preparer, draft_id)  # the test drafts are in fi and sv
    response = transition(client, preparer, draft_id, "submit_for_review")
    assert response.status_code == 200, response.text
    assert sign(client, expert, draft_id).status_code == 201
    response = transition(client, expert, draft_id, "approve")
    assert response.status_code == 200, response.text


def not_needed(client: TestClient, person: Person, title: str, reason: str) -> dict[str, Any]:
    draft = create_draft(client, person, title=title, meeting_date="2026-02-01")
    screen(client, person, draft, answers=EXEMPT_ANSWERS, reason=reason)
    return draft


def pushed_by_case_system(client: TestClient, world: World) -> dict[str, Any]:
    """The case system creates an agenda item's draft and screens it 'not needed'."""
    system = world.system
    response = client.put(
        f"/api/v1/drafts/by-case?system=ahjo&case_id={quote('7/2026', safe='')}",
        json={
            "title": "Viran täyttäminen",
            "proposal": "Täytetään virka.",
            "decision_body": "Sivistyslautakunta",
            "meeting_date": "2026-06-01",
        },
        headers=system.headers,
    )
    assert response.status_code == 201, response.text
    draft = dict(response.json())
    screen(client, system, draft, answers=EXEMPT_ANSWERS, reason="Viranhaku.")
    return draft


def build_year(client: TestClient, world: World) -> Year:
    year = Year(world)
    prep, expert = world.preparer, world.expert
    year.drafts["D1"] = approved_decision(
        client,
        prep,
        expert,
        title="Päiväkotiverkko",
        meeting_date="2026-03-10",
        values={
            ("child_health", "children_0_6", "girls"): -2,
            ("child_health", "children_0_6", "boys"): 0,
            ("learning", "children_0_6", "all"): -1,
        },
    )
    year.drafts["D2"] = approved_decision(
        client,
        prep,
        expert,
        title="Perhetuki",
        meeting_date="2026-05-20",
        values={
            ("child_health", "children_0_6", "all"): -1,
            ("family_finances", "families_with_children", "all"): 2,
        },
    )
    year.drafts["D3"] = not_needed(client, prep, "Tiedoksi", "Merkitään tiedoksi.")
    year.drafts["D4"] = create_draft(client, prep, title="Luonnos", meeting_date="2026-09-01")
    year.drafts["D5"] = pushed_by_case_system(client, world)
    year.drafts["D6"] = approved_decision(
        client,
        prep,
        expert,
        title="Vanha",
        meeting_date="2025-11-01",
        values={("child_health", "children_0_6", "all"): -2},
    )
    year.drafts["D7"] = approved_decision(
        client,
        world.other_preparer,
        world.other_expert,
        title="Muun koulu",
        meeting_date="2026-04-01",
        values={("child_health", "children_0_6", "all"): -2},
    )
    return year


def reopen_and_change(
    client: TestClient, world: World, draft_id: str, values: Cells
) -> dict[str, Any]:
    """Reopen an approved draft and change its cells (the approval no longer holds)."""
    response = transition(client, world.preparer, draft_id, "reopen")
    assert response.status_code == 200, response.text
    assessment = client.get(
        f"/api/v1/drafts/{draft_id}/assessment", headers=world.preparer.headers
    ).json()
    response = write(
        client,
        world.preparer,
        draft_id,
        assessment["version"],
        [
            {
                "alternative": "reform",
                "area": area,
                "group": group,
                "gender": gender,
                "value": value,
                "justification": "Perustelu." if value else "",
            }
            for (area, group, gender), value in values.items()
        ],
    )
    assert response.status_code == 200, response.text
    return {"etag": etag(client, world.preparer, draft_id)}
