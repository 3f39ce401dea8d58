"""The accessibility statement, the help pages, error pages for people, the inline HTML annex."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.main import create_app
from tests.factories import World
from tests.reviews.helpers import issued
from tests.web import hidden, sign_in, with_web


@pytest.fixture
def anonymous(web_app: FastAPI) -> Iterator[TestClient]:
    with TestClient(web_app, raise_server_exceptions=False, follow_redirects=False) as client:
        yield client


@pytest.mark.parametrize(
    ("lang", "title", "authority", "site"),
    [
        (
            "fi",
            "Saavutettavuusseloste",
            "Etelä-Suomen aluehallintovirasto",
            "saavutettavuusvaatimukset.fi",
        ),
        (
            "sv",
            "Tillgänglighetsutlåtande",
            "Regionförvaltningsverket i Södra Finland",
            "tillganglighetskrav.fi",
        ),
        (
            "en",
            "Accessibility statement",
            "Regional State Administrative Agency for Southern Finland",
            "webaccessibility.fi",
        ),
    ],
)
def test_accessibility_statement_in_each_language(
    anonymous: TestClient, lang: str, title: str, authority: str, site: str
) -> None:
    page = anonymous.get(f"/accessibility?lang={lang}")
    assert page.status_code == 200
    text = page.text
    assert f'<html lang="{lang}">' in text
    assert f"<h1>{title}</h1>" in text
    assert authority in text
    assert site in text
    assert "WCAG 2.1" in text
    assert "306/2019" in text
    # compliance status, known gaps, feedback channel and authority: the act's sections
    assert text.count("<h2>") == 4


def test_feedback_channel_comes_from_the_settings(database: str) -> None:
    app = with_web(create_app())
    app.state.settings = app.state.settings.model_copy(
        update={"accessibility_feedback": "saavutettavuus@kunta.example"}
    )
    app.state.security.settings = app.state.settings
    with TestClient(app) as client:
        text = client.get("/accessibility").text
    assert 'href="mailto:saavutettavuus@kunta.example"' in text


def test_every_page_links_the_statement_and_help(
    anonymous: TestClient, web_app: FastAPI, people: World
) -> None:
    for path in ("/login", "/accessibility", "/help", "/help/secretary", "/nowhere"):
        text = anonymous.get(path).text
        assert 'href="/accessibility"' in text, path
        assert 'href="/help"' in text, path
    with TestClient(web_app, follow_redirects=False) as client:
        sign_in(client, people.preparer)
        text = client.get("/").text
        assert 'href="/accessibility"' in text
        assert 'href="/help"' in text


@pytest.mark.parametrize("role", ["preparer", "expert", "secretary", "admin"])
def test_a_help_page_per_role(anonymous: TestClient, role: str) -> None:
    index = anonymous.get("/help?lang=en").text
    assert f'href="/help/{role}"' in index
    page = anonymous.get(f"/help/{role}?lang=sv")
    assert page.status_code == 200
    assert page.text.count("<li>") >= 4
    assert "help.role." not in page.text  # every string translated


def test_unknown_role_help_is_a_404_page(anonymous: TestClient) -> None:
    page = anonymous.get("/help/mayor")
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")


@pytest.mark.parametrize(
    ("lang", "title"),
    [("fi", "Sivua ei löytynyt"), ("sv", "Sidan hittades inte"), ("en", "Page not found")],
)
def test_unknown_web_paths_answer_a_page_in_the_visitors_language(
    web_app: FastAPI, people: World, lang: str, title: str
) -> None:
    with TestClient(web_app, follow_redirects=False) as client:
        sign_in(client, people.preparer)
        client.get(f"/?lang={lang}")  # the choice is kept in a cookie
        page = client.get("/no/such/page")
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert f'<html lang="{lang}">' in page.text
    assert re.search(rf"<title>{title} – Ennakko</title>", page.text)
    assert f"<h1>{title}</h1>" in page.text


def test_the_api_keeps_json_errors(anonymous: TestClient) -> None:
    for path in ("/api/v1/no-such-thing", "/api/v2/drafts"):
        response = anonymous.get(path)
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
    wrong_method = anonymous.delete("/api/v1/auth/token")
    assert wrong_method.status_code == 405
    assert wrong_method.json()["error"]["code"] == "method_not_allowed"


def test_html_annex_opens_in_the_browser_with_a_download_link(
    web_app: FastAPI, people: World
) -> None:
    with TestClient(web_app) as api:
        draft, annexes = issued(api, people)
    with TestClient(web_app, follow_redirects=False) as client:
        sign_in(client, people.secretary)
        page = client.get(f"/drafts/{draft['id']}/annex").text
        annex_id = annexes[0]["id"]
        assert f'<a href="/annexes/{annex_id}.html">' in page
        assert f'href="/annexes/{annex_id}.html?download=1" download=' in page
        shown = client.get(f"/annexes/{annex_id}.html")
        assert shown.status_code == 200
        assert shown.headers["content-disposition"].startswith("inline; filename=")
        assert shown.headers["content-type"].startswith("text/html")
        policy = shown.headers["content-security-policy"]
        assert "default-src 'none'" in policy
        assert "script-src" not in policy
        saved = client.get(f"/annexes/{annex_id}.html?download=1")
        assert saved.headers["content-disposition"].startswith("attachment; filename=")
        assert saved.content == shown.content
        pdf = client.get(f"/annexes/{annex_id}.pdf")
        assert pdf.headers["content-disposition"].startswith("attachment; filename=")


def test_the_draft_form_names_a_character_the_annex_cannot_show(
    web_app: FastAPI, people: World
) -> None:
    with TestClient(web_app, follow_redirects=False) as client:
        sign_in(client, people.preparer)
        page = client.get("/drafts/new").text
        response = client.post(
            "/drafts/new",
            data={
                "csrf_token": hidden(page, "csrf_token"),
                "organisation_id": hidden(page, "organisation_id"),
                "title": "Hymy 🥲 kouluun",
                "proposal": "Ehdotus",
                "languages": "fi",
                "alt_count": "1",
                "alt-0-sq": "1",
                "alt-0-name": "Nykytila",
                "alt-0-key": "status_quo",
                "action": "save",
            },
        )
    assert response.status_code == 422
    assert "Liitteen fontit eivät osaa näyttää merkkiä U+1F972 SMILING FACE WITH TEAR" in (
        response.text
    )
    assert "Hymy 🥲 kouluun" in response.text  # what was typed is kept
