"""Approved decisions with follow-up indicators, made through the API."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.factories import Person
from tests.flows import create_draft, screen, start, write
from tests.reports.world import Cells, approve, cells_with

INDICATORS = [
    {
        "name": "Lasten ylipaino",
        "baseline": "18 %",
        "target": "15 %",
        "review_on": "2026-03-01",
        "responsible": "Hyvinvointikoordinaattori",
    },
    {"name": "Päivähoidon jonot", "baseline": "40", "target": "20"},
]


def decision_with_indicators(
    client: TestClient,
    preparer: Person,
    expert: Person,
    *,
    title: str,
    values: Cells,
) -> dict[str, Any]:
    draft = create_draft(client, preparer, title=title, meeting_date="2026-03-10")
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
    url = f"/api/v1/drafts/{draft['id']}/assessment"
    etag = client.get(url, headers=preparer.headers).headers["ETag"]
    response = client.patch(
        url, json={"indicators": INDICATORS}, headers={**preparer.headers, "If-Match": etag}
    )
    assert response.status_code == 200, response.text
    approve(client, preparer, expert, draft["id"])
    return draft
