"""Translations API: states, saving a batch, outdated after a source edit, the errors a
caller gets (422, 412, 428, 404 across tenants, 403 without the scope), editing rights."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from app.auth.permissions import Scope
from tests.factories import World, mint
from tests.flows import create_draft, screen, translate, translations
from tests.reviews.helpers import assessed_draft, transition


def _states(body: dict[str, Any]) -> dict[str, str]:
    return {item["path"]: item["state"] for item in body["items"]}


def _screened(client: TestClient, world: World, **fields: Any) -> dict[str, Any]:
    draft = create_draft(client, world.preparer, **fields)
    screen(client, world.preparer, draft)
    return draft


def test_sources_are_listed_missing_then_done_once_saved(client: TestClient, world: World) -> None:
    draft = _screened(client, world, background="Nykyinen järjestely on vanhentunut.")
    read = client.get(
        f"/api/v1/drafts/{draft['id']}/translations/sv",
        headers=world.preparer.headers | {"Accept-Language": "sv-FI, en;q=0.5"},
    )
    assert read.status_code == 200, read.text
    body = read.json()
    assert (body["lang"], body["source_language"]) == ("sv", "fi")
    states = _states(body)
    assert set(states) == {
        "title",
        "proposal",
        "background",
        "decision_body",
        "screening/reason",
        "alternative/status_quo/name",
        "alternative/reform/name",
        "alternative/partial/name",
    }, "every non-empty text that reaches the annex, nothing empty"
    assert set(states.values()) == {"missing"}
    assert (body["missing"], body["outdated"], body["done"]) == (8, 0, 0)
    title = next(i for i in body["items"] if i["path"] == "title")
    assert title == {
        "path": "title",
        "label": "Rubrik",
        "source": "Koulukuljetusten uudistaminen",
        "translation": None,
        "state": "missing",
    }
    saved = client.put(
        f"/api/v1/drafts/{draft['id']}/translations/sv",
        json={
            "texts": {"title": "Förnyelse av skolskjutsarna", "alternative/reform/name": "Reform"}
        },
        headers=world.preparer.headers | {"If-Match": read.headers["etag"]},
    )
    assert saved.status_code == 200, saved.text
    assert saved.headers["etag"] != read.headers["etag"]
    assert _states(saved.json())["title"] == "done"
    again = translations(client, world.expert, draft["id"]).json()
    assert (again["missing"], again["done"]) == (6, 2)
    assert next(i for i in again["items"] if i["path"] == "title")["translation"] == (
        "Förnyelse av skolskjutsarna"
    )
    english = client.get(
        f"/api/v1/drafts/{draft['id']}/translations/sv", headers=world.preparer.headers
    ).json()
    assert english["items"][0]["label"] == "Title", "labels default to English"


def test_a_changed_source_makes_its_translation_outdated(client: TestClient, world: World) -> None:
    draft = _screened(client, world)
    assert (
        translate(client, world.preparer, draft["id"], {"title": "Skolskjutsar"}).status_code == 200
    )
    current = client.get(f"/api/v1/drafts/{draft['id']}", headers=world.preparer.headers)
    edited = client.patch(
        f"/api/v1/drafts/{draft['id']}",
        json={"title": "Koulukuljetusten uudistaminen 2027"},
        headers=world.preparer.headers | {"If-Match": current.headers["etag"]},
    )
    assert edited.status_code == 200, edited.text
    body = translations(client, world.preparer, draft["id"]).json()
    assert _states(body)["title"] == "outdated"
    assert body["outdated"] == 1
    item = next(i for i in body["items"] if i["path"] == "title")
    assert (item["source"], item["translation"]) == (
        "Koulukuljetusten uudistaminen 2027",
        "Skolskjutsar",
    )
    # Saving it again (checked, or corrected) binds it to the new source.
    resaved = translate(client, world.preparer, draft["id"], {"title": "Skolskjutsar 2027"})
    assert _states(resaved.json())["title"] == "done"


def test_an_empty_text_removes_the_translation(client: TestClient, world: World) -> None:
    draft = _screened(client, world)
    translate(client, world.preparer, draft["id"], {"title": "Skolskjutsar"})
    removed = translate(client, world.preparer, draft["id"], {"title": ""})
    assert removed.status_code == 200
    assert _states(removed.json())["title"] == "missing"


def test_unknown_paths_and_languages_are_422_and_nothing_is_saved(
    client: TestClient, world: World
) -> None:
    draft = _screened(client, world)
    url = f"/api/v1/drafts/{draft['id']}/translations"
    etag = translations(client, world.preparer, draft["id"]).headers["etag"]
    headers = world.preparer.headers | {"If-Match": etag}
    unknown = client.put(
        f"{url}/sv",
        json={"texts": {"title": "Skolskjutsar", "alternative/nope/name": "x", "background": "y"}},
        headers=headers,
    )
    assert unknown.status_code == 422
    error = unknown.json()["error"]
    assert error["code"] == "unknown_path"
    # background is empty in the source: it has nothing to translate
    assert [d["path"] for d in error["details"]] == ["alternative/nope/name", "background"]
    assert translations(client, world.preparer, draft["id"]).json()["done"] == 0
    source = client.put(f"{url}/fi", json={"texts": {}}, headers=headers)
    assert source.status_code == 422
    assert source.json()["error"]["code"] == "not_a_target_language"
    assert client.get(f"{url}/fi", headers=world.preparer.headers).status_code == 422
    assert client.get(f"{url}/en", headers=world.preparer.headers).status_code == 422
    assert client.get(f"{url}/de", headers=world.preparer.headers).status_code == 422
    bad_text = client.put(f"{url}/sv", json={"texts": {"title": "a\x00b"}}, headers=headers)
    assert bad_text.status_code == 422
    assert "U+0000 NULL" in bad_text.text
    too_long = client.put(f"{url}/sv", json={"texts": {"title": "x" * 301}}, headers=headers)
    assert too_long.status_code == 422
    assert too_long.json()["error"]["details"] == [
        {"path": "title", "message": "at most 300 characters"}
    ]
    extra = client.put(f"{url}/sv", json={"texts": {}, "lang": "sv"}, headers=headers)
    assert extra.status_code == 422


def test_a_single_language_draft_has_nothing_to_translate(client: TestClient, world: World) -> None:
    draft = _screened(client, world, languages=["fi"])
    read = translations(client, world.preparer, draft["id"])
    assert read.status_code == 422
    assert read.json()["error"]["code"] == "not_a_target_language"


def test_if_match_is_required_and_a_stale_one_is_412(client: TestClient, world: World) -> None:
    draft = _screened(client, world)
    url = f"/api/v1/drafts/{draft['id']}/translations/sv"
    first = translations(client, world.preparer, draft["id"]).headers["etag"]
    body = {"texts": {"title": "Skolskjutsar"}}
    assert client.put(url, json=body, headers=world.preparer.headers).status_code == 428
    assert translate(client, world.admin, draft["id"], {"title": "Skolskjuts"}).status_code == 200
    stale = client.put(url, json=body, headers=world.preparer.headers | {"If-Match": first})
    assert stale.status_code == 412
    assert "changed by Admin" in stale.json()["error"]["message"]
    assert stale.json()["error"]["details"]["current_etag"] != first
    garbage = client.put(url, json=body, headers=world.preparer.headers | {"If-Match": '"v1"'})
    assert garbage.status_code == 412
    kept = translations(client, world.preparer, draft["id"]).json()
    assert next(i for i in kept["items"] if i["path"] == "title")["translation"] == "Skolskjuts"


def test_another_tenants_draft_is_404(client: TestClient, world: World) -> None:
    draft = _screened(client, world)
    url = f"/api/v1/drafts/{draft['id']}/translations/sv"
    assert client.get(url, headers=world.other_preparer.headers).status_code == 404
    put = client.put(
        url,
        json={"texts": {"title": "x"}},
        headers=world.other_preparer.headers | {"If-Match": '"' + "0" * 40 + '"'},
    )
    assert put.status_code == 404
    assert client.get(url).status_code == 401


def _client_headers(world: World, scope: Scope) -> dict[str, str]:
    token = mint(world.app, f"client:{world.system.id}", scope=scope.value)
    return {"Authorization": f"Bearer {token}"}


def test_scopes_gate_reading_and_writing(client: TestClient, world: World) -> None:
    draft = _screened(client, world)
    url = f"/api/v1/drafts/{draft['id']}/translations/sv"
    reader = _client_headers(world, Scope.drafts_read)
    read = client.get(url, headers=reader)
    assert read.status_code == 200
    refused = client.put(
        url, json={"texts": {"title": "x"}}, headers=reader | {"If-Match": read.headers["etag"]}
    )
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "insufficient_scope"
    unrelated = _client_headers(world, Scope.templates_read)
    assert client.get(url, headers=unrelated).status_code == 403
    assert (
        translate(client, world.system, draft["id"], {"title": "Skolskjutsar"}).status_code == 200
    )


def test_editing_rights_follow_the_part_the_text_belongs_to(
    client: TestClient, world: World
) -> None:
    draft = assessed_draft(client, world)
    assert transition(client, world.preparer, draft["id"], "submit_for_review").status_code == 200
    # in review the draft's own texts are frozen; the experts still work on the matrix texts
    frozen = translate(client, world.preparer, draft["id"], {"title": "Skolskjutsar"})
    assert frozen.status_code == 409
    assert frozen.json()["error"]["code"] == "draft_not_editable"
    expert = translate(client, world.expert, draft["id"], {"title": "Skolskjutsar"})
    assert expert.status_code == 409
    assert translations(client, world.secretary, draft["id"]).status_code == 200
    secretary = translate(client, world.secretary, draft["id"], {"title": "x"})
    assert secretary.status_code in (403, 409)


def test_a_saved_translation_is_in_the_drafts_history(client: TestClient, world: World) -> None:
    draft = _screened(client, world)
    translate(client, world.preparer, draft["id"], {"title": "Skolskjutsar"})
    history = client.get(
        f"/api/v1/drafts/{draft['id']}/history", headers=world.preparer.headers
    ).json()
    entry = next(e for e in history if e["action"] == "translations.updated")
    assert entry["data"]["lang"] == "sv"
    assert entry["data"]["written"] == ["title"]
