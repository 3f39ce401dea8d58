"""The translations page: source texts beside their translations with lang attributes, states
in words, one save button without script, a conflicting save kept on the page, and the
draft page saying how many texts are missing in Swedish."""

from __future__ import annotations

import html
import re

from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.factories import World
from tests.flows import create_draft, screen, translate, translations
from tests.web import hidden, sign_in


def _draft(api: TestClient, people: World) -> str:
    draft = create_draft(api, people.preparer)
    screen(api, people.preparer, draft)
    return str(draft["id"])


def _box(page: str, path: str) -> str:
    """The name of the textarea that translates `path`."""
    tag = re.search(rf'<input type="hidden" name="p-(\d+)" value="{re.escape(path)}">', page)
    assert tag, f"no box for {path}"
    return f"t-{tag.group(1)}"


def _form(page: str) -> dict[str, str]:
    """What a browser posts for the page's form as shown: hidden fields and text boxes."""
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page))
    boxes = dict(
        re.findall(r'<textarea id="[^"]*" name="([^"]+)"[^>]*>(.*?)</textarea>', page, re.S)
    )
    return {k: html.unescape(v) for k, v in (fields | boxes).items()}


def test_draft_page_says_how_many_texts_are_missing_and_links_the_page(
    preparer: TestClient, api: TestClient, people: World
) -> None:
    draft_id = _draft(api, people)
    page = preparer.get(f"/drafts/{draft_id}?lang=sv").text
    assert "7 texter saknas på svenska" in page
    assert f'href="/drafts/{draft_id}/translations/sv"' in page
    translated = translations(api, people.preparer, draft_id).json()
    texts = {i["path"]: f"Text {n}" for n, i in enumerate(translated["items"])}
    assert translate(api, people.preparer, draft_id, texts).status_code == 200
    assert "Alla texter finns på svenska" in preparer.get(f"/drafts/{draft_id}?lang=sv").text


def test_page_shows_sources_and_boxes_with_their_languages_and_saves(
    preparer: TestClient, api: TestClient, people: World
) -> None:
    draft_id = _draft(api, people)
    url = f"/drafts/{draft_id}/translations/sv"
    page = preparer.get(url).text
    assert "Käännökset – ruotsi" in page
    assert (
        '<div class="prose source-text" id="source-0" lang="fi">Koulukuljetusten uudistaminen</div>'
        in page
    )
    title = _box(page, "title")
    assert re.search(rf'<textarea id="f-{title}" name="{title}" lang="sv"', page)
    assert "Puuttuu 7, vanhentunut 0, käännetty 0." in page
    assert "<strong>Tila:</strong> Puuttuu" in page
    form = _form(page) | {title: "Förnyelse av skolskjutsarna", _box(page, "proposal"): ""}
    saved = preparer.post(url, data=form)
    assert saved.status_code == 303, saved.text
    assert saved.headers["location"] == f"{url}?show=open&msg=saved"
    body = translations(api, people.preparer, draft_id).json()
    assert {i["path"]: i["translation"] for i in body["items"]}["title"] == (
        "Förnyelse av skolskjutsarna"
    )
    assert body["done"] == 1
    history = preparer.get(f"/drafts/{draft_id}/history").text
    assert "Käännöksiä tallennettiin" in history
    after = preparer.get(saved.headers["location"]).text
    assert "Käännökset tallennettiin." in after
    assert "Förnyelse av skolskjutsarna" not in after, "only open texts are shown"
    everything = preparer.get(f"{url}?show=all").text
    assert "Förnyelse av skolskjutsarna</textarea>" in everything
    assert "<strong>Tila:</strong> Käännetty" in everything


def test_a_conflicting_save_keeps_what_was_typed(
    preparer: TestClient, api: TestClient, people: World
) -> None:
    draft_id = _draft(api, people)
    url = f"/drafts/{draft_id}/translations/sv"
    page = preparer.get(url).text
    assert translate(api, people.admin, draft_id, {"title": "Skolskjutsar"}).status_code == 200
    form = _form(page) | {_box(page, "title"): "Förnyelse av skolskjutsarna"}
    conflict = preparer.post(url, data=form)
    assert conflict.status_code == 412
    assert "Admin" in conflict.text
    assert "Tekstejäsi ei tallennettu" in conflict.text
    assert "Förnyelse av skolskjutsarna</textarea>" in conflict.text
    assert "Nykyinen tallennettu käännös" in conflict.text
    assert 'lang="sv">Skolskjutsar</div>' in conflict.text
    # the page now carries the current ETag: saving again overwrites on purpose
    again = preparer.post(
        url,
        data=_form(conflict.text) | {_box(conflict.text, "title"): "Förnyelse av skolskjutsarna"},
    )
    assert again.status_code == 303


def test_an_outdated_translation_is_kept_until_checked(
    preparer: TestClient, api: TestClient, people: World
) -> None:
    draft_id = _draft(api, people)
    translate(api, people.preparer, draft_id, {"title": "Skolskjutsar"})
    current = api.get(f"/api/v1/drafts/{draft_id}", headers=people.preparer.headers)
    api.patch(
        f"/api/v1/drafts/{draft_id}",
        json={"title": "Koulukuljetukset 2027"},
        headers=people.preparer.headers | {"If-Match": current.headers["etag"]},
    )
    url = f"/drafts/{draft_id}/translations/sv"
    page = preparer.get(url).text
    assert "Vanhentunut: lähdeteksti on muuttunut" in page
    unchanged = preparer.post(url, data=_form(page))
    assert unchanged.headers["location"].endswith("msg=unchanged")
    states = {
        i["path"]: i["state"] for i in translations(api, people.preparer, draft_id).json()["items"]
    }
    assert states["title"] == "outdated", "posting the page again does not confirm it"
    box = _box(page, "title")
    checked = preparer.post(url, data=_form(page) | {f"ok-{box[2:]}": "1"})
    assert checked.status_code == 303
    states = {
        i["path"]: i["state"] for i in translations(api, people.preparer, draft_id).json()["items"]
    }
    assert states["title"] == "done"


def test_refused_characters_are_named_on_the_page(
    preparer: TestClient, api: TestClient, people: World
) -> None:
    draft_id = _draft(api, people)
    url = f"/drafts/{draft_id}/translations/sv"
    page = preparer.get(url).text
    box = _box(page, "title")
    refused = preparer.post(url, data=_form(page) | {box: "Skol\x07skjutsar"})
    assert refused.status_code == 422
    assert "U+0007 BELL" in refused.text
    assert translations(api, people.preparer, draft_id).json()["done"] == 0


def test_other_tenants_and_single_language_drafts_have_no_page(
    web_app: FastAPI, preparer: TestClient, api: TestClient, people: World
) -> None:
    draft_id = _draft(api, people)
    with TestClient(web_app, raise_server_exceptions=False, follow_redirects=False) as other:
        sign_in(other, people.other_preparer)
        assert other.get(f"/drafts/{draft_id}/translations/sv").status_code == 404
    finnish = create_draft(api, people.preparer, languages=["fi"])
    assert preparer.get(f"/drafts/{finnish['id']}/translations/sv").status_code == 422
    assert "Kieliversiot" not in preparer.get(f"/drafts/{finnish['id']}").text
    token = hidden(preparer.get(f"/drafts/{draft_id}/translations/sv").text, "csrf_token")
    assert token
