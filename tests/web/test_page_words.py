"""Smaller things a user sees: "New draft" only for those who may create one, singular and
plural forms."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.core.i18n import translate
from tests.factories import World
from tests.web import hidden, new_draft, sign_in

NEW_DRAFT = 'href="/drafts/new"'


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


def test_budget_reads_the_same_in_the_edit_and_the_read_view(
    web_app: FastAPI, people: World
) -> None:
    with TestClient(web_app, raise_server_exceptions=False, follow_redirects=False) as preparer:
        sign_in(preparer, people.preparer)
        draft_id = new_draft(preparer, title="Budjetti")
        for lang, shown in (("fi", "250\u00a0000,50"), ("en", "250,000.50")):
            page = preparer.get(f"/drafts/{draft_id}", params={"lang": lang}).text
            assert hidden(page, "budget_eur") == shown
        # the en form posted back as shown keeps the sum
        page = preparer.get(f"/drafts/{draft_id}", params={"lang": "en"}).text
        form = {
            "csrf_token": hidden(page, "csrf_token"),
            "version": hidden(page, "version"),
            "title": "Budjetti",
            "proposal": "Lautakunta päättää uudistaa koulukuljetukset.",
            "decision_body": "Sivistyslautakunta",
            "budget_eur": hidden(page, "budget_eur"),
            "languages": ["fi", "sv"],
            "alt_count": "3",
            "alt-0-key": "status_quo",
            "alt-0-sq": "1",
            "alt-0-name": hidden(page, "alt-0-name"),
            "alt-1-key": hidden(page, "alt-1-key"),
            "alt-1-name": hidden(page, "alt-1-name"),
            "alt-2-key": hidden(page, "alt-2-key"),
            "alt-2-name": hidden(page, "alt-2-name"),
            "action": "save",
        }
        saved = preparer.post(f"/drafts/{draft_id}", params={"lang": "en"}, data=form)
        assert saved.status_code == 303, saved.text
        again = preparer.get(f"/drafts/{draft_id}", params={"lang": "en"}).text
        assert hidden(again, "budget_eur") == "250,000.50"
    with TestClient(web_app, raise_server_exceptions=False, follow_redirects=False) as expert:
        sign_in(expert, people.expert)
        read = expert.get(f"/drafts/{draft_id}", params={"lang": "fi"}).text
        assert 'name="budget_eur"' not in read
        assert "<dd>250\u00a0000,50 €</dd>" in read


def test_screening_questions_carry_their_numbers(browser: TestClient, people: World) -> None:
    sign_in(browser, people.preparer)
    draft_id = new_draft(browser, title="Numerot")
    page = browser.get(f"/drafts/{draft_id}/screening").text
    assert '<legend><span class="question-number">Kysymys 1.</span>' in page
    assert '<span class="question-number">Kysymys 2.</span>' in page
