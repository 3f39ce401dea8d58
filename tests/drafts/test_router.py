"""Decision drafts: create, revisions, If-Match, alternatives, search, tenants and roles."""

from __future__ import annotations

import uuid

import pytest
from fastapi.testclient import TestClient

from tests.factories import World
from tests.flows import create_draft


def test_create_adds_status_quo_and_revision(client: TestClient, world: World) -> None:
    draft = create_draft(
        client,
        world.preparer,
        external_ref={"system": "ahjo", "case_id": "HEL 2021-011830", "label": "HEL 2021-011830"},
    )
    keys = [(a["key"], a["is_status_quo"]) for a in draft["alternatives"]]
    assert keys == [("status_quo", True), ("reform", False), ("partial", False)]
    assert draft["status"] == "draft"
    assert draft["version"] == 1
    assert len(draft["content_hash"]) == 64
    assert draft["external_ref"]["case_id"] == "HEL 2021-011830"
    revisions = client.get(
        f"/api/v1/drafts/{draft['id']}/revisions", headers=world.preparer.headers
    ).json()
    assert [(r["version"], r["content_hash"]) for r in revisions] == [(1, draft["content_hash"])]


def test_draft_access_by_role_and_tenant(client: TestClient, world: World) -> None:
    draft = create_draft(client, world.preparer)
    url = f"/api/v1/drafts/{draft['id']}"
    assert client.get(url).status_code == 401
    for person in (world.expert, world.secretary, world.admin, world.region_expert, world.system):
        assert client.get(url, headers=person.headers).status_code == 200
    for outsider in (world.other_preparer, world.other_admin):
        assert client.get(url, headers=outsider.headers).status_code == 404
    body = {"title": "x", "proposal": "y"}
    assert client.post("/api/v1/drafts", json=body, headers=world.expert.headers).status_code == 403
    assert (
        client.post(
            "/api/v1/drafts",
            json=body | {"organisation_id": world.org},
            headers=world.other_preparer.headers,
        ).status_code
        == 404
    )
    patch = client.patch(
        url, json={"title": "Expert edit"}, headers=world.secretary.headers | {"If-Match": '"v1"'}
    )
    assert patch.status_code == 403


@pytest.mark.parametrize(
    "body",
    [
        {"title": "", "proposal": "x"},
        {"title": "x"},
        {"title": "x", "proposal": "y", "languages": ["de"]},
        {"title": "x", "proposal": "y", "budget_eur": "1.234"},
        {
            "title": "x",
            "proposal": "y",
            "alternatives": [{"key": "a", "name": "A"}, {"key": "a", "name": "B"}],
        },
        {"title": "x", "proposal": "y", "meeting_date": "2026-13-01"},
        {"title": "x", "proposal": "y", "extra": True},
    ],
)
def test_bad_draft_is_422(client: TestClient, world: World, body: dict[str, object]) -> None:
    response = client.post("/api/v1/drafts", json=body, headers=world.preparer.headers)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "validation_error"


def test_update_needs_if_match_and_refuses_stale_versions(client: TestClient, world: World) -> None:
    draft = create_draft(client, world.preparer)
    url = f"/api/v1/drafts/{draft['id']}"
    assert (
        client.patch(url, json={"title": "Uusi"}, headers=world.preparer.headers).status_code == 428
    )
    first = client.patch(
        url, json={"title": "Uusi otsikko"}, headers=world.preparer.headers | {"If-Match": '"v1"'}
    )
    assert first.status_code == 200
    assert first.headers["etag"] == '"v2"'
    stale = client.patch(
        url,
        json={"title": "Kadonnut päivitys"},
        headers=world.preparer2.headers | {"If-Match": '"v1"'},
    )
    assert stale.status_code == 412
    details = stale.json()["error"]["details"]
    assert details["current_version"] == 2
    assert (
        details["changed_by"]
        == client.get("/api/v1/me", headers=world.preparer.headers).json()["name"]
    )
    assert client.get(url, headers=world.preparer.headers).json()["title"] == "Uusi otsikko"


def test_noop_save_keeps_the_version(client: TestClient, world: World) -> None:
    draft = create_draft(client, world.preparer)
    url = f"/api/v1/drafts/{draft['id']}"
    same = client.patch(
        url, json={"title": draft["title"]}, headers=world.preparer.headers | {"If-Match": '"v1"'}
    )
    assert same.status_code == 200
    assert same.json()["version"] == 1
    assert len(client.get(f"{url}/revisions", headers=world.preparer.headers).json()) == 1


