"""Smaller things a user sees: "New draft" only for those who may create one, singular and
plural forms."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.core.i18n import translate
from app.main import create_app
from tests.factories import World, build_world
from tests.web import PASSWORD, sign_in, with_web

NEW_DRAFT = 'href="/drafts/new"'


@pytest.fixture(scope="module")
def web_app(database: str) -> FastAPI:
    return with_web(create_app())


@pytest.fixture(scope="module")
def people(web_app: FastAPI) -> World:
    return build_world(web_app, password=PASSWORD)


@pytest.fixture
def browser(web_app: FastAPI) -> Iterator[TestClient]:
    with TestClient(web_app, raise_server_exceptions=False, follow_redirects=False) as client:
        yield client


def test_new_draft_only_for_those_who_may_create_one(web_app: FastAPI, people: World) -> None:
    for person, shown in (
        (people.preparer, True),
        (people.secretary, False),
        (people.expert, False),
    ):
        with TestClient(web_app, raise_server_exceptions=False, follow_redirects=False) as client:
            sign_in(client, person)
            page = client.get("/").text
            assert (NEW_DRAFT in page) is shown, person.email
            if not shown:
                assert client.get("/drafts/new").status_code == 403


def test_singular_form_for_a_count_of_one() -> None:
    assert translate("en", "web.diff.count", count=1) == "1 change."
    assert translate("en", "web.diff.count", count=2) == "2 changes."
    assert translate("sv", "web.comment.open_count", count=1) == "1 öppen"
    assert translate("sv", "web.comment.open_count", count=3) == "3 öppna"
    assert translate("fi", "web.diff.count", count=0) == "0 muutosta."
