"""A real uvicorn server on 127.0.0.1 and Debian's chromium driven by Playwright.

The server runs create_app() plus the web router (tolerating main.py already including it)
in a background thread of the test process, on the test database that tests/conftest.py
migrated. Chromium is never downloaded: /usr/bin/chromium (apt-get install chromium).
"""

from __future__ import annotations

import os
import re
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn
from fastapi import FastAPI
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

from app.main import create_app
from tests.factories import Person, World, build_world, mint
from tests.web import with_web

# The editor's status line once every change is saved, with what is still to assess in words
ALL_SAVED = re.compile(
    r"^Kaikki muutokset on tallennettu\.( Arvioimatta on vielä (1 solu|\d+ solua)\."
    r"| Kaikki solut on arvioitu\.)?$"
)

CHROMIUM = Path(os.environ.get("ENNAKKO_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "browser-tests-password-2026"
SCREENSHOTS = Path(os.environ.get("ENNAKKO_SCREENSHOT_DIR", tempfile.gettempdir()))


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LiveServer:
    app: FastAPI
    base_url: str


@pytest.fixture(scope="session")
def live_server(database: str) -> Iterator[LiveServer]:
    app = with_web(create_app())
    port = _free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="uvicorn-e2e", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    yield LiveServer(app, f"http://127.0.0.1:{port}")
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get update && apt-get install -y chromium")
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def world(live_server: LiveServer) -> World:
    """Tenants whose people sign in with PASSWORD (shared: argon2 hashing is slow on purpose)."""
    return build_world(live_server.app, password=PASSWORD)


def with_fresh_tokens(world: World, app: FastAPI) -> World:
    """The shared tenants with their people's API tokens minted now: tokens live ten
    minutes, and the suite as a whole may take longer than that on a busy machine."""
    for name, person in world.people.items():
        if name != "system":
            person.token = mint(app, f"user:{person.id}")
    return world


@pytest.fixture
def people(world: World, live_server: LiveServer) -> World:
    return with_fresh_tokens(world, live_server.app)


@pytest.fixture
def context(browser: Browser, live_server: LiveServer) -> Iterator[BrowserContext]:
    ctx = browser.new_context(
        base_url=live_server.base_url, locale="fi-FI", viewport={"width": 1366, "height": 900}
    )
    ctx.set_default_timeout(15_000)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


def sign_in(page: Page, person: Person) -> None:
    """Sign in through the login form and land on the drafts list."""
    page.goto("/login")
    page.get_by_label("Sähköpostiosoite").fill(person.email)
    page.get_by_label("Salasana").fill(PASSWORD)
    page.get_by_role("button", name="Kirjaudu").click()
    page.wait_for_url("**/")
