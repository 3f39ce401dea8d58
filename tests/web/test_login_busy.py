"""The sign-in form under more concurrent sign-ins than the process checks at once."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from fastapi.testclient import TestClient

from app.core.config import get_settings
from app.main import create_app
from tests.factories import build_world
from tests.web import PASSWORD, hidden, with_web


@pytest.mark.usefixtures("production_argon2")
def test_sign_ins_beyond_the_checking_capacity_see_a_busy_page(database: str) -> None:
    app = with_web(
        create_app(
            get_settings().model_copy(
                update={
                    "verify_concurrency": 1,
                    "verify_wait_seconds": 0.05,
                    "login_source_concurrency": 100,
                }
            )
        )
    )
    person = build_world(app, password=PASSWORD).secretary
    with TestClient(app, follow_redirects=False) as browser:
        token = hidden(browser.get("/login").text, "csrf_token")
        cookies = dict(browser.cookies)
    form = {"email": person.email, "password": PASSWORD, "csrf_token": token}

    async def burst() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app, client=("203.0.113.30", 40000))
        async with httpx.AsyncClient(
            transport=transport, base_url="http://testserver", cookies=cookies
        ) as http:
            return await asyncio.gather(*(http.post("/login", data=form) for _ in range(5)))

    answers = asyncio.run(burst())
    busy = [a for a in answers if a.status_code == 503]
    assert busy, [a.status_code for a in answers]
    assert {a.status_code for a in answers} <= {303, 503}
    assert all(int(a.headers["retry-after"]) >= 1 for a in busy)
    assert "Kirjautuminen on juuri nyt ruuhkautunut" in busy[0].text
