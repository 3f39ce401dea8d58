"""The issue's "done when", walked on `ennakko demo-data`: a welfare coordinator in Vaasa and one
in the region (Pohjanmaan liitto) get the coverage register, the impact ledger, the region
dashboard and the 2026 annual report in Finnish and Swedish, through the API and the web UI,
download them as XLSX, CSV and PDF, and record a follow-up review."""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Iterator
from typing import Any

import pikepdf
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from app.core.db import transaction
from app.demo import DEMO_PASSWORD, load_demo_data
from app.main import create_app
from app.organisations import service as org_service
from tests.web import hidden, with_web

VAASA_COORDINATOR = "asiantuntija@vaasa.demo.ennakko.fi"
REGION_COORDINATOR = "hyte@demo.ennakko.fi"
YEAR = 2026


@pytest.fixture(scope="module")
def demo(database: str) -> dict[str, str]:
    with transaction() as session:
        load_demo_data(session)
        found = {
            slug: org_service.organisation_by_slug(session, slug)
            for slug in ("vaasa", "laihia", "pohjanmaan-liitto")
        }
    return {slug: org.id for slug, org in found.items() if org is not None}


@pytest.fixture(scope="module")
def web_app(database: str) -> FastAPI:
    return with_web(create_app())


@pytest.fixture
def browser(web_app: FastAPI) -> Iterator[TestClient]:
    with TestClient(web_app, raise_server_exceptions=False, follow_redirects=False) as client:
        yield client


