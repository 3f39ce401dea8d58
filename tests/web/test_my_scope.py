"""The "only my scope" filter: a reviewer sees the rows of the requirements they sign, anyone
else the rows inside the assessment's scope; on the editor and on the review page."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from app.workflow.policy import DEFAULT_POLICY
from tests.factories import World
from tests.web.test_matrix_editor import _scope
from tests.web.test_router import started_matrix

ROWS = re.compile(r'<th scope="row" class="area-col">([^<]+)</th>')


def _rows(client: TestClient, path: str, **params: str) -> list[str]:
    page = client.get(path, params=params)
    assert page.status_code == 200
    return ROWS.findall(page.text)


def test_only_my_scope_follows_the_requirements_a_reviewer_signs(
    browser: TestClient, expert: TestClient, api: TestClient, people: World
) -> None:
    policy = DEFAULT_POLICY.model_dump(mode="json")
    for requirement in policy["requirements"]:
        requirement["scope"] = {"areas": ["mental_health"], "groups": ["children_7_12"]}
    saved = api.put(
        f"/api/v1/organisations/{people.org}/policy",
        json={"policy": policy},
        headers=people.admin.headers | {"If-Match": '"v0"'},
    )
    assert saved.status_code == 200, saved.text
    draft_id, _page = started_matrix(browser, people.preparer)
    _scope(browser, draft_id)
    editor = f"/drafts/{draft_id}/assessment"
    # the preparer: the five groups in the assessment's scope, not the twelve left out
    assert len(_rows(browser, editor, area="mental_health")) == 17
    mine = _rows(browser, editor, area="mental_health", show="mine")
    assert len(mine) == 5
    assert "Lapset 7–12 v." in mine
    # the expert: the one group of the one area their requirement covers
    assert _rows(expert, editor, area="mental_health", show="mine") == ["Lapset 7–12 v."]
    assert _rows(expert, editor, area="wellbeing_distribution", show="mine") == []
    review = f"/drafts/{draft_id}/review"
    assert _rows(expert, review, area="mental_health", show="mine") == ["Lapset 7–12 v."]
    page = expert.get(review, params={"area": "mental_health"}).text
    assert "vain oma rajaukseni" in page
