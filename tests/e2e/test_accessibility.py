"""WCAG 2.1 AA with axe-core on every page of the UI, as each role sees it, in fi, sv and en."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page

from tests.e2e.axe import describe, violations
from tests.e2e.conftest import LiveServer, with_fresh_tokens
from tests.factories import World, build_world, mint
from tests.reviews.helpers import assessed_draft, etag, in_review, issued, sign

pytestmark = pytest.mark.browser

LANGS = ("fi", "sv", "en")
ROLES = ("preparer", "expert", "secretary", "admin")


@dataclass(frozen=True)
class Drafts:
    """One draft in each state whose pages differ."""

    editing: str  # assessment in progress: the editable matrix
    review: str  # in review with a stale sign-off
    signoff: str
    done: str  # approved, annex issued, attached to a meeting
    annexes: dict[str, str]  # language → annex id


@pytest.fixture(scope="module")
def tenants(live_server: LiveServer) -> World:
    """Tenants of these tests alone (no passwords: the pages are opened with minted session
    tokens), so their drafts never show up in the other browser tests' lists and inboxes."""
    return build_world(live_server.app)


@pytest.fixture(scope="module")
def drafts(live_server: LiveServer, tenants: World) -> Drafts:
    people = with_fresh_tokens(tenants, live_server.app)
    # writing the whole IVA matrix (2 448 cells) takes a while on a busy machine
    with httpx.Client(base_url=live_server.base_url, timeout=120) as api:
        editing = assessed_draft(api, people, "iva")  # type: ignore[arg-type]
        review = in_review(api, people)  # type: ignore[arg-type]
        signed = sign(api, people.expert, review["id"])  # type: ignore[arg-type]
        assert signed.status_code == 201, signed.text
        assessment = api.get(
            f"/api/v1/drafts/{review['id']}/assessment", headers=people.expert.headers
        )
        cell = assessment.json()["cells"][0]
        keys = ("alternative", "area", "group", "gender")
        changed = api.patch(
            f"/api/v1/drafts/{review['id']}/assessment/cells",
            json={"cells": [{k: cell[k] for k in keys} | {"value": -1, "justification": "Ei."}]},
            headers=people.expert.headers | {"If-Match": assessment.headers["etag"]},
        )
        assert changed.status_code == 200, changed.text
        done, annexes = issued(api, people, "iva")  # type: ignore[arg-type]
        english = api.post(
            f"/api/v1/drafts/{done['id']}/annexes",
            json={"languages": ["en"]},
            headers=people.secretary.headers,
        )
        assert english.status_code == 201, english.text
        annexes += english.json()
        attached = api.post(
            f"/api/v1/drafts/{done['id']}/meetings",
            json={
                "meeting_id": "KV 2027/3",
                "item_number": "§ 42",
                "meeting_date": "2027-03-15",
                "decision_body": "Kaupunginvaltuusto",
            },
            headers=people.secretary.headers
            | {"If-Match": etag(api, people.secretary, done["id"])},  # type: ignore[arg-type]
        )
        assert attached.status_code == 201, attached.text
    return Drafts(
        editing=editing["id"],
        review=review["id"],
        signoff=signed.json()["signoff"]["id"],
        done=done["id"],
        annexes={a["language"]: a["id"] for a in annexes},
    )


def pages_for(role: str, d: Drafts, people: World, lang: str) -> list[str]:
    """Every page the role can open, with the drafts in the states that make them differ."""
    pages = [
        "/",
        "/drafts/new",
        f"/drafts/{d.editing}",
        f"/drafts/{d.editing}/screening",
        f"/drafts/{d.editing}/assessment",
        f"/drafts/{d.editing}/assessment/texts",
        f"/drafts/{d.editing}/assessment/scope",
        f"/drafts/{d.editing}/assessment/missing",
        f"/drafts/{d.editing}/assessment/cell?alternative=status_quo&area=wellbeing_distribution"
        "&group=children_0_6&gender=women",
        f"/drafts/{d.editing}/translations/sv",
        f"/drafts/{d.review}/review",
        f"/drafts/{d.review}/review/signoffs/{d.signoff}",
        f"/drafts/{d.done}",
        f"/drafts/{d.done}/assessment",
        f"/drafts/{d.done}/review",
        f"/drafts/{d.done}/annex",
        f"/drafts/{d.done}/meeting",
        f"/drafts/{d.done}/history",
        f"/drafts/{d.done}/translations/sv?show=all",
        f"/annexes/{d.annexes[lang]}.html",
        "/accessibility",
        "/help",
        "/no-such-page",
    ]
    if role in ("expert", "admin"):
        pages.append("/reviews")
        # the coordinator's reports, the annual report's HTML and the follow-up catalogue
        pages += [
            "/reports?year=2026",
            f"/reports/{people.org}/coverage?year=2026",
            f"/reports/{people.org}/ledger?year=2026",
            f"/reports/{people.region}/region?year=2026",
            f"/followups/{people.org}",
        ]
        if lang in ("fi", "sv"):  # the annual report is written in the organisation's languages
            pages.append(f"/reports/{people.org}/annual.html?year=2026")
    if role in ("preparer", "expert", "admin"):
        pages.append(f"/drafts/{d.done}/followup")
    if role == "admin":
        pages.append(f"/organisations/{people.org}/policy")
    return pages


