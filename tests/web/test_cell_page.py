"""One cell's page: time horizon, certainty, evidence and mitigation beside the score."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.factories import World
from tests.web import PASSWORD, hidden
from tests.web.test_router import started_matrix

assert PASSWORD
KEY = {
    "alternative": "status_quo",
    "area": "wellbeing_distribution",
    "group": "children_0_6",
    "gender": "women",
}
URL = "/drafts/{}/assessment/cell"


FILLED = {
    "value": "-1",
    "justification": "Päiväkotimatkat pitenevät.",
    "horizon": "short",
    "certainty": "medium",
    "evidence": "Kuljetusselvitys 2026.",
    "mitigation": "Saattajat pienimmille.",
}


def _base(page: str) -> dict[str, str]:
    return KEY | {"csrf_token": hidden(page, "csrf_token"), "version": hidden(page, "version")}


def test_the_editor_links_each_cell_to_its_page(browser: TestClient, people: World) -> None:
    draft_id, matrix = started_matrix(browser, people.preparer)
    assert (
        f"/drafts/{draft_id}/assessment/cell?alternative=status_quo&amp;"
        "area=wellbeing_distribution&amp;group=children_0_6&amp;gender=women"
    ) in matrix


def test_every_cell_field_is_saved(browser: TestClient, people: World) -> None:
    draft_id, _ = started_matrix(browser, people.preparer)
    url = URL.format(draft_id)
    page = browser.get(url, params=KEY).text
    assert "<legend>Aikajänne</legend>" in page
    assert "<legend>Arvion varmuus</legend>" in page
    saved = browser.post(url, data=_base(page) | FILLED)
    assert saved.status_code == 303, saved.text
    shown = browser.get(saved.headers["location"]).text
    assert "Solu tallennettiin." in shown
    assert 'value="short" checked' in shown
    assert 'value="medium" checked' in shown
    assert "Kuljetusselvitys 2026." in shown
    assert "Saattajat pienimmille." in shown


def test_a_value_outside_the_scale_gives_422_at_the_field(
    browser: TestClient, people: World
) -> None:
    draft_id, _ = started_matrix(browser, people.preparer)
    url = URL.format(draft_id)
    page = browser.get(url, params=KEY).text
    refused = browser.post(url, data=_base(page) | FILLED | {"value": "9"})
    assert refused.status_code == 422
    assert 'href="#f-value">Arvio: Valitse jokin vaihtoehdoista.</a>' in refused.text
    assert 'id="value-error"' in refused.text
    horizon = browser.post(url, data=_base(page) | FILLED | {"horizon": "x"})
    assert horizon.status_code == 422
    assert 'href="#f-horizon">Aikajänne: Valitse jokin vaihtoehdoista.</a>' in horizon.text
    assert "Kuljetusselvitys 2026." in refused.text
    assert "Kuljetusselvitys 2026." not in browser.get(url, params=KEY).text


def test_an_unknown_cell_is_404(browser: TestClient, people: World) -> None:
    draft_id, _ = started_matrix(browser, people.preparer)
    missing = browser.get(URL.format(draft_id), params=KEY | {"area": "nope"})
    assert missing.status_code == 404


def test_a_conflict_names_the_writer_and_keeps_the_values(
    browser: TestClient, people: World
) -> None:
    draft_id, _ = started_matrix(browser, people.preparer)
    url = URL.format(draft_id)
    page = browser.get(url, params=KEY).text
    assert browser.post(url, data=_base(page) | FILLED).status_code == 303
    stale = browser.post(url, data=_base(page) | FILLED | {"evidence": "Oma näyttöni."})
    assert stale.status_code == 412
    assert "muutti arviointia sillä välin" in stale.text
    assert "Oma näyttöni." in stale.text
    again = browser.post(url, data=_base(stale.text) | FILLED | {"evidence": "Oma näyttöni."})
    assert again.status_code == 303


def test_a_scoped_out_cell_is_refused_in_words(browser: TestClient, people: World) -> None:
    draft_id, _ = started_matrix(browser, people.preparer)
    scope_url = f"/drafts/{draft_id}/assessment/scope"
    scope = browser.get(scope_url).text
    chosen = {
        "csrf_token": hidden(scope, "csrf_token"),
        "version": hidden(scope, "version"),
        "area": "mental_health",
        "group": "children_0_6",
        "reason": "Vain mielenterveys.",
        "action": "save",
    }
    assert browser.post(scope_url, data=chosen).status_code == 303
    url = URL.format(draft_id)
    page = browser.get(url, params=KEY).text
    assert "Solu on rajattu arvioinnin ulkopuolelle, eikä sitä voi arvioida." in page
    refused = browser.post(url, data=_base(page) | FILLED)
    assert refused.status_code == 422
    assert "Solu on rajattu arvioinnin ulkopuolelle. Muuta rajausta" in refused.text
