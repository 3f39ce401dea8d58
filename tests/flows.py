"""API steps shared by tests: create a draft, screen it, start and fill its matrix."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.factories import Person

FULL_ANSWERS = {
    "exemption": "none",
    "affects_residents": "yes",
    "affects_staff": "no",
    "budget_over_threshold": "yes",
    "affects_businesses": "no",
    "service_network": "no",
    "strategy": "no",
    "significant_impacts": "yes",
    "concerns_people": "yes",
    "gender_situations_differ": "yes",
}
EXEMPT_ANSWERS = FULL_ANSWERS | {"exemption": "filling_post"}
SCREENING_KEY = "eva-screening"


def template_id(client: TestClient, person: Person, key: str) -> str:
    templates = client.get(
        "/api/v1/templates", params={"key": key, "status": "published"}, headers=person.headers
    ).json()
    return str(templates[-1]["id"])


def create_draft(client: TestClient, person: Person, **fields: Any) -> dict[str, Any]:
    body = {
        "title": "Koulukuljetusten uudistaminen",
        "proposal": "Lautakunta päättää uudistaa koulukuljetukset.",
        "decision_body": "Sivistyslautakunta",
        "decision_type": "policy",
        "budget_eur": "250000.00",
        "languages": ["fi", "sv"],
        "alternatives": [
            {"key": "reform", "name": "Uudistus"},
            {"key": "partial", "name": "Osittainen uudistus"},
        ],
    }
    body.update(fields)
    response = client.post("/api/v1/drafts", json=body, headers=person.headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


def screen(
    client: TestClient,
    person: Person,
    draft: dict[str, Any],
    answers: dict[str, str] | None = None,
    reason: str = "Vaikuttaa laajasti lapsiin ja perheisiin.",
) -> dict[str, Any]:
    response = client.put(
        f"/api/v1/drafts/{draft['id']}/screening",
        json={
            "template_id": template_id(client, person, SCREENING_KEY),
            "answers": answers or FULL_ANSWERS,
            "reason": reason,
        },
        headers=person.headers | {"If-Match": f'"v{draft["version"]}"'},
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


def start(client: TestClient, person: Person, draft_id: str, key: str = "iva") -> dict[str, Any]:
    response = client.post(
        f"/api/v1/drafts/{draft_id}/assessment",
        json={"template_id": template_id(client, person, key)},
        headers=person.headers,
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


def screened_assessment(
    client: TestClient, person: Person, key: str = "iva"
) -> tuple[dict[str, Any], dict[str, Any]]:
    draft = create_draft(client, person)
    screen(client, person, draft)
    return draft, start(client, person, draft["id"], key)


def write(
    client: TestClient, person: Person, draft_id: str, version: int, cells: list[dict[str, Any]]
) -> Any:
    return client.patch(
        f"/api/v1/drafts/{draft_id}/assessment/cells",
        json={"cells": cells},
        headers=person.headers | {"If-Match": f'"v{version}"'},
    )


def all_cells(
    client: TestClient, person: Person, draft_id: str, value: int = 0
) -> list[dict[str, Any]]:
    """A write for every cell of the draft's matrix, with `value` and a justification."""
    from app.templates.validation import parse_template

    assessment = client.get(f"/api/v1/drafts/{draft_id}/assessment", headers=person.headers).json()
    draft = client.get(f"/api/v1/drafts/{draft_id}", headers=person.headers).json()
    template = client.get(
        f"/api/v1/templates/{assessment['template_id']}", headers=person.headers
    ).json()
    definition = parse_template(template["definition"])
    return [
        {
            "alternative": k.alternative,
            "area": k.area,
            "group": k.group,
            "gender": k.gender,
            "value": value,
            "justification": "Perustelu." if value else "",
        }
        for k in definition.cell_keys([a["key"] for a in draft["alternatives"]])
    ]


def translations(client: TestClient, person: Person, draft_id: str, lang: str = "sv") -> Any:
    return client.get(f"/api/v1/drafts/{draft_id}/translations/{lang}", headers=person.headers)


def translate(
    client: TestClient, person: Person, draft_id: str, texts: dict[str, str], lang: str = "sv"
) -> Any:
    """Save `texts` (by path) in `lang` on the translations the caller reads first."""
    etag = translations(client, person, draft_id, lang).headers["etag"]
    return client.put(
        f"/api/v1/drafts/{draft_id}/translations/{lang}",
        json={"texts": texts},
        headers=person.headers | {"If-Match": etag},
    )


def translate_all(client: TestClient, person: Person, draft_id: str, lang: str = "sv") -> None:
    """Give every text of the draft that is not translated yet a `lang` version."""
    read = translations(client, person, draft_id, lang)
    assert read.status_code == 200, read.text
    texts = {
        item["path"]: f"{SWEDISH_PREFIX}{item['source']}"
        for item in read.json()["items"]
        if item["state"] != "done"
    }
    if texts:
        saved = translate(client, person, draft_id, texts, lang)
        assert saved.status_code == 200, saved.text
        assert saved.json()["missing"] == saved.json()["outdated"] == 0


SWEDISH_PREFIX = "På svenska: "