def _token(client: TestClient, email: str) -> dict[str, str]:
    response = client.post(
        "/api/v1/auth/token",
        data={"grant_type": "password", "username": email, "password": DEMO_PASSWORD},
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def _sign_in(client: TestClient, email: str) -> None:
    page = client.get("/login").text
    response = client.post(
        "/login",
        data={"email": email, "password": DEMO_PASSWORD, "csrf_token": hidden(page, "csrf_token")},
    )
    assert response.status_code == 303, response.text


def _api(client: TestClient, auth: dict[str, str], path: str, **params: Any) -> Any:
    response = client.get(f"/api/v1/reports/{path}", params={"year": YEAR, **params}, headers=auth)
    assert response.status_code == 200, response.text
    return response


def _xlsx_rows(content: bytes) -> list[list[Any]]:
    book = load_workbook(io.BytesIO(content), read_only=True)
    return [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]


def _pdf_language(content: bytes) -> str:
    with pikepdf.open(io.BytesIO(content)) as pdf:
        assert "/OutputIntents" in pdf.Root  # PDF/A
        return str(pdf.Root.Lang)


@pytest.mark.parametrize(
    ("email", "slug"), [(VAASA_COORDINATOR, "vaasa"), (REGION_COORDINATOR, "pohjanmaan-liitto")]
)
def test_api_walk(client: TestClient, demo: dict[str, str], email: str, slug: str) -> None:
    auth, organisation = _token(client, email), demo[slug]
    coverage = _api(client, auth, "coverage", organisation=organisation).json()
    assert coverage["totals"]["decisions"] >= 16
    for lang, title in (("fi", "Toimielin"), ("sv", "Organ")):
        ledger = _api(client, auth, "ledger", organisation=organisation, lang=lang).json()
        assert ledger["approvals"] >= 8
        labels = {r["group_label"] for r in ledger["rows"]}
        assert labels, "the ledger has rows"
        annual = _api(client, auth, "annual", organisation=organisation, lang=lang).json()
        assert annual["language"] == lang
        assert {f["format"] for f in annual["files"]} == {"pdf", "html", "xlsx"}
        for f in annual["files"]:
            file = _api(
                client, auth, "annual/export", organisation=organisation, lang=lang,
                format=f["format"],
            )  # fmt: skip
            assert hashlib.sha256(file.content).hexdigest() == f["sha256"]
            assert file.headers["x-content-sha256"] == f["sha256"]
            if f["format"] == "pdf":
                assert _pdf_language(file.content) == lang
        sheet = _api(client, auth, "coverage/export", organisation=organisation, lang=lang,
                     format="xlsx")  # fmt: skip
        assert title in _xlsx_rows(sheet.content)[1]
        table = _api(client, auth, "ledger/export", organisation=organisation, lang=lang,
                     format="csv")  # fmt: skip
        assert len(list(csv.reader(io.StringIO(table.text)))) > 2
    if slug == "pohjanmaan-liitto":
        region = _api(client, auth, "region", organisation=organisation, lang="sv")
        names = {m["organisation"]["name"] for m in region.json()["members"]}
        assert names == {"Vasa stad", "Laihian kunta"}  # Swedish names where there are any
    else:  # Vaasa's coordinator reads Vaasa only: the region's and Laihia's reports: 404
        for other in ("pohjanmaan-liitto", "laihia"):
            response = client.get(
                "/api/v1/reports/coverage",
                params={"year": YEAR, "organisation": demo[other]},
                headers=auth,
            )
            assert response.status_code == 404


def test_api_followup_review(client: TestClient, demo: dict[str, str]) -> None:
    auth = _token(client, VAASA_COORDINATOR)
    listing = client.get(
        "/api/v1/followups", params={"organisation": demo["vaasa"]}, headers=auth
    ).json()
    open_ = [f for f in listing["items"] if f["status"] != "done"]
    assert open_, "the demo has follow-ups still to review"
    draft_id = open_[0]["draft_id"]
    url = f"/api/v1/drafts/{draft_id}/followup"
    current = client.get(url, headers=auth)
    assert current.status_code == 200, current.text
    position = current.json()["indicators"][0]["position"]
    record = {
        "indicators": [{"position": position, "realised": "12 %", "observation": "Laski."}],
        "summary": "Ennuste piti osittain.",
    }
    response = client.put(
        f"{url}/review", json=record, headers={**auth, "If-Match": current.headers["ETag"]}
    )
    assert response.status_code == 200, response.text
    assert response.json()["indicators"][0]["realised"] == "12 %"


@pytest.mark.parametrize(
    ("email", "slug"), [(VAASA_COORDINATOR, "vaasa"), (REGION_COORDINATOR, "pohjanmaan-liitto")]
)
def test_web_walk(browser: TestClient, demo: dict[str, str], email: str, slug: str) -> None:
    _sign_in(browser, email)
    organisation = demo[slug]
    texts = {"fi": ("Kattavuus", "Vaikutusten kirjanpito"), "sv": ("Täckning", "Konsekvens")}
    for lang, (coverage_word, ledger_word) in texts.items():
        page = browser.get(f"/reports/{organisation}/coverage", params={"year": YEAR, "lang": lang})
        assert page.status_code == 200, page.text
        assert f'lang="{lang}"' in page.text
        assert coverage_word in page.text
        if slug == "vaasa":
            assert ("Vasa stad" if lang == "sv" else "Vaasan kaupunki") in page.text
        page = browser.get(f"/reports/{organisation}/ledger", params={"year": YEAR, "lang": lang})
        assert page.status_code == 200, page.text
        assert ledger_word in page.text
        assert "<svg" in page.text
        for kind, fmt in (("coverage", "xlsx"), ("ledger", "csv")):
            file = browser.get(
                f"/reports/{organisation}/{kind}.{fmt}", params={"year": YEAR, "lang": lang}
            )
            assert file.status_code == 200, file.text
            assert file.content
    board = browser.get(
        f"/reports/{demo['pohjanmaan-liitto']}/region", params={"year": YEAR, "lang": "sv"}
    )
    if slug == "vaasa":
        assert board.status_code == 404
    else:
        assert board.status_code == 200, board.text
        assert "Laihian kunta" in board.text
        assert "Vasa stad" in board.text
    page = browser.get(f"/reports/{organisation}/annual", params={"year": YEAR, "lang": "sv"})
    assert page.status_code == 200, page.text
    shown = dict(
        re.findall(r'data-format="(pdf|html|xlsx)" data-language="sv">([0-9a-f]{64})<', page.text)
    )
    assert set(shown) == {"pdf", "html", "xlsx"}
    assert 'data-language="fi"' in page.text  # both languages of a bilingual organisation
    for fmt, digest in shown.items():
        file = browser.get(
            f"/reports/{organisation}/annual.{fmt}", params={"year": YEAR, "language": "sv"}
        )
        assert file.status_code == 200, file.text
        assert hashlib.sha256(file.content).hexdigest() == digest
        assert file.headers["x-content-sha256"] == digest
    pdf = browser.get(
        f"/reports/{organisation}/annual.pdf", params={"year": YEAR, "language": "sv"}
    )
    assert _pdf_language(pdf.content) == "sv"


def test_web_followup_review(browser: TestClient, demo: dict[str, str]) -> None:
    _sign_in(browser, VAASA_COORDINATOR)
    listing = browser.get(f"/followups/{demo['vaasa']}").text
    drafts = re.findall(r'href="/drafts/([0-9a-f-]{36})/followup"', listing)
    assert drafts
    for draft_id in drafts:
        page = browser.get(f"/drafts/{draft_id}/followup").text
        if 'name="real-0"' in page and 'name="version"' in page:
            break
    else:
        pytest.fail("no follow-up with a review form")
    review = {
        "csrf_token": hidden(page, "csrf_token"),
        "version": hidden(page, "version"),
        "real-0": "9 %",
        "obs-0": "Toteutui.",
        "summary": "Tarkistettu.",
    }
    response = browser.post(f"/drafts/{draft_id}/followup/review", data=review)
    assert response.status_code == 303, response.text
    page = browser.get(response.headers["location"]).text
    assert 'value="9 %"' in page
