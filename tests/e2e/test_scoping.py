"""A preparer scopes an IVA assessment (4 areas × 5 groups), scores its three alternatives
with bulk actions and submits it for review, in Debian's chromium; every user action (a
click, a fill, a choice) is counted."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e.axe import describe, violations
from tests.e2e.conftest import ALL_SAVED, SCREENSHOTS, sign_in
from tests.e2e.test_accessibility import FOCUS_SHOWN
from tests.e2e.test_workflow import assert_accessible, create_draft, screen
from tests.factories import World

pytestmark = pytest.mark.browser

AREAS = (
    "Hyvinvointi ja sen jakautuminen",
    "Mielenterveys",
    "Terveys ja sen jakautuminen",
    "Yhdenvertaisuus ja syrjimättömyys",
)
GROUPS = (
    "Lapset 0–6 v.",
    "Lapset 7–12 v.",
    "Nuoret 13–17 v.",
    "Työikäiset 30–64 v.",
    "Ikääntyneet 75 v. täyttäneet",
)
# The target for a preparer's whole scoped IVA assessment, from the start of the matrix.
ACTIONS_LIMIT = 60


@dataclass
class Actions:
    """Counts what the person does: each click, fill or choice is one action."""

    count: int = 0

    def click(self, target: Locator) -> None:
        self.count += 1
        target.click()

    def fill(self, target: Locator, text: str) -> None:
        self.count += 1
        target.fill(text)

    def choose(self, target: Locator, value: str) -> None:
        self.count += 1
        target.select_option(value)

    def check(self, target: Locator) -> None:
        self.count += 1
        target.check()


def _no_wcag_violations(page: Page) -> None:
    found = violations(page)
    assert found == [], describe(page.url, found)


def _scope(page: Page, act: Actions) -> None:
    act.click(page.get_by_role("link", name="Muuta rajausta"))
    expect(page.get_by_role("heading", name="Rajaus", level=2)).to_be_visible()
    assert_accessible(page)
    _no_wcag_violations(page)
    act.click(page.get_by_role("button", name="Poista kaikki valinnat"))
    for area in AREAS:
        act.check(page.get_by_role("checkbox", name=area, exact=True))
    for group in GROUPS:
        act.check(page.get_by_role("checkbox", name=group, exact=True))
    act.fill(
        page.get_by_label("Perustelu rajaukselle"),
        "Kirjastoverkko ei muuta asumista, ympäristöä eikä toimeentuloa; muut ikäryhmät "
        "käyttävät pääkirjastoa, jota muutos ei koske.",
    )
    act.click(page.get_by_role("button", name="Tallenna rajaus"))
    expect(page.get_by_role("status")).to_contain_text("Rajaus tallennettiin.")
    expect(page.get_by_text("arvioimatta: 80").first).to_be_visible()


def _bulk(page: Page, act: Actions, target: str | None, value: str, text: str = "") -> None:
    form = page.locator("form.bulk-form").first
    if target is not None:
        act.choose(form.get_by_label("Solut"), target)
    act.choose(form.get_by_label("Arvio", exact=True), value)
    if text:
        act.fill(form.get_by_label("Yhteinen perustelu"), text)
    # the form waits for cell saves still in flight, then the page reloads with the result
    with page.expect_navigation():
        act.click(form.get_by_role("button", name="Aseta arvio valituille soluille"))
    expect(page.get_by_role("status")).to_contain_text("Solut tallennettiin.")


def _what_is_missing(page: Page) -> None:
    """The count of what is missing leads to each missing cell, wherever it is (a look, not
    a step of the assessment: not counted)."""
    here = page.url
    page.locator("#matrix-counts").get_by_role("link", name="arvioimatta: 75").click()
    expect(page.get_by_role("heading", name="Mitä puuttuu", level=2)).to_be_visible()
    expect(page.get_by_role("heading", name="Keskitetty malli: puuttuu 75")).to_be_visible()
    assert_accessible(page)
    _no_wcag_violations(page)
    page.goto(here)


def _focus_stays_clear_of_sticky_headers(page: Page) -> None:
    """WCAG 2.4.11: tabbing through the cells (and back), focus is never under the sticky
    header row, the sticky first column or the save bar."""
    page.set_viewport_size({"width": 1024, "height": 600})
    page.locator(".matrix.compact select").first.focus()
    hidden = []
    for key in ["Tab"] * 50 + ["Shift+Tab"] * 50:
        page.keyboard.press(key)
        covered = page.evaluate(FOCUS_SHOWN)
        if covered is not None:
            hidden.append(f"{key}: {covered}")
    assert hidden == [], f"{len(hidden)} of 100 focus stops hidden: {hidden[:10]}"
    page.set_viewport_size({"width": 1366, "height": 900})


def test_preparer_scopes_and_bulk_scores_an_iva_assessment_to_submission(
    page: Page, people: World
) -> None:
    sign_in(page, people.preparer)
    create_draft(page)
    screen(page)
    act = Actions()
    act.click(page.get_by_role("link", name="Siirry vaikutusten arviointiin"))
    expect(page.get_by_role("radio", name=re.compile("IVA.*ehdotettu"))).to_be_checked()
    act.click(page.get_by_role("button", name="Aloita arviointi"))
    expect(page.get_by_text("arvioimatta: 768").first).to_be_visible()
    _scope(page, act)

    # Status quo: nothing changes, so every remaining cell in scope is "no impact".
    _bulk(page, act, None, "0")
    expect(page.get_by_text("arvioimatta: 0").first).to_be_visible()

    # The centralised model: children 7–12 lose their local library (every gender, this
    # area), one cell is better for working-age women, the rest is no impact.
    alternatives = page.get_by_role("navigation", name="Vaihtoehdot")
    act.click(alternatives.get_by_role("link", name="Keskitetty malli"))
    _bulk(page, act, "group:children_7_12", "-1", "Lähikirjasto sulkeutuu; koulumatka pitenee.")
    cell = "alt-1|wellbeing_distribution|working_age|women"
    act.choose(page.locator(f'select[name="v|{cell}"]'), "1")
    act.fill(page.locator(f'textarea[name="j|{cell}"]'), "Aukioloajat pitenevät.")
    # each change is saved as it is made: no save button to press; what is missing is
    # counted again on the page without a reload (80 − 4 by the row − 1 by this cell)
    expect(page.locator("#autosave-status")).to_have_text(ALL_SAVED)
    expect(page.locator("#matrix-counts").get_by_text("arvioimatta: 75").first).to_be_visible()
    _what_is_missing(page)
    _bulk(page, act, "remaining", "0")
    expect(page.locator("td.dir-negative").first).to_contain_text("− Kielteinen vaikutus")
    assert_accessible(page)
    _no_wcag_violations(page)
    _focus_stays_clear_of_sticky_headers(page)
    page.screenshot(path=str(SCREENSHOTS / "ennakko-compact-matrix.png"), full_page=True)

    # The library bus: the same as the centralised model, copied.
    act.click(alternatives.get_by_role("link", name="Kirjastoauto"))
    copy = page.locator("form.bulk-form").nth(1)
    act.choose(copy.get_by_label(re.compile("^Kopioi vaihtoehtoon")), "alt-1")
    act.click(copy.get_by_role("button", name="Kopioi"))
    expect(page.get_by_role("status")).to_contain_text("Solut tallennettiin.")
    expect(page.get_by_text("arvioimatta: 0")).to_have_count(4)

    act.click(
        page.get_by_role("navigation", name="Luonnoksen vaiheet").get_by_role(
            "link", name="Tarkastus"
        )
    )
    act.click(page.get_by_role("button", name="Lähetä tarkastettavaksi"))
    expect(page.get_by_role("status")).to_contain_text("Tila muutettiin.")
    expect(page.locator(".meta .status")).to_have_text("Tarkastettavana")
    # Reported in the closing note; the target for this scope is under 60.
    assert act.count < ACTIONS_LIMIT, act.count
    print(f"\nuser actions from starting the matrix to submission: {act.count}")
