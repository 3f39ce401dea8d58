"""The browser session slides with activity, lapses when idle, ends at its absolute lifetime,
and logging out still revokes it."""

from __future__ import annotations

import re
import time
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.auth import browser as browser_session
from app.auth.service import SecurityContext
from app.core import tokens
from tests.factories import World, current_epoch
from tests.web import PASSWORD, hidden, sign_in
from tests.web.test_router import started_matrix


def _ctx(app: FastAPI) -> SecurityContext:
    ctx: SecurityContext = app.state.security
    return ctx


def _session_token(
    app: FastAPI, user_id: str, *, issued_ago: int, signed_in_ago: int, sid: str = "sid-1"
) -> str:
    subject = f"user:{user_id}"
    now = time.time()
    token, _ = browser_session.issue(
        _ctx(app),
        subject=subject,
        epoch=current_epoch(subject),
        sid=sid,
        auth_time=int(now - signed_in_ago),
        now=now - issued_ago,
    )
    return token


def _set_cookie(response: object) -> str | None:
    for header in response.headers.get_list("set-cookie"):  # type: ignore[attr-defined]
        name, _, rest = header.partition("=")
        if name == "ennakko_session":
            return rest.split(";")[0].strip('"')
    return None


def test_sign_in_gives_a_browser_session_of_the_idle_timeout_not_an_api_token(
    browser: TestClient, people: World
) -> None:
    sign_in(browser, people.preparer)
    cookie = browser.cookies["ennakko_session"]
    claims = tokens.unverified_claims(cookie)
    assert claims["aud"] == "ennakko-api:web"
    assert claims["exp"] - claims["iat"] == 60 * 60  # the default idle timeout
    assert claims["auth_time"] == claims["iat"]
    api = browser.get("/api/v1/me", headers={"Authorization": f"Bearer {cookie}"})
    assert api.status_code == 401


def test_activity_re_issues_the_cookie_with_the_same_session_and_csrf_token(
    browser: TestClient, people: World, web_app: FastAPI
) -> None:
    old = _session_token(web_app, people.preparer.id, issued_ago=50 * 60, signed_in_ago=3 * 3600)
    browser.cookies.set("ennakko_session", old)
    page = browser.get("/")
    assert page.status_code == 200
    renewed = _set_cookie(page)
    assert renewed
    assert renewed != old
    before, after = tokens.unverified_claims(old), tokens.unverified_claims(renewed)
    assert after["sid"] == before["sid"]
    assert after["auth_time"] == before["auth_time"]
    assert after["exp"] >= int(time.time()) + 59 * 60  # idle time starts again
    assert 'data-session-left="' in page.text
    browser.cookies.set("ennakko_session", renewed)
    again = browser.get("/")
    assert hidden(again.text, "csrf_token") == hidden(page.text, "csrf_token")


def test_a_fresh_cookie_is_not_re_issued_on_every_request(
    browser: TestClient, people: World, web_app: FastAPI
) -> None:
    fresh = _session_token(web_app, people.preparer.id, issued_ago=0, signed_in_ago=0)
    browser.cookies.set("ennakko_session", fresh)
    page = browser.get("/")
    assert page.status_code == 200
    assert _set_cookie(page) is None


