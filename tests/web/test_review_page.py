"""The review page as a reviewer uses it: the sign-off first with no decision chosen, hashes
out of sight, the matrix read-only with comments at their cells and changes since the
reviewer's sign-off marked, the state change below with a warning for open comments."""

from __future__ import annotations

import html
import re
from typing import Any

from fastapi.testclient import TestClient

from tests.factories import World
from tests.flows import write
from tests.reviews.helpers import in_review, sign
from tests.web import hidden

HEX64 = re.compile(r"[0-9a-f]{64}")


def _visible_text(page: str) -> str:
    """What a person reads: tags (and so attribute values) removed."""
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def _first_cell(api: TestClient, people: World, draft_id: str) -> dict[str, Any]:
    assessment = api.get(
        f"/api/v1/drafts/{draft_id}/assessment", headers=people.expert.headers
    ).json()
    cell: dict[str, Any] = assessment["cells"][0]
    return cell | {"version": assessment["version"]}


def test_signoff_comes_first_with_no_decision_chosen_and_no_visible_hash(
    expert: TestClient, api: TestClient, people: World
) -> None:
    draft = in_review(api, people)
    page = expert.get(f"/drafts/{draft['id']}/review").text
    assert page.index('id="my-signoff"') < page.index('id="state-title"')
    assert page.index('id="state-title"') < page.index('id="review-matrix"')
    radios = re.findall(r'<input type="radio"[^>]*name="decision"[^>]*>', page)
    assert len(radios) == 2
    assert not any("checked" in r for r in radios)
    assert HEX64.fullmatch(hidden(page, "content_hash"))
    assert not HEX64.search(_visible_text(page))
    assert not re.search(r"\b[0-9a-f]{12}\b", _visible_text(page))


def test_signoff_without_a_decision_is_refused_at_the_field(
    expert: TestClient, api: TestClient, people: World
) -> None:
    draft = in_review(api, people)
    url = f"/drafts/{draft['id']}/review"
    page = expert.get(url).text
    refused = expert.post(
        f"{url}/signoffs",
        data={
            "csrf_token": hidden(page, "csrf_token"),
            "requirement": "hyte_expert",
            "content_hash": hidden(page, "content_hash"),
            "comment": "",
        },
    )
    assert refused.status_code == 422
    assert 'href="#f-signoff-decision"' in refused.text
    assert not re.search(r'name="decision"[^>]*checked', refused.text)


def test_comments_at_their_cells_and_a_warning_before_the_state_change(
    expert: TestClient, api: TestClient, people: World
) -> None:
    draft = in_review(api, people)
    url = f"/drafts/{draft['id']}/review"
    page = expert.get(url).text
    assert "open-comments-warning" not in page
    cell = _first_cell(api, people, draft["id"])
    keys = {k: cell[k] for k in ("alternative", "area", "group", "gender")}
    added = expert.post(
        f"{url}/comments",
        data={
            "csrf_token": hidden(page, "csrf_token"),
            "anchor": "cell",
            **keys,
            "body": "Onko tämä <varma>?",
        },
    )
    assert added.status_code == 303
    shown = expert.get(url, params={"alternative": keys["alternative"], "area": keys["area"]}).text
    assert "Yksi kommentti on vielä avoinna." in shown
    warning = shown.index('id="open-comments-warning"')
    assert warning < shown.index('action="/drafts/' + draft["id"] + '/review/transitions/approve"')
    matrix = shown[shown.index('id="review-matrix"') : shown.index('id="requirements-title"')]
    assert 'class="cell-thread"' in matrix
    assert "Onko tämä &lt;varma&gt;?" in matrix
    assert "<select" not in matrix
    assert "<textarea" not in matrix


def test_cells_changed_since_the_reviewers_signoff_are_marked(
    expert: TestClient, api: TestClient, people: World
) -> None:
    draft = in_review(api, people)
    url = f"/drafts/{draft['id']}/review"
    assert sign(api, people.expert, draft["id"]).status_code == 201
    cell = _first_cell(api, people, draft["id"])
    keys = {k: cell[k] for k in ("alternative", "area", "group", "gender")}
    before = expert.get(url, params={"alternative": keys["alternative"], "area": keys["area"]})
    assert "cell-changed" not in before.text
    changed = keys | {"value": 1, "justification": "Uusi arvio."}
    assert write(api, people.expert, draft["id"], cell["version"], [changed]).status_code == 200
    after = expert.get(url, params={"alternative": keys["alternative"], "area": keys["area"]}).text
    assert after.count("cell-changed") == 1
    assert "Muuttunut hyväksyntäsi jälkeen" in after
    assert "muuttunut yksi solu" in after
    assert '<span class="count changed">muuttunut: 1</span>' in after


def test_the_review_matrix_shows_each_cells_details(
    expert: TestClient, api: TestClient, people: World
) -> None:
    draft = in_review(api, people, "iva")
    cell = _first_cell(api, people, draft["id"])
    keys = {k: cell[k] for k in ("alternative", "area", "group", "gender")}
    detailed = keys | {
        "value": 1,
        "justification": "Paranee.",
        "horizon": "long",
        "certainty": "high",
        "evidence": "Kouluterveyskysely.",
        "mitigation": "Seuranta.",
    }
    assert write(api, people.expert, draft["id"], cell["version"], [detailed]).status_code == 200
    page = expert.get(
        f"/drafts/{draft['id']}/review",
        params={"alternative": keys["alternative"], "area": keys["area"]},
    ).text
    matrix = page[page.index('id="review-matrix"') : page.index('id="requirements-title"')]
    assert "<dt>Aikajänne</dt><dd>Pitkä aikaväli</dd>" in matrix
    assert "<dt>Arvion varmuus</dt><dd>Varma</dd>" in matrix
    assert "<dt>Näyttö</dt><dd>Kouluterveyskysely.</dd>" in matrix
    assert "<dt>Lieventäminen</dt><dd>Seuranta.</dd>" in matrix
