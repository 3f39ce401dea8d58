"""Every assessment form posted after the session lapsed (scope, texts, one cell, a review
comment) is kept and shown again, with its values and a message, after the sign-in."""

from __future__ import annotations

import tempfile
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.core import tokens
from tests.factories import Person, World
from tests.reviews.helpers import in_review
from tests.web import PASSWORD, hidden
from tests.web.test_router import started_matrix
from tests.web.test_sliding_session import _session_token

RESTORED = "on palautettu lomakkeelle"
_OTHER_KEY = Path(tempfile.mkdtemp(prefix="ennakko-forger-")) / "key.pem"


def _post_after_lapse(
    browser: TestClient, web_app: FastAPI, person: Person, path: str, form: dict[str, object]
) -> str:
    """Let the session lapse, post the form; the page the sign-in returns to."""
    lapsed = _session_token(web_app, person.id, issued_ago=61 * 60, signed_in_ago=2 * 3600)
    browser.cookies.clear()
    browser.cookies.set("ennakko_session", lapsed)
    posted = browser.post(path, data=form)
    assert posted.status_code == 303, posted.text
    login_url = posted.headers["location"]
    assert login_url.startswith("/login?next=")
    assert "kept=1" in login_url
    assert "ennakko_kept=" in " ".join(posted.headers.get_list("set-cookie"))
    next_url = parse_qs(urlsplit(login_url).query)["next"][0]
    login_page = browser.get(login_url).text
    signed = browser.post(
        "/login",
        data={
            "email": person.email,
            "password": PASSWORD,
            "csrf_token": hidden(login_page, "csrf_token"),
            "next": next_url,
        },
    )
    assert signed.status_code == 303
    assert signed.headers["location"] == next_url
    return next_url


def _shown_once(browser: TestClient, url: str, typed: str) -> str:
    shown = browser.get(url)
    assert shown.status_code == 200
    assert typed in shown.text
    assert RESTORED in shown.text
    assert RESTORED not in browser.get(url).text, "shown once"
    return shown.text


def test_scope_texts_cell_and_comment_forms_are_kept_over_a_lapsed_session(
    browser: TestClient, people: World, web_app: FastAPI
) -> None:
    person = people.preparer
    draft_id, page = started_matrix(browser, person)
    base = f"/drafts/{draft_id}/assessment"
    csrf, version = hidden(page, "csrf_token"), hidden(page, "version")

    scope_reason = "Muut ryhmät eivät käytä lähikirjastoa (kirjoitettu ennen lounasta)."
    scope_form = {
        "csrf_token": csrf,
        "version": version,
        "area": ["mental_health"],
        "group": ["children_7_12"],
        "reason": scope_reason,
        "action": "save",
    }
    url = _post_after_lapse(browser, web_app, person, f"{base}/scope", scope_form)
    assert url == f"{base}/scope"
    shown = _shown_once(browser, url, scope_reason)
    assert shown.count(" checked") == 2, "the two ticks posted, not the suggestion"

    texts = "Lieventäminen: kirjastoauto kulkee koulujen kautta (ennen lounasta)."
    url = _post_after_lapse(
        browser,
        web_app,
        person,
        f"{base}/texts",
        {"csrf_token": csrf, "version": version, "mitigation": texts},
    )
    assert url == f"{base}/texts"
    _shown_once(browser, url, texts)

    cell_text = "Solun näyttö kirjoitettu ennen lounasta."
    key = {"alternative": "alt-1", "area": "equality", "group": "working_age", "gender": "women"}
    url = _post_after_lapse(
        browser,
        web_app,
        person,
        f"{base}/cell",
        {"csrf_token": csrf, "version": version, **key, "value": "1", "evidence": cell_text},
    )
    assert urlsplit(url).path == f"{base}/cell"
    assert parse_qs(urlsplit(url).query)["group"] == ["working_age"]
    _shown_once(browser, url, cell_text)

    body = "Kommentti kirjoitettu ennen lounasta."
    url = _post_after_lapse(
        browser,
        web_app,
        person,
        f"/drafts/{draft_id}/review/comments",
        {"csrf_token": csrf, "anchor": "mitigation", "body": body},
    )
    assert url == f"/drafts/{draft_id}/review"
    _shown_once(browser, url, body)
    # nothing of these forms was written
    assert scope_reason not in browser.get(f"{base}/scope").text
    assert texts not in browser.get(f"{base}/texts").text


