"""A case system creates and updates drafts by its own case id."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from tests.factories import World

BODY = {"title": "Koulukuljetukset", "proposal": "Lautakunta päättää."}


def _url(case_id: str, system: str = "ahjo") -> str:
    return f"/api/v1/drafts/by-case?system={system}&case_id={quote(case_id, safe='')}"


@pytest.mark.parametrize("case_id", ["HEL 2021-011830", "225/2022", "47/00.02/2016"])
def test_create_then_update_by_case_id(api: TestClient, world: World, case_id: str) -> None:
    headers = world.system.headers
    created = api.put(_url(case_id), json=BODY | {"external_ref": None}, headers=headers)
    assert created.status_code == 201, created.text
    draft = created.json()
    assert draft["external_ref"] == {"system": "ahjo", "case_id": case_id, "label": None}
    assert created.headers["etag"] == '"v1"'
    found = api.get(_url(case_id), headers=headers)
    assert found.status_code == 200
    assert found.json()["id"] == draft["id"]
    assert api.put(_url(case_id), json=BODY, headers=headers).status_code == 428
    changed = BODY | {"title": "Uusi otsikko"}
    updated = api.put(_url(case_id), json=changed, headers=headers | {"If-Match": '"v1"'})
    assert updated.status_code == 200, updated.text
    assert (updated.json()["id"], updated.json()["title"]) == (draft["id"], "Uusi otsikko")
    assert updated.json()["version"] == 2
    stale = api.put(_url(case_id), json=changed, headers=headers | {"If-Match": '"v1"'})
    assert stale.status_code == 412


def test_unknown_case_is_404_and_if_match_on_create_is_412(api: TestClient, world: World) -> None:
    assert api.get(_url("nope/1"), headers=world.system.headers).status_code == 404
    response = api.put(
        _url("nope/1"), json=BODY, headers=world.system.headers | {"If-Match": '"v1"'}
    )
    assert response.status_code == 412


def test_the_same_case_id_in_another_system_is_another_draft(api: TestClient, world: World) -> None:
    first = api.put(_url("225/2022", "ahjo"), json=BODY, headers=world.system.headers)
    second = api.put(_url("225/2022", "dynasty"), json=BODY, headers=world.system.headers)
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] != second.json()["id"]


def test_external_ref_in_the_body_must_match_the_query(api: TestClient, world: World) -> None:
    ref = {"system": "ahjo", "case_id": "other", "label": "x"}
    response = api.put(
        _url("225/2022"), json=BODY | {"external_ref": ref}, headers=world.system.headers
    )
    assert response.status_code == 422
    labelled = BODY | {"external_ref": ref | {"case_id": "225/2022"}}
    ok = api.put(_url("225/2022"), json=labelled, headers=world.system.headers)
    assert ok.status_code == 201
    assert ok.json()["external_ref"]["label"] == "x"


def test_other_organisation_does_not_see_the_case(api: TestClient, world: World) -> None:
    assert api.put(_url("7/2024"), json=BODY, headers=world.preparer.headers).status_code == 201
    assert api.get(_url("7/2024"), headers=world.other_preparer.headers).status_code == 404
    url = _url("7/2024") + f"&organisation_id={world.org}"
    assert api.get(url, headers=world.other_preparer.headers).status_code == 404


def test_the_creation_payload_updates_with_the_status_quo_implicit(
    api: TestClient, world: World
) -> None:
    headers = world.system.headers
    body = BODY | {"alternatives": [{"key": "reform", "name": "Uudistus"}]}
    created = api.put(_url("9/2026"), json=body, headers=headers)
    assert created.status_code == 201, created.text
    keys = [a["key"] for a in created.json()["alternatives"]]
    again = body | {"title": "Uusi otsikko"}
    updated = api.put(_url("9/2026"), json=again, headers=headers | {"If-Match": '"v1"'})
    assert updated.status_code == 200, updated.text
    assert [a["key"] for a in updated.json()["alternatives"]] == keys
    assert updated.json()["title"] == "Uusi otsikko"


def test_a_case_system_the_annex_cannot_print_is_422_not_500(api: TestClient, world: World) -> None:
    # Found by the schemathesis run: the query's system reached ExternalRef unvalidated.
    response = api.put(
        f"/api/v1/drafts/by-case?system={quote('ۺ')}&case_id=0",
        json=BODY,
        headers=world.system.headers,
    )
    assert response.status_code == 422, response.text
    assert response.json()["error"]["code"] == "validation_error"
