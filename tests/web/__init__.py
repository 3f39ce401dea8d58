"""Helpers for driving the web UI with TestClient (shared with the browser tests)."""

from __future__ import annotations

import html
import re

from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.web import mount_static
from app.web import router as web_router
from tests.factories import Person

PASSWORD = "web-tests-password-2026"


def with_web(app: FastAPI) -> FastAPI:
    """The app with the web UI, whether or not create_app() already includes it."""
    included = any(
        getattr(r, "original_router", None) is web_router or getattr(r, "path", None) == "/login"
        for r in app.router.routes
    )
    if not included:
        app.include_router(web_router)
    mount_static(app)
    return app


def hidden(page: str, name: str) -> str:
    """The value of the (first) input called `name`."""
    tag = re.search(rf'<input[^>]*\bname="{re.escape(name)}"[^>]*>', page)
    assert tag, f"no input {name}"
    value = re.search(r'\bvalue="([^"]*)"', tag.group(0))
    return html.unescape(value.group(1)) if value else ""


def listed(client: TestClient, **params: str) -> list[str]:
    """Titles in the drafts list for a search (as the page shows them, unescaped)."""
    page = client.get("/", params=params).text
    return [
        html.unescape(t) for t in re.findall(r'<a href="/drafts/[0-9a-f-]{36}">([^<]*)</a>', page)
    ]


def sign_in(client: TestClient, person: Person) -> None:
    page = client.get("/login").text
    response = client.post(
        "/login",
        data={
            "email": person.email,
            "password": PASSWORD,
            "csrf_token": hidden(page, "csrf_token"),
        },
    )
    assert response.status_code == 303, response.text
    assert client.cookies.get("ennakko_session")


def new_draft(client: TestClient, title: str = "Koulukuljetukset 2027", **extra: str) -> str:
    """Create a draft through the form; returns its id."""
    page = client.get("/drafts/new").text
    data = {
        "csrf_token": hidden(page, "csrf_token"),
        "organisation_id": hidden(page, "organisation_id"),
        "title": title,
        "proposal": "Lautakunta päättää uudistaa koulukuljetukset.",
        "decision_body": "Sivistyslautakunta",
        "budget_eur": "250 000,50",
        "languages": ["fi", "sv"],
        "alt_count": "3",
        "alt-0-key": "status_quo",
        "alt-0-sq": "1",
        "alt-0-name": "Nykytila",
        "alt-1-name": "Uudistus",
        "alt-2-name": "Osittainen uudistus",
        "action": "save",
        **extra,
    }
    response = client.post("/drafts/new", data=data)
    assert response.status_code == 303, response.text
    match = re.fullmatch(r"/drafts/([0-9a-f-]{36})\?msg=created", response.headers["location"])
    assert match
    return match.group(1)