def test_status_quo_can_be_renamed_not_removed(client: TestClient, world: World) -> None:
    draft = create_draft(client, world.preparer)
    url = f"/api/v1/drafts/{draft['id']}"
    renamed = client.patch(
        url,
        json={
            "alternatives": [
                {"key": "status_quo", "name": "Nykyiset reitit"},
                {"key": "reform", "name": "Uudistus"},
            ]
        },
        headers=world.preparer.headers | {"If-Match": '"v1"'},
    )
    assert renamed.status_code == 200, renamed.text
    assert [a["name"] for a in renamed.json()["alternatives"]] == ["Nykyiset reitit", "Uudistus"]
    removed = client.patch(
        url,
        json={"alternatives": [{"key": "reform", "name": "Uudistus"}]},
        headers=world.preparer.headers | {"If-Match": '"v2"'},
    )
    assert removed.status_code == 409
    assert removed.json()["error"]["code"] == "status_quo_required"


def test_same_case_twice_is_409(client: TestClient, world: World) -> None:
    ref = {"system": "dynasty", "case_id": f"47/00.02/{uuid.uuid4().hex[:6]}"}
    create_draft(client, world.preparer, external_ref=ref)
    response = client.post(
        "/api/v1/drafts",
        json={"title": "x", "proposal": "y", "external_ref": ref},
        headers=world.preparer.headers,
    )
    assert response.status_code == 409


def test_search_filters_and_cursor_pagination(client: TestClient, world: World) -> None:
    tag = uuid.uuid4().hex[:8]
    for i in range(5):
        create_draft(
            client,
            world.preparer,
            title=f"Päiväkoti {tag} {i}",
            decision_body="Kasvatuslautakunta",
            meeting_date=f"2027-01-{10 + i:02d}",
        )
    create_draft(client, world.preparer, title=f"Tiestö {tag}", proposal=f"Tiet {tag} kuntoon")
    headers = world.preparer.headers
    found = client.get(
        "/api/v1/drafts", params={"q": f"päiväkoti {tag}", "limit": 2}, headers=headers
    ).json()
    assert len(found["items"]) == 2
    titles = [d["title"] for d in found["items"]]
    page2 = client.get(
        "/api/v1/drafts",
        params={"q": f"päiväkoti {tag}", "limit": 2, "cursor": found["next_cursor"]},
        headers=headers,
    ).json()
    page3 = client.get(
        "/api/v1/drafts",
        params={"q": f"päiväkoti {tag}", "limit": 2, "cursor": page2["next_cursor"]},
        headers=headers,
    ).json()
    titles += [d["title"] for d in page2["items"] + page3["items"]]
    assert sorted(titles) == sorted(f"Päiväkoti {tag} {i}" for i in range(5))
    assert page3["next_cursor"] is None
    by_text = client.get("/api/v1/drafts", params={"q": f"tiet {tag}"}, headers=headers).json()[
        "items"
    ]
    assert [d["title"] for d in by_text] == [f"Tiestö {tag}"]
    dated = client.get(
        "/api/v1/drafts",
        params={
            "meeting_from": "2027-01-12",
            "meeting_to": "2027-01-13",
            "decision_body": "Kasvatuslautakunta",
        },
        headers=headers,
    ).json()
    assert sorted(d["meeting_date"] for d in dated["items"]) == ["2027-01-12", "2027-01-13"]
    outsider = client.get(
        "/api/v1/drafts", params={"q": tag}, headers=world.other_preparer.headers
    ).json()
    assert outsider["items"] == []
    assert client.get("/api/v1/drafts", params={"limit": 1000}, headers=headers).status_code == 422
    assert (
        client.get("/api/v1/drafts", params={"cursor": "garbage!"}, headers=headers).status_code
        == 422
    )
    percent = client.get("/api/v1/drafts", params={"q": "%"}, headers=headers).json()["items"]
    assert percent == []


def test_find_by_external_case(client: TestClient, world: World) -> None:
    case = f"HEL 2026-{uuid.uuid4().hex[:6]}"
    draft = create_draft(client, world.system, external_ref={"system": "ahjo", "case_id": case})
    found = client.get(
        "/api/v1/drafts",
        params={"external_system": "ahjo", "external_case_id": case},
        headers=world.system.headers,
    ).json()["items"]
    assert [d["id"] for d in found] == [draft["id"]]
