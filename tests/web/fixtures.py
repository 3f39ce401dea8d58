"""The web tests' shared set-up: one app with the web UI per test module, its people (with a
known password), an API client and signed-in browsers (no redirects followed, server errors
as pages). Imported by tests/web/conftest.py and tests/translations/conftest.py."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.main import create_app
from tests.factories import Person, World, build_world
from tests.web import PASSWORD, sign_in, with_web


def client_for(web_app: FastAPI) -> TestClient:
    """A browser-like client: redirects and server errors are the test's to see."""
    return TestClient(web_app, raise_server_exceptions=False, follow_redirects=False)


@pytest.fixture(scope="module")
def web_app(database: str) -> FastAPI:
    return with_web(create_app())


@pytest.fixture(scope="module")
def people(web_app: FastAPI) -> World:
    return build_world(web_app, password=PASSWORD)


@pytest.fixture
def api(web_app: FastAPI) -> Iterator[TestClient]:
    """A client for the API steps that set up a case (bearer tokens, no cookies)."""
    with TestClient(web_app) as client:
        yield client


@pytest.fixture
def browser(web_app: FastAPI) -> Iterator[TestClient]:
    """A browser nobody has signed in with yet."""
    with client_for(web_app) as client:
        yield client


def _signed_in(web_app: FastAPI, person: Person) -> Iterator[TestClient]:
    with client_for(web_app) as client:
        sign_in(client, person)
        yield client


@pytest.fixture
def preparer(web_app: FastAPI, people: World) -> Iterator[TestClient]:
    yield from _signed_in(web_app, people.preparer)


@pytest.fixture
def expert(web_app: FastAPI, people: World) -> Iterator[TestClient]:
    yield from _signed_in(web_app, people.expert)


@pytest.fixture
def secretary(web_app: FastAPI, people: World) -> Iterator[TestClient]:
    yield from _signed_in(web_app, people.secretary)
