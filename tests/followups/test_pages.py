"""The follow-up pages without script: plan, review with a stale version, the organisation's
list and the catalogue upload with row errors, in Finnish; another tenant gets 404."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.main import create_app
from tests.factories import World, build_world
from tests.followups.world import decision_with_indicators
from tests.web import PASSWORD, hidden, sign_in, with_web


@pytest.fixture(scope="module")
def web_app(database: str) -> FastAPI:
    return with_web(create_app())


@pytest.fixture(scope="module")
def decided(web_app: FastAPI) -> tuple[World, str]:
    world = build_world(web_app, password=PASSWORD)
    with TestClient(web_app, raise_server_exceptions=False) as api:
        draft = decision_with_indicators(
            api,
            world.preparer,
            world.expert,
            title="Päiväkotiverkko <uusi>",
            values={("child_health", "children_0_6", "girls"): -2},
        )
    return world, draft["id"]


@pytest.fixture
def browser(web_app: FastAPI) -> Iterator[TestClient]:
    with TestClient(web_app, raise_server_exceptions=False, follow_redirects=False) as client:
        yield client


def _labelled(page: str) -> None:
    for table in re.findall(r"<table.*?</table>", page, flags=re.S):
        assert "<caption" in table
        assert '<th scope="col">' in table
    for field in re.findall(r'<(?:input|select|textarea)[^>]*\bid="(f-[^"]+)"', page):
        assert f'for="{field}"' in page, field


def test_plan_then_review_and_a_stale_save(browser: TestClient, decided: tuple[World, str]) -> None:
    world, draft_id = decided
    sign_in(browser, world.expert)
    page = browser.get(f"/drafts/{draft_id}/followup").text
    assert "Seurantasuunnitelma" in page
    assert "Päiväkotiverkko &lt;uusi&gt;" in page
    _labelled(page)
    form = {
        "csrf_token": hidden(page, "csrf_token"),
        "on-0": "2026-03-01",
        "who-0": "Koordinaattori",
        "on-1": "",
        "who-1": "",
    }
    response = browser.post(f"/drafts/{draft_id}/followup/plan", data=form)
    assert response.status_code == 422
    assert "needs a review date and a person" in response.text
    response = browser.post(
        f"/drafts/{draft_id}/followup/plan", data={**form, "on-1": "2026-04-01", "who-1": "Rehtori"}
    )
    assert response.status_code == 303, response.text
    page = browser.get(response.headers["location"]).text
    assert "Suunnitelma tallennettiin." in page
    assert "Päätöksen jälkeinen arviointi" in page
    _labelled(page)
    cell = hidden(page, "cell-0")
    review = {
        "csrf_token": hidden(page, "csrf_token"),
        "version": hidden(page, "version"),
        "real-0": "16 %",
        "obs-0": "Laski.",
        "real-1": "",
        "obs-1": "",
        "cell-0": cell,
        "verdict-0": "partly",
        "vnote-0": "",
        "summary": "Osittain.",
    }
    response = browser.post(f"/drafts/{draft_id}/followup/review", data=review)
    assert response.status_code == 303, response.text
    page = browser.get(response.headers["location"]).text
    assert "Arviointi tallennettiin." in page
    assert 'value="16 %"' in page
    assert '<option value="partly" selected>' in page
    stale = browser.post(f"/drafts/{draft_id}/followup/review", data=review)
    assert stale.status_code == 412
    assert "muutti seurantaa" in stale.text
    listing = browser.get(f"/followups/{world.org}").text
    assert f'href="/drafts/{draft_id}/followup"' in listing
    _labelled(listing)


def test_catalogue_upload_names_bad_rows(browser: TestClient, decided: tuple[World, str]) -> None:
    world, _ = decided
    sign_in(browser, world.expert)
    page = browser.get(f"/followups/{world.org}").text
    token = hidden(page, "csrf_token")
    bad = "source,code,name_fi\nsotkanet,abc,Nimi\n"
    response = browser.post(
        f"/followups/{world.org}/indicators",
        data={"csrf_token": token},
        files={"file": ("i.csv", bad.encode(), "text/csv")},
    )
    assert response.status_code == 422
    assert "rivi 2, code" in response.text
    good = "source,code,name_fi\nown,OMA-9,Oma mittari\n"
    response = browser.post(
        f"/followups/{world.org}/indicators", data={"csrf_token": token, "csv": good}
    )
    assert response.status_code == 200, response.text
    assert "Tuotu: 1 uutta" in response.text
    assert "OMA-9" in response.text


def test_other_tenant_gets_404(browser: TestClient, decided: tuple[World, str]) -> None:
    world, draft_id = decided
    sign_in(browser, world.other_preparer)
    assert browser.get(f"/drafts/{draft_id}/followup").status_code == 404
    assert browser.get(f"/followups/{world.org}").status_code == 404