@pytest.fixture
def role_context(browser: Browser, live_server: LiveServer) -> Iterator[BrowserContext]:
    ctx = browser.new_context(
        base_url=live_server.base_url, viewport={"width": 1280, "height": 900}
    )
    ctx.set_default_timeout(15_000)
    yield ctx
    ctx.close()


def _check(page: Page, paths: list[str], lang: str) -> list[str]:
    failures = []
    for path in paths:
        separator = "&" if "?" in path else "?"
        response = page.goto(f"{path}{separator}lang={lang}")
        assert response is not None
        shown = page.locator("html").get_attribute("lang")
        if shown != lang:
            failures.append(f"{path} ({lang}): html lang is {shown!r} ({response.status})")
            continue
        found = violations(page)
        if found:
            failures.append(describe(f"{path} ({lang})", found))
    return failures


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("role", ROLES)
def test_every_page_has_no_wcag_violations(
    role_context: BrowserContext,
    live_server: LiveServer,
    tenants: World,
    drafts: Drafts,
    role: str,
    lang: str,
) -> None:
    person = getattr(tenants, role)
    token = mint(live_server.app, f"user:{person.id}")
    role_context.add_cookies(
        [{"name": "ennakko_session", "value": token, "url": live_server.base_url}]
    )
    page = role_context.new_page()
    failures = _check(page, pages_for(role, drafts, tenants, lang), lang)
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("lang", LANGS)
def test_signed_out_pages_have_no_wcag_violations(role_context: BrowserContext, lang: str) -> None:
    page = role_context.new_page()
    failures = _check(page, ["/login", "/accessibility", "/help"], lang)
    assert not failures, "\n".join(failures)


# Every point of the focused control is the control itself: nothing sticky lies on top of it
# and it is inside the viewport (WCAG 2.4.11 asks for "not entirely hidden"; this is stricter).
FOCUS_SHOWN = """async () => {
  await new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
  const el = document.activeElement;
  const r = el.getBoundingClientRect();
  const points = [[r.left + 2, r.top + 2], [r.right - 2, r.bottom - 2],
                  [r.left + r.width / 2, r.top + r.height / 2]];
  const shown = points.every(([x, y]) => {
    const hit = document.elementFromPoint(x, y);
    return hit !== null && (hit === el || el.contains(hit));
  });
  if (shown) return null;
  const c = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
  const over = c ? c.outerHTML.slice(0, 60) : 'outside the viewport';
  return (el.name || el.outerHTML.slice(0, 80)) + ' under ' + over;
}"""


def test_keyboard_focus_is_never_hidden_behind_the_sticky_column_or_save_bar(
    browser: Browser, live_server: LiveServer, tenants: World, drafts: Drafts
) -> None:
    ctx = browser.new_context(
        base_url=live_server.base_url, viewport={"width": 1024, "height": 600}
    )
    try:
        token = mint(live_server.app, f"user:{tenants.preparer.id}")
        ctx.add_cookies([{"name": "ennakko_session", "value": token, "url": live_server.base_url}])
        page = ctx.new_page()
        page.goto(f"/drafts/{drafts.editing}/assessment?lang=fi")
        page.locator(".matrix select").first.focus()
        hidden = []
        # across the first rows (the table scrolls sideways and the page down), then back
        for key in ["Tab"] * 120 + ["Shift+Tab"] * 120:
            page.keyboard.press(key)
            covered = page.evaluate(FOCUS_SHOWN)
            if covered is not None:
                hidden.append(f"{key}: {covered}")
        assert hidden == [], f"{len(hidden)} of 240 focus stops hidden: {hidden[:10]}"
    finally:
        ctx.close()
