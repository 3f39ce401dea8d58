"""The web UI in a real browser: sign in, draft, screening, matrix, tenants, languages, a11y."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.e2e.conftest import ALL_SAVED, SCREENSHOTS, LiveServer, sign_in
from tests.factories import Person, World
from tests.flows import FULL_ANSWERS, translate_all
from tests.reviews.helpers import assessed_draft, in_review, sign

pytestmark = pytest.mark.browser

# Structural accessibility checks a page must pass (a small axe-like sanity check).
A11Y_CHECK = """() => {
  const problems = [];
  for (const el of document.querySelectorAll('input:not([type=hidden]), select, textarea')) {
    const labelled = [...(el.labels || [])].some(l => l.textContent.trim());
    const named = labelled || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby');
    if (!named) problems.push('unlabelled control ' + (el.name || el.id));
  }
  const h1s = document.querySelectorAll('h1');
  if (h1s.length !== 1) problems.push('h1 count ' + h1s.length);
  let last = 0;
  for (const h of document.querySelectorAll('h1, h2, h3, h4, h5, h6')) {
    const level = Number(h.tagName[1]);
    if (level > last + 1) problems.push('heading skips to ' + h.tagName + ' ' + h.textContent);
    last = level;
  }
  if (!['fi', 'sv', 'en'].includes(document.documentElement.lang)) problems.push('html lang');
  if (!document.title.trim()) problems.push('no title');
  const root = document.documentElement;
  if (root.scrollWidth > window.innerWidth) problems.push('page scrolls sideways');
  if (document.querySelectorAll('main').length !== 1) problems.push('one main landmark');
  const ids = new Set();
  for (const el of document.querySelectorAll('[id]')) {
    if (ids.has(el.id)) problems.push('duplicate id ' + el.id);
    ids.add(el.id);
  }
  for (const el of document.querySelectorAll('a[href], button')) {
    if (!el.textContent.trim() && !el.getAttribute('aria-label')) {
      problems.push('unnamed ' + el.outerHTML.slice(0, 60));
    }
  }
  for (const el of document.querySelectorAll('[aria-describedby]')) {
    for (const ref of el.getAttribute('aria-describedby').split(' ')) {
      if (!document.getElementById(ref)) problems.push('describedby missing ' + ref);
    }
  }
  return problems;
}"""

TITLE = "Kirjastoverkon uudistus 2027"


def assert_accessible(page: Page) -> None:
    problems = page.evaluate(A11Y_CHECK)
    assert problems == [], f"{page.url}: {problems}"


def api_draft(server: LiveServer, person: Person, title: str) -> dict[str, Any]:
    body = {"title": title, "proposal": "Ehdotus.", "alternatives": [{"name": "Uusi malli"}]}
    response = httpx.post(f"{server.base_url}/api/v1/drafts", json=body, headers=person.headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


def create_draft(page: Page) -> str:
    page.get_by_role("link", name="Uusi luonnos").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Uusi päätösluonnos")
    assert_accessible(page)
    page.get_by_label("Otsikko").fill(TITLE)
    page.get_by_label("Päätösehdotus").fill("Lautakunta päättää kirjastoverkon uudistuksesta.")
    page.get_by_label("Päätöksentekijä").fill("Sivistyslautakunta")
    page.get_by_label("Kokouspäivä").fill("2027-03-15")
    page.get_by_label("Talousvaikutus (€)").fill("180 000")
    page.get_by_label("Vaihtoehdon 2 nimi").fill("Keskitetty malli")
    page.get_by_label("Vaihtoehdon 3 nimi").fill("Kirjastoauto")
    page.get_by_role("button", name="Luo luonnos").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_role("status")).to_contain_text("Luonnos luotiin.")
    match = re.search(r"/drafts/([0-9a-f-]{36})", page.url)
    assert match
    return match.group(1)


def screen(page: Page) -> None:
    page.get_by_role("navigation", name="Luonnoksen vaiheet").get_by_role(
        "link", name="Esiarviointi"
    ).click()
    expect(page.get_by_text("Luonnosta ei ole vielä esiarvioitu.")).to_be_visible()
    for question, answer in FULL_ANSWERS.items():
        page.locator(f"#f-answer-{question}-{answer}").check()
    page.get_by_role("button", name="Näytä sääntöjen mukainen tulos").click()
    expect(page.locator(".preview")).to_contain_text("Laaja arviointi")
    assert_accessible(page)
    page.get_by_label("Perustelu").fill("Muuttaa palveluverkkoa ja koskee lapsia ja ikääntyneitä.")
    page.get_by_role("button", name="Tallenna esiarviointi").click()
    expect(page.locator(".result-card strong.outcome")).to_have_text("Laaja arviointi")


def score(page: Page, cell: str, value: str, justification: str = "") -> None:
    page.locator(f'select[name="v|{cell}"]').select_option(value)
    if justification:
        textarea = page.locator(f'textarea[name="j|{cell}"]')
        folds = textarea.locator("xpath=ancestor::details")
        for index in range(folds.count()):  # outermost first, as a person opens them
            fold = folds.nth(index)
            if fold.get_attribute("open") is None:
                fold.locator(":scope > summary").click()
        textarea.fill(justification)


def start_matrix(page: Page) -> None:
    page.get_by_role("link", name="Siirry vaikutusten arviointiin").click()
    suggested = page.get_by_role("radio", name=re.compile("IVA.*ehdotettu"))
    expect(suggested).to_be_checked()
    page.get_by_role("button", name="Aloita arviointi").click()
    expect(page.get_by_role("status")).to_contain_text("Arviointi aloitettiin.")
    assert_accessible(page)


def open_area(page: Page, area: str) -> None:
    """The matrix editor shows one impact area at a time; its navigation opens another."""
    page.get_by_role("navigation", name="Vaikutusalueet").get_by_role("link", name=area).click()
    expect(page.locator("#matrix-table")).to_contain_text(area)


def save_cells(page: Page) -> None:
    """With scripting on, each change is saved as it is made; the page says when all are.
    The counts and the summary on the page are as loaded: a reload shows them updated."""
    expect(page.locator("#autosave-status")).to_have_text(ALL_SAVED)
    page.reload()


def score_cells(page: Page) -> None:
    """A negative and a positive with reasons, a negative without, and a cannot-assess."""
    score(
        page,
        "status_quo|wellbeing_distribution|children_0_6|women",
        "-2",
        "Lähikirjasto sulkeutuu; matka pitenee.",
    )
    score(
        page,
        "status_quo|wellbeing_distribution|children_0_6|men",
        "1",
        "Harrastusryhmät jatkuvat koululla.",
    )
    save_cells(page)
    open_area(page, "Mielenterveys")
    score(page, "status_quo|mental_health|children_0_6|women", "-1")
    save_cells(page)
    open_area(page, "Asuminen, liikkuminen ja lähiympäristö")
    score(page, "status_quo|housing_mobility|children_0_6|men", "ca")
    save_cells(page)


def check_summary(page: Page) -> None:
    summary = page.locator("#summary")
    row = summary.get_by_role("row", name=re.compile("^Nykytila"))
    for column, count in ((0, "1"), (2, "2"), (3, "1")):
        expect(row.get_by_role("cell").nth(column)).to_have_text(count)
    expect(summary.locator("section", has_text="Kasautuvat")).to_contain_text(
        "kielteinen vaikutus 2 solussa"
    )
    expect(summary.locator("section", has_text="Erot sukupuolten")).to_contain_text(
        "−− Merkittävä kielteinen vaikutus"
    )
    missing = summary.locator("section", has_text="Puuttuvat perustelut")
    expect(missing.get_by_role("link")).to_have_count(1)
    expect(missing.get_by_role("link")).to_contain_text("Mielenterveys")
    cannot = page.locator('select[name="v|status_quo|housing_mobility|children_0_6|men"]')
    expect(cannot).to_have_value("ca")
    open_area(page, "Hyvinvointi ja sen jakautuminen")
    expect(page.locator("td.dir-negative").first).to_contain_text("−−")


def test_preparer_runs_the_workflow_end_to_end(page: Page, people: World) -> None:
    sign_in(page, people.preparer)
    expect(page.get_by_role("heading", level=1)).to_have_text("Päätösluonnokset")
    assert_accessible(page)
    draft_id = create_draft(page)
    assert_accessible(page)
    screen(page)
    start_matrix(page)
    score_cells(page)
    check_summary(page)
    assert_accessible(page)
    page.screenshot(path=str(SCREENSHOTS / "ennakko-matrix.png"))
    page.locator(".matrix-form").screenshot(path=str(SCREENSHOTS / "ennakko-matrix-table.png"))
    page.get_by_role("link", name="Keskitetty malli").click()
    expect(page.locator("h3", has_text="Keskitetty malli")).to_be_visible()
    page.goto("/")
    # other tests of this module draft under the same title: the list links this one by its id
    expect(page.locator(f'a[href="/drafts/{draft_id}"]')).to_have_text(TITLE)
    page.screenshot(path=str(SCREENSHOTS / "ennakko-drafts-list.png"), full_page=True)


def test_another_organisation_gets_404(
    context: BrowserContext, page: Page, people: World, live_server: LiveServer
) -> None:
    draft = api_draft(live_server, people.preparer, "Vaasan sisäinen luonnos")
    sign_in(page, people.preparer)
    page.goto(f"/drafts/{draft['id']}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Vaasan sisäinen luonnos")
    outsider = context.browser.new_context(base_url=live_server.base_url)  # type: ignore[union-attr]
    try:
        other = outsider.new_page()
        sign_in(other, people.other_preparer)
        for path in ("", "/screening", "/assessment"):
            response = other.goto(f"/drafts/{draft['id']}{path}")
            assert response is not None
            assert response.status == 404
            expect(other.get_by_role("heading", level=1)).to_have_text("Sivua ei löytynyt")
            expect(other.get_by_text("Vaasan sisäinen luonnos")).to_have_count(0)
        other.goto("/")
        expect(other.get_by_role("link", name="Vaasan sisäinen luonnos")).to_have_count(0)
    finally:
        outsider.close()


def test_language_switch_to_swedish(page: Page, people: World, live_server: LiveServer) -> None:
    draft = api_draft(live_server, people.preparer, "Språkbyte")
    sign_in(page, people.preparer)
    page.goto(f"/drafts/{draft['id']}")
    page.get_by_role("link", name="På svenska").click()
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    tabs = page.get_by_role("navigation", name="Förslagets skeden")
    expect(tabs.get_by_role("link", name="Förhandsgranskning")).to_be_visible()
    expect(page.get_by_label("Rubrik")).to_have_value("Språkbyte")
    expect(page.get_by_role("heading", name="Versionshistorik")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Beslutsförslag").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Beslutsförslag")
    page.get_by_role("link", name="In English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Decision drafts")


def test_keyboard_focus_is_visible_and_skip_link_first(page: Page, people: World) -> None:
    sign_in(page, people.expert)
    page.keyboard.press("Tab")
    focused = page.evaluate("() => document.activeElement.textContent.trim()")
    assert focused == "Siirry sisältöön"
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"


def test_wrong_password_and_expert_read_only(
    page: Page, people: World, live_server: LiveServer
) -> None:
    page.goto("/login")
    assert_accessible(page)
    page.get_by_label("Sähköpostiosoite").fill(people.expert2.email)
    page.get_by_label("Salasana").fill("not-the-password")
    page.get_by_role("button", name="Kirjaudu").click()
    expect(page.get_by_role("alert")).to_have_text("Sähköpostiosoite tai salasana on väärin.")
    draft = api_draft(live_server, people.preparer, "Asiantuntija lukee")
    sign_in(page, people.expert2)
    page.goto(f"/drafts/{draft['id']}")
    expect(page.get_by_text("Roolisi sallii luonnoksen lukemisen")).to_be_visible()
    expect(page.get_by_role("button", name="Tallenna")).to_have_count(0)


def _person_page(context: BrowserContext, live_server: LiveServer, person: Person) -> Page:
    """A separate browser for another person (own cookies), signed in."""
    other = context.browser.new_context(  # type: ignore[union-attr]
        base_url=live_server.base_url,
        locale="fi-FI",
        viewport={"width": 1366, "height": 900},
        accept_downloads=True,
    )
    other.set_default_timeout(15_000)
    page = other.new_page()
    sign_in(page, person)
    return page


def test_review_annex_and_meeting_in_the_browser(
    context: BrowserContext, page: Page, people: World, live_server: LiveServer
) -> None:
    with httpx.Client(base_url=live_server.base_url) as api:
        draft = assessed_draft(api, people)  # type: ignore[arg-type]
        # its Swedish texts too: the default workflow approves only a translated draft
        translate_all(api, people.preparer, draft["id"])  # type: ignore[arg-type]
    review_url = f"/drafts/{draft['id']}/review"

    # The preparer submits the assessed draft for review.
    sign_in(page, people.preparer)
    page.goto(f"/drafts/{draft['id']}")
    page.get_by_role("navigation", name="Luonnoksen vaiheet").get_by_role(
        "link", name="Tarkastus"
    ).click()
    expect(page.get_by_role("heading", name="Tila ja siirrot")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Lähetä tarkastettavaksi").click()
    expect(page.get_by_role("status")).to_contain_text("Tila muutettiin.")
    expect(page.locator(".meta .status")).to_have_text("Tarkastettavana")

    # The expert finds it in the inbox, signs off and approves.
    expert = _person_page(context, live_server, people.expert)
    try:
        expert.get_by_role("link", name="Tarkastettavat").click()
        expect(expert.get_by_role("heading", level=1)).to_have_text("Odottaa tarkastustani")
        assert_accessible(expert)
        # the inbox may hold other drafts of the same title: this one's link
        expert.locator(f'a[href="{review_url}"]').first.click()
        expect(expert).to_have_url(re.compile(re.escape(review_url) + "$"))
        expert.get_by_role("radio", name="Hyväksyn").check()
        expert.get_by_label("Kommentti", exact=True).first.fill("Arviointi on kattava.")
        expert.get_by_role("button", name="Kirjaa tarkastus").click()
        expect(expert.get_by_role("status")).to_contain_text("Hyväksyntäsi kirjattiin.")
        expect(expert.locator(".requirement .progress")).to_have_text("1 / 1 hyväksyntää")
        expect(expert.locator(".badge-valid").first).to_have_text("voimassa")
        assert_accessible(expert)
        expert.get_by_role("button", name="Hyväksy arviointi").click()
        expect(expert.locator(".meta .status")).to_have_text("Hyväksytty")
        expert.get_by_label(re.compile("^Kommentti.*pakollinen")).fill("Hyvä <työ> & kiitos")
        expert.get_by_role("button", name="Lisää kommentti").click()
        expect(expert.locator(".thread .prose").last).to_have_text("Hyvä <työ> & kiitos")
        expert.screenshot(path=str(SCREENSHOTS / "ennakko-review.png"), full_page=True)
    finally:
        expert.context.close()

    # The secretary issues the annex, downloads the PDF, attaches it and records the outcome.
    secretary = _person_page(context, live_server, people.secretary)
    try:
        secretary.goto(f"/drafts/{draft['id']}/annex")
        expect(secretary.get_by_label("suomi")).to_be_checked()
        expect(secretary.get_by_label("ruotsi")).to_be_checked()
        secretary.get_by_role("button", name="Laadi liite").click()
        expect(secretary.get_by_role("status")).to_contain_text("Liite laadittiin.")
        assert_accessible(secretary)
        secretary.screenshot(path=str(SCREENSHOTS / "ennakko-annex.png"), full_page=True)
        annex = secretary.locator("article.annex", has_text="Liite 1 (suomi)")
        shown_sha = annex.locator('code.sha256[data-format="pdf"]').inner_text()
        with secretary.expect_download() as info:
            annex.get_by_role("link", name=re.compile(r"\.pdf$")).click()
        path = info.value.path()
        content = Path(path).read_bytes()
        assert content.startswith(b"%PDF")
        assert hashlib.sha256(content).hexdigest() == shown_sha
        secretary.get_by_role("navigation", name="Luonnoksen vaiheet").get_by_role(
            "link", name="Kokous"
        ).click()
        secretary.get_by_label("Kokouksen tunnus").fill("KH 2027/3")
        secretary.get_by_label("Pykälä").fill("§ 42")
        secretary.get_by_label("Kokouspäivä").fill("2027-03-15")
        secretary.get_by_label("Päätöksentekijä").fill("Kunnanhallitus")
        secretary.get_by_role("button", name="Liitä kokoukseen").click()
        expect(secretary.get_by_role("status")).to_contain_text("Liite liitettiin")
        assert_accessible(secretary)
        secretary.get_by_label(re.compile("^Päätös")).select_option("passed_unchanged")
        secretary.get_by_role("button", name="Kirjaa päätös").click()
        expect(secretary.get_by_role("status")).to_contain_text("Kokouksen päätös kirjattiin.")
        expect(secretary.locator(".outcome-recorded")).to_have_text("Hyväksyttiin sellaisenaan")
        expect(secretary.locator(".meta .status")).to_have_text("Päätetty")
        secretary.get_by_role("link", name="Historia").first.click()
        expect(secretary.get_by_role("cell", name="Kokouksen päätös kirjattiin")).to_be_visible()
        assert_accessible(secretary)
    finally:
        secretary.context.close()


def test_a_stale_signoff_is_shown_after_an_edit(
    page: Page, people: World, live_server: LiveServer
) -> None:
    with httpx.Client(base_url=live_server.base_url) as api:
        draft = in_review(api, people)  # type: ignore[arg-type]
        assert sign(api, people.expert, draft["id"]).status_code == 201  # type: ignore[arg-type]
        assessment = api.get(
            f"/api/v1/drafts/{draft['id']}/assessment", headers=people.expert.headers
        )
        cell = assessment.json()["cells"][0]
        changed = api.patch(
            f"/api/v1/drafts/{draft['id']}/assessment/cells",
            json={
                "cells": [
                    {k: cell[k] for k in ("alternative", "area", "group", "gender")}
                    | {"value": -1, "justification": "Matka pitenee."}
                ]
            },
            headers=people.expert.headers | {"If-Match": assessment.headers["etag"]},
        )
        assert changed.status_code == 200, changed.text
    sign_in(page, people.preparer)
    page.goto(f"/drafts/{draft['id']}/review")
    stale = page.locator(".badge-stale")
    expect(stale).to_have_text("VANHENTUNUT")
    expect(page.locator(".requirement .progress")).to_have_text("0 / 1 hyväksyntää")
    page.get_by_role("link", name=re.compile("Mitä on muuttunut")).click()
    expect(page.get_by_role("heading", name="Muutokset hyväksynnän jälkeen")).to_be_visible()
    expect(page.locator(".diff-table tbody tr")).to_have_count(1)
    expect(page.locator(".diff-after")).to_contain_text("Matka pitenee.")
    assert_accessible(page)
    page.screenshot(path=str(SCREENSHOTS / "ennakko-signoff-diff.png"), full_page=True)
