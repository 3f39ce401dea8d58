"""Nothing lost: the matrix editor saves each cell as it is changed, and when the session
lapses during edits the explicit save keeps the form through the sign-in (Debian's chromium)."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import Dialog, Page, expect

from app.auth import browser as browser_session
from tests.e2e.conftest import ALL_SAVED, PASSWORD, LiveServer, sign_in
from tests.e2e.test_workflow import create_draft, screen, start_matrix
from tests.factories import World, current_epoch

pytestmark = pytest.mark.browser


def _lapse_session(page: Page, live_server: LiveServer, user_id: str) -> None:
    """The person's session runs out: its cookie now holds a token idle for longer than the
    (tiny) idle timeout of the server."""
    ctx = live_server.app.state.security
    subject = f"user:{user_id}"
    now = time.time()
    token, _ = browser_session.issue(
        ctx,
        subject=subject,
        epoch=current_epoch(subject),
        sid="lapsed",
        auth_time=int(now - 180),
        now=now - 120,
    )
    page.context.add_cookies(
        [{"name": "ennakko_session", "value": token, "url": live_server.base_url}]
    )


def test_edits_survive_autosave_and_a_session_that_lapses(
    page: Page, people: World, live_server: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(live_server.app.state.security.settings, "web_idle_minutes", 1)
    sign_in(page, people.preparer)
    draft_id = create_draft(page)
    screen(page)
    start_matrix(page)
    status = page.locator("#autosave-status")
    expect(status).to_have_text(ALL_SAVED)

    cells = page.locator("td.cell select:not([disabled])")
    first = cells.nth(0)
    first_name = first.get_attribute("name")
    assert first_name
    first.select_option("1")
    page.locator(f'textarea[name="j{first_name[1:]}"]').fill("Autotallennettu perustelu.")
    page.locator(f'textarea[name="j{first_name[1:]}"]').blur()
    expect(status).to_have_text(ALL_SAVED)
    expect(first.locator("xpath=ancestor::td")).to_contain_text("Tallennettu")

    # The session lapses while the person goes on editing another cell.
    _lapse_session(page, live_server, people.preparer.id)
    second = cells.nth(1)
    second_name = second.get_attribute("name")
    assert second_name
    second.select_option("-1")
    justification = page.locator(f'textarea[name="j{second_name[1:]}"]')
    justification.fill("Kirjoitettu istunnon päätyttyä.")
    justification.blur()
    expect(status).to_contain_text("Istunto on päättynyt")
    expect(page.locator("#session-warning")).to_contain_text("Istuntosi on päättynyt")

    # Leaving for another area with the unsaved edit asks first; staying keeps the page.
    asked: list[str] = []

    def stay(dialog: Dialog) -> None:
        asked.append(dialog.type)
        dialog.dismiss()

    page.once("dialog", stay)
    areas = page.get_by_role("navigation", name="Vaikutusalueet").get_by_role("link")
    areas.nth(1).click(no_wait_after=True)
    expect(justification).to_have_value("Kirjoitettu istunnon päätyttyä.")
    assert asked == ["beforeunload"]

    # The explicit save goes to the sign-in, which keeps the form and says so.
    page.get_by_role("button", name="Tallenna muutokset").click()
    page.wait_for_url("**/login?**")
    expect(page.get_by_text("Lähettämäsi tiedot on säilytetty")).to_be_visible()
    page.get_by_label("Sähköpostiosoite").fill(people.preparer.email)
    page.get_by_label("Salasana").fill(PASSWORD)
    page.get_by_role("button", name="Kirjaudu").click()
    page.wait_for_url(f"**/drafts/{draft_id}/assessment?**")
    expect(page.get_by_text("on palautettu lomakkeelle")).to_be_visible()
    expect(page.locator(f'select[name="{second_name}"]')).to_have_value("-1")
    expect(justification).to_have_value("Kirjoitettu istunnon päätyttyä.")
    page.get_by_role("button", name="Tallenna muutokset").click()
    expect(page.locator(".notice-success")).to_contain_text("Solujen muutokset tallennettiin.")

    # Both edits are stored: the autosaved one and the one made after the session lapsed.
    page.reload()
    expect(page.locator(f'select[name="{first_name}"]')).to_have_value("1")
    expect(page.locator(f'textarea[name="j{first_name[1:]}"]')).to_have_value(
        "Autotallennettu perustelu."
    )
    expect(page.locator(f'select[name="{second_name}"]')).to_have_value("-1")
    expect(justification).to_have_value("Kirjoitettu istunnon päätyttyä.")