def test_an_idle_session_lapses_after_the_idle_timeout(
    browser: TestClient, people: World, web_app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    idle = _session_token(web_app, people.preparer.id, issued_ago=61 * 60, signed_in_ago=61 * 60)
    browser.cookies.set("ennakko_session", idle)
    response = browser.get("/drafts/new")
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Fdrafts%2Fnew"
    # The timeout is a setting: at two minutes, three minutes without a request ends it.
    monkeypatch.setattr(_ctx(web_app).settings, "web_idle_minutes", 2)
    short = _session_token(web_app, people.preparer.id, issued_ago=3 * 60, signed_in_ago=3 * 60)
    browser.cookies.set("ennakko_session", short)
    assert browser.get("/").status_code == 303
    within = _session_token(web_app, people.preparer.id, issued_ago=60, signed_in_ago=60)
    browser.cookies.set("ennakko_session", within)
    assert browser.get("/").status_code == 200


def test_the_absolute_lifetime_ends_a_busy_session(
    browser: TestClient, people: World, web_app: FastAPI
) -> None:
    ctx, subject = _ctx(web_app), f"user:{people.preparer.id}"
    # Signed by us, within its idle time, but its sign-in is older than the absolute lifetime.
    too_old = tokens.issue_token(
        ctx.signer,
        subject=subject,
        issuer=ctx.settings.jwt_issuer,
        audience=browser_session.web_audience(ctx),
        lifetime_s=3600,
        claims={"gen": current_epoch(subject), "sid": "s", "auth_time": int(time.time()) - 43260},
        now=time.time() - 60,
    )
    browser.cookies.set("ennakko_session", too_old)
    assert browser.get("/").status_code == 303
    # Near the end the re-issued cookie lives only until the absolute end, not a full hour.
    near = _session_token(web_app, people.preparer.id, issued_ago=60, signed_in_ago=12 * 3600 - 600)
    browser.cookies.set("ennakko_session", near)
    page = browser.get("/")
    assert page.status_code == 200
    renewed = _set_cookie(page)
    assert renewed
    claims = tokens.unverified_claims(renewed)
    assert claims["exp"] == claims["auth_time"] + 12 * 3600


def test_logout_revokes_the_sliding_session_and_its_renewals(
    browser: TestClient, web_app: FastAPI, people: World
) -> None:
    sign_in(browser, people.preparer2)
    first = browser.cookies["ennakko_session"]
    browser.cookies.clear()
    user_id = people.preparer2.id
    later = _session_token(web_app, user_id, issued_ago=120, signed_in_ago=120)
    browser.cookies.set("ennakko_session", later)
    renewed = _set_cookie(browser.get("/"))
    assert renewed
    browser.cookies.set("ennakko_session", renewed)
    front = browser.get("/")
    out = browser.post("/logout", data={"csrf_token": hidden(front.text, "csrf_token")})
    assert out.status_code == 303
    for token in (first, later, renewed):
        browser.cookies.set("ennakko_session", token)
        assert browser.get("/").status_code == 303
    extend = browser.post("/session/extend", headers={"X-CSRF-Token": "x"})
    assert extend.status_code == 303


def test_the_continue_button_extends_the_session_with_its_csrf_header(
    browser: TestClient, people: World, web_app: FastAPI
) -> None:
    token = _session_token(web_app, people.expert.id, issued_ago=55 * 60, signed_in_ago=55 * 60)
    browser.cookies.set("ennakko_session", token)
    page = browser.get("/")
    csrf = hidden(page.text, "csrf_token")
    browser.cookies.clear()
    browser.cookies.set("ennakko_session", token)
    refused = browser.post("/session/extend")
    assert refused.status_code == 403
    assert _set_cookie(refused) is None
    extended = browser.post("/session/extend", headers={"X-CSRF-Token": csrf})
    assert extended.status_code == 200
    assert extended.json()["expires_in"] >= 59 * 60
    assert _set_cookie(extended)


def test_a_matrix_form_posted_after_the_session_lapsed_is_shown_again_after_sign_in(
    browser: TestClient, people: World, web_app: FastAPI
) -> None:
    draft_id, _ = started_matrix(browser, people.preparer)
    url = f"/drafts/{draft_id}/assessment"
    page = browser.get(url, params={"alternative": "alt-1", "area": "equality"}).text
    cell = re.findall(r'<select id="c-[^"]+" name="(v\|[^"]+)"', page)[0]
    # The person goes for lunch: the session lapses while the page is open.
    lapsed = _session_token(web_app, people.preparer.id, issued_ago=61 * 60, signed_in_ago=2 * 3600)
    browser.cookies.clear()
    browser.cookies.set("ennakko_session", lapsed)
    form = {
        "csrf_token": hidden(page, "csrf_token"),
        "version": hidden(page, "version"),
        "alternative": "alt-1",
        "area": "equality",
        "show": "all",
        cell: "1",
        "j" + cell[1:]: "Lounaan jälkeen kirjoitettu perustelu.",
    }
    posted = browser.post(url, data=form)
    assert posted.status_code == 303
    login_url = posted.headers["location"]
    assert login_url.startswith("/login?next=")
    assert "kept=1" in login_url
    next_url = parse_qs(urlsplit(login_url).query)["next"][0]
    assert next_url == f"{url}?alternative=alt-1&area=equality&show=all"
    assert "ennakko_kept=" in " ".join(posted.headers.get_list("set-cookie"))
    assert "perustelu" not in login_url  # nothing of the form in the URL
    login_page = browser.get(login_url)
    assert "Lähettämäsi tiedot on säilytetty" in login_page.text
    signed = browser.post(
        "/login",
        data={
            "email": people.preparer.email,
            "password": PASSWORD,
            "csrf_token": hidden(login_page.text, "csrf_token"),
            "next": next_url,
        },
    )
    assert signed.status_code == 303
    assert signed.headers["location"] == next_url
    shown = browser.get(next_url)
    assert shown.status_code == 200
    assert "Lounaan jälkeen kirjoitettu perustelu." in shown.text
    assert "on palautettu lomakkeelle" in shown.text
    assert 'ennakko_kept=""' in " ".join(shown.headers.get_list("set-cookie"))
    saved = browser.post(
        url,
        data=form
        | {
            "csrf_token": hidden(shown.text, "csrf_token"),
            "version": hidden(shown.text, "version"),
        },
    )
    assert saved.status_code == 303
    assert "cells_saved" in saved.headers["location"]
    # Shown once: the next visit is the page as stored.
    again = browser.get(next_url).text
    assert "on palautettu lomakkeelle" not in again
    assert "Lounaan jälkeen kirjoitettu perustelu." in again


def test_a_kept_form_is_shown_only_to_the_person_whose_session_lapsed(
    browser: TestClient, people: World, web_app: FastAPI
) -> None:
    draft_id, page = started_matrix(browser, people.preparer)
    url = f"/drafts/{draft_id}/assessment"
    cell = re.findall(r'<select id="c-[^"]+" name="(v\|[^"]+)"', page)[0]
    lapsed = _session_token(web_app, people.preparer.id, issued_ago=61 * 60, signed_in_ago=2 * 3600)
    browser.cookies.clear()
    browser.cookies.set("ennakko_session", lapsed)
    form = {"version": hidden(page, "version"), cell: "1", "j" + cell[1:]: "Toisen silmille?"}
    assert "kept=1" in browser.post(url, data=form).headers["location"]
    browser.cookies.delete("ennakko_session")
    sign_in(browser, people.preparer2)
    assert "Toisen silmille?" not in browser.get(url).text


def test_a_cell_saved_after_the_session_lapsed_answers_401_and_keeps_the_cookie(
    browser: TestClient, people: World, web_app: FastAPI
) -> None:
    draft_id, page = started_matrix(browser, people.preparer)
    cell = re.findall(r'<select id="c-[^"]+" name="(v\|[^"]+)"', page)[0]
    lapsed = _session_token(web_app, people.preparer.id, issued_ago=61 * 60, signed_in_ago=2 * 3600)
    browser.cookies.clear()
    browser.cookies.set("ennakko_session", lapsed)
    data = {"csrf_token": hidden(page, "csrf_token"), "version": hidden(page, "version"), cell: "1"}
    answer = browser.post(f"/drafts/{draft_id}/assessment/autosave", data=data)
    assert answer.status_code == 401
    assert answer.json() == {"expired": True}
    # The cookie stays, so the page's own save can still keep the form for this person.
    assert _set_cookie(answer) is None
