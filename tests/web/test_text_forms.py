"""The assessment's texts through the web form: save, field messages, rows, conflicts."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.factories import World
from tests.web import PASSWORD, hidden
from tests.web.test_router import started_matrix

assert PASSWORD


def _base(page: str) -> dict[str, str]:
    return {
        "csrf_token": hidden(page, "csrf_token"),
        "version": hidden(page, "version"),
        "st_count": hidden(page, "st_count"),
        "src_count": hidden(page, "src_count"),
        "ind_count": hidden(page, "ind_count"),
    }


FILLED = {
    "comparison": "Uudistus parantaa lasten koulumatkoja.",
    "recommended_alternative": "",
    "mitigation": "Saattajat pienimmille.",
    "participation": "Nuorisovaltuustoa kuultiin.",
    "st-0-body": "Nuorisovaltuusto",
    "st-0-given_on": "2026-11-02",
    "st-0-summary": "Kannattaa uudistusta.",
    "src-0-title": "Kouluterveyskysely 2025",
    "src-0-year": "2025",
    "ind-0-name": "Koulumatkan pituus",
    "ind-0-baseline": "5 km",
    "ind-0-target": "3 km",
    "ind-0-review_on": "2028-01-01",
    "ind-0-responsible": "Sivistysjohtaja",
    "action": "save",
}


def test_texts_form_saves_every_part(browser: TestClient, people: World) -> None:
    draft_id, _ = started_matrix(browser, people.preparer)
    url = f"/drafts/{draft_id}/assessment/texts"
    page = browser.get(url).text
    assert 'name="st-0-body"' in page
    saved = browser.post(url, data=_base(page) | FILLED)
    assert saved.status_code == 303, saved.text
    shown = browser.get(url).text
    assert "Kouluterveyskysely 2025" in shown
    assert 'value="2028-01-01"' in shown
    assert 'name="st-1-body"' in shown  # an empty row for the next statement
    assert "Tekstit tallennettiin." in browser.get(saved.headers["location"]).text


def test_add_row_and_remove_row_without_javascript(browser: TestClient, people: World) -> None:
    draft_id, _ = started_matrix(browser, people.preparer)
    url = f"/drafts/{draft_id}/assessment/texts"
    page = browser.get(url).text
    more = browser.post(url, data=_base(page) | FILLED | {"action": "add-st"})
    assert more.status_code == 200
    assert 'name="st-1-body"' in more.text
    assert "Nuorisovaltuusto" in more.text  # what was typed is kept
    assert browser.post(url, data=_base(more.text) | FILLED).status_code == 303
    page = browser.get(url).text
    removed = browser.post(url, data=_base(page) | FILLED | {"st-0-remove": "1"})
    assert removed.status_code == 303
    assert "Kannattaa uudistusta." not in browser.get(url).text


def test_invalid_rows_give_422_with_the_message_at_the_field(
    browser: TestClient, people: World
) -> None:
    draft_id, _ = started_matrix(browser, people.preparer)
    url = f"/drafts/{draft_id}/assessment/texts"
    page = browser.get(url).text
    bad = FILLED | {"st-0-given_on": "", "src-0-year": "vuosi", "ind-0-name": ""}
    refused = browser.post(url, data=_base(page) | bad)
    assert refused.status_code == 422
    assert '<a href="#f-st-0-given_on">Lausunto 1, Päivämäärä:' in refused.text
    assert 'id="st-0-given_on-error"' in refused.text
    assert 'href="#f-src-0-year"' in refused.text
    assert 'href="#f-ind-0-name"' in refused.text
    assert "Nuorisovaltuusto" in refused.text
    assert "Kouluterveyskysely 2025" not in browser.get(url).text  # nothing was written


def test_unknown_recommended_alternative_is_refused_at_its_field(
    browser: TestClient, people: World
) -> None:
    draft_id, _ = started_matrix(browser, people.preparer)
    url = f"/drafts/{draft_id}/assessment/texts"
    page = browser.get(url).text
    refused = browser.post(url, data=_base(page) | FILLED | {"recommended_alternative": "x"})
    assert refused.status_code == 422
    assert 'href="#f-recommended_alternative"' in refused.text


def test_a_conflicting_save_names_the_writer_and_keeps_the_values(
    browser: TestClient, people: World
) -> None:
    draft_id, _ = started_matrix(browser, people.preparer)
    url = f"/drafts/{draft_id}/assessment/texts"
    page = browser.get(url).text
    assert browser.post(url, data=_base(page) | FILLED).status_code == 303
    stale = browser.post(url, data=_base(page) | FILLED | {"mitigation": "Oma versioni."})
    assert stale.status_code == 412
    assert "tallensi tekstit sillä välin" in stale.text
    assert "Oma versioni." in stale.text
    assert hidden(stale.text, "version") != hidden(page, "version")
    again = browser.post(url, data=_base(stale.text) | FILLED | {"mitigation": "Oma versioni."})
    assert again.status_code == 303
