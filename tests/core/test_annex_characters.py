"""Text the annex cannot show is refused where it comes in, naming the character."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.factories import World

BODY = {"title": "Koulukyydit", "proposal": "Ehdotus.", "alternatives": [{"name": "Uusi"}]}


def _create(client: TestClient, world: World, **fields: object) -> object:
    return client.post("/api/v1/drafts", json=BODY | fields, headers=world.preparer.headers)


def test_emoji_and_symbols_the_annex_fonts_have_are_accepted(
    client: TestClient, world: World
) -> None:
    response = _create(client, world, title="Koulukyydit 🏫🚌 ✓ ★ čđŋ ☕ 𝄞")
    assert response.status_code == 201, response.text  # type: ignore[attr-defined]


def test_a_character_no_annex_font_has_is_refused_by_name(client: TestClient, world: World) -> None:
    response = _create(client, world, proposal="Hymy 🥲 ja Thai ก")
    assert response.status_code == 422  # type: ignore[attr-defined]
    text = response.text  # type: ignore[attr-defined]
    assert "U+1F972 SMILING FACE WITH TEAR" in text
    assert "proposal" in text
    nested = _create(client, world, alternatives=[{"name": "Vaihtoehto ᚠ"}])
    assert nested.status_code == 422  # type: ignore[attr-defined]
    assert "U+16A0 RUNIC LETTER FEHU FEOH FE F" in nested.text  # type: ignore[attr-defined]


def test_passwords_may_hold_any_character(client: TestClient, world: World) -> None:
    response = client.post(
        "/api/v1/users",
        json={
            "email": "merkit@test.ennakko.fi",
            "full_name": "Merkki Testaaja",
            "password": "salasana-🥲-ก-ᚠ-2026",
            "organisation_id": world.org,
            "roles": ["preparer"],
        },
        headers=world.admin.headers,
    )
    assert response.status_code == 201, response.text
