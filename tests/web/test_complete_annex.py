"""An annex made on the web alone can be complete: every form filled through the web UI, and
the annex then records every section (none says "not recorded")."""

from __future__ import annotations

import html
import json
import re

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.core.i18n import catalogue
from app.main import create_app
from tests.factories import World, build_world
from tests.web import PASSWORD, hidden, sign_in, with_web
from tests.web.test_router import started_matrix

AREA, GROUP = "wellbeing_distribution", "children_0_6"
NOT_RECORDED = ("mitigation.none", "participation.none", "sources.none", "indicators.none")


@pytest.fixture(scope="module")
def web_app(database: str) -> FastAPI:
    return with_web(create_app())


@pytest.fixture(scope="module")
def people(web_app: FastAPI) -> World:
    return build_world(web_app, password=PASSWORD)


def _client(web_app: FastAPI) -> TestClient:
    return TestClient(web_app, raise_server_exceptions=False, follow_redirects=False)


def _post(client: TestClient, url: str, page: str, data: dict[str, object]) -> str:
    """Post a form of `page` and follow its redirect; the page shown after."""
    response = client.post(url, data={"csrf_token": hidden(page, "csrf_token"), **data})
    assert response.status_code == 303, response.text
    return client.get(response.headers["location"]).text


def _prepare(client: TestClient, people: World) -> str:
    draft_id, _ = started_matrix(client, people.preparer)
    base = f"/drafts/{draft_id}/assessment"
    scope = client.get(f"{base}/scope").text
    _post(
        client,
        f"{base}/scope",
        scope,
        {
            "version": hidden(scope, "version"),
            "area": AREA,
            "group": GROUP,
            "reason": "Muut ryhmät eivät käytä kuljetuksia.",
            "action": "save",
        },
    )
    page = client.get(base, params={"area": AREA}).text
    alternatives = list(dict.fromkeys(re.findall(r"alternative=([a-z0-9_-]+)&amp;area=", page)))
    assert len(alternatives) == 3
    for alternative in alternatives:
        page = client.get(base, params={"alternative": alternative, "area": AREA}).text
        _post(
            client,
            f"{base}/bulk",
            page,
            {
                "version": hidden(page, "version"),
                "alternative": alternative,
                "area": AREA,
                "show": "all",
                "operation": "set",
                "target": "remaining",
                "value": "1",
                "justification": "Matkat lyhenevät.",
            },
        )
    cell = {"alternative": alternatives[1], "area": AREA, "group": GROUP, "gender": "women"}
    cell_page = client.get(f"{base}/cell", params=cell).text
    _post(
        client,
        f"{base}/cell",
        cell_page,
        cell
        | {
            "version": hidden(cell_page, "version"),
            "value": "1",
            "justification": "Matkat lyhenevät.",
            "horizon": "long",
            "certainty": "high",
            "evidence": "Kuljetusselvitys 2026.",
            "mitigation": "Ei tarvita.",
        },
    )
    texts = client.get(f"{base}/texts").text
    _post(
        client,
        f"{base}/texts",
        texts,
        {
            "version": hidden(texts, "version"),
            "comparison": "Uudistus lyhentää matkoja eniten.",
            "recommended_alternative": alternatives[1],
            "mitigation": "Saattajat pienimmille.",
            "participation": "Nuorisovaltuustoa ja vanhempia kuultiin.",
            "st_count": "1",
            "st-0-body": "Nuorisovaltuusto",
            "st-0-given_on": "2026-11-02",
            "st-0-summary": "Kannattaa uudistusta.",
            "st-0-url": "https://example.fi/nuva/lausunto-2026-11.pdf",
            "src_count": "1",
            "src-0-title": "Kouluterveyskysely 2025",
            "src-0-publisher": "THL",
            "src-0-year": "2025",
            "ind_count": "1",
            "ind-0-name": "Koulumatkan pituus",
            "ind-0-baseline": "5 km",
            "ind-0-target": "3 km",
            "ind-0-review_on": "2028-01-01",
            "ind-0-responsible": "Sivistysjohtaja",
            "action": "save",
        },
    )
    _translate(client, draft_id, "sv")
    review = client.get(f"/drafts/{draft_id}/review").text
    done = _post(
        client,
        f"/drafts/{draft_id}/review/transitions/submit_for_review",
        review,
        {"version": hidden(review, "version")},
    )
    assert "Tarkastettavana" in done
    return draft_id


def _translate(client: TestClient, draft_id: str, lang: str) -> None:
    """Every text of the draft in its other language, through the translations page."""
    url = f"/drafts/{draft_id}/translations/{lang}"
    page = client.get(url).text
    boxes = re.findall(r'<textarea id="[^"]*" name="(t-\d+)"', page)
    assert boxes
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page))
    texts = {name: f"Översättning {name}" for name in boxes}
    posted = {k: html.unescape(v) for k, v in fields.items()} | texts
    assert client.post(url, data=posted).status_code == 303
    assert "Puuttuu 0, vanhentunut 0" in client.get(url).text


def test_every_form_on_the_web_makes_a_complete_annex(web_app: FastAPI, people: World) -> None:
    with _client(web_app) as preparer:
        draft_id = _prepare(preparer, people)
    url = f"/drafts/{draft_id}/review"
    with _client(web_app) as expert:
        sign_in(expert, people.expert)
        page = expert.get(url).text
        page = _post(
            expert,
            f"{url}/signoffs",
            page,
            {
                "requirement": "hyte_expert",
                "decision": "approved",
                "comment": "",
                "content_hash": hidden(page, "content_hash"),
            },
        )
        _post(expert, f"{url}/transitions/approve", page, {"version": hidden(page, "version")})
    with _client(web_app) as secretary:
        sign_in(secretary, people.secretary)
        annex_url = f"/drafts/{draft_id}/annex"
        shown = _post(secretary, annex_url, secretary.get(annex_url).text, {"languages": "fi"})
        link = re.search(r'href="/annexes/([0-9a-f-]+)\.pdf"', shown)
        assert link
        record = json.loads(secretary.get(f"/annexes/{link.group(1)}.json").content)
        annex_html = secretary.get(f"/annexes/{link.group(1)}.html").text
    assert record["mitigation"] == "Saattajat pienimmille."
    assert record["comparison"]["text"] == "Uudistus lyhentää matkoja eniten."
    statement = record["participation"]["statements"][0]
    assert statement["body"] == "Nuorisovaltuusto"
    assert statement["url"] == "https://example.fi/nuva/lausunto-2026-11.pdf"
    assert record["data_sources"][0]["title"] == "Kouluterveyskysely 2025"
    assert record["follow_up_indicators"][0]["responsible"] == "Sivistysjohtaja"
    detailed = [c for m in record["matrix"] for c in m["cells"] if c.get("evidence")]
    assert detailed[0]["horizon"] == "long"
    assert detailed[0]["certainty"] == "high"
    for key in NOT_RECORDED:
        assert catalogue("fi")[f"annex.{key}"] not in annex_html, key