def test_a_bulk_change_is_kept_over_a_lapsed_session(
    browser: TestClient, people: World, web_app: FastAPI
) -> None:
    person = people.preparer
    draft_id, page = started_matrix(browser, person)
    base = f"/drafts/{draft_id}/assessment"
    typed = "Koko alue: matkat pitenevät (kirjoitettu ennen lounasta)."
    form = {
        "csrf_token": hidden(page, "csrf_token"),
        "version": hidden(page, "version"),
        "alternative": "alt-2",
        "area": "mental_health",
        "operation": "set",
        "target": "area",
        "value": "-1",
        "justification": typed,
    }
    url = _post_after_lapse(browser, web_app, person, f"{base}/bulk", form)
    assert urlsplit(url).path == base
    assert parse_qs(urlsplit(url).query)["alternative"] == ["alt-2"]
    shown = _shown_once(browser, url, typed)
    assert '<option value="area" selected>' in shown
    assert '<option value="-1" selected>' in shown, "the value chosen in the bulk form"
    assert shown.count(typed) == 1, "shown in the bulk form, not written to any cell"


def test_a_signoff_is_kept_and_a_state_change_is_not(
    browser: TestClient, api: TestClient, people: World, web_app: FastAPI
) -> None:
    draft = in_review(api, people)
    url = f"/drafts/{draft['id']}/review"
    comment = "Perustelut puuttuvat kahdesta solusta (kirjoitettu ennen lounasta)."
    form = {
        "csrf_token": "from-the-old-page",
        "requirement": "hyte_expert",
        "decision": "changes_requested",
        "comment": comment,
        "content_hash": "0" * 64,
    }
    assert _post_after_lapse(browser, web_app, people.expert, f"{url}/signoffs", form) == url
    shown = _shown_once(browser, url, comment)
    assert 'value="changes_requested" checked' in shown
    # a state change is not a form to fill in again: sign in, and nothing is kept
    lapsed = _session_token(web_app, people.expert.id, issued_ago=61 * 60, signed_in_ago=7200)
    browser.cookies.clear()
    browser.cookies.set("ennakko_session", lapsed)
    posted = browser.post(f"{url}/transitions/approve", data={"version": "1"})
    assert posted.status_code == 303
    assert posted.headers["location"].startswith("/login?next=")
    assert "kept=1" not in posted.headers["location"]
    assert "ennakko_kept=" not in " ".join(posted.headers.get_list("set-cookie"))


def _unsigned_copy(token: str) -> str:
    """The same claims under a signature of another key (same key id): a forgery."""
    claims = tokens.unverified_claims(token)
    kid = str(tokens.unverified_header(token)["kid"])
    other = tokens.LocalSigner.load_or_create(path=_OTHER_KEY, kid=kid, create=True)
    lifetime = int(claims["exp"]) - int(claims["iat"])
    return tokens.issue_token(
        other,
        subject=str(claims["sub"]),
        issuer=str(claims["iss"]),
        audience=str(claims["aud"]),
        lifetime_s=lifetime,
        claims={k: v for k, v in claims.items() if k not in tokens.REQUIRED_CLAIMS},
        now=float(claims["iat"]),
    )


def test_a_forged_or_long_dead_lapsed_cookie_keeps_nothing(
    browser: TestClient, people: World, web_app: FastAPI
) -> None:
    """Only a session cookie we signed, lapsed within the kept form's lifetime, names whose
    form is kept: a stranger cannot fill the kept-form store under anyone's name."""
    person = people.preparer
    draft_id, page = started_matrix(browser, person)
    form = {"csrf_token": hidden(page, "csrf_token"), "version": hidden(page, "version")}
    lapsed = _session_token(web_app, person.id, issued_ago=61 * 60, signed_in_ago=2 * 3600)
    long_dead = _session_token(web_app, person.id, issued_ago=5 * 3600, signed_in_ago=6 * 3600)
    for cookie in (_unsigned_copy(lapsed), long_dead, "not-a-token"):
        browser.cookies.clear()
        browser.cookies.set("ennakko_session", cookie)
        posted = browser.post(f"/drafts/{draft_id}/assessment/texts", data=form)
        assert posted.status_code == 303, posted.text
        assert posted.headers["location"].startswith("/login?next=")
        assert "kept=1" not in posted.headers["location"]
        assert "ennakko_kept=" not in " ".join(posted.headers.get_list("set-cookie"))
