"""The coordinator's report pages: tables with captions and headers, SVG charts with a table
beside them, fi/sv, downloads, navigation for the roles that may read reports, tenant rules."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from app.main import create_app
from tests.factories import World, build_world
from tests.reports.world import approved_decision, not_needed
from tests.web import PASSWORD, sign_in, with_web


@pytest.fixture(scope="module")
def web_app(database: str) -> FastAPI:
    return with_web(create_app())


@pytest.fixture(scope="module")
def people(web_app: FastAPI) -> World:
    world = build_world(web_app, password=PASSWORD)
    with TestClient(web_app, raise_server_exceptions=False) as api:
        approved_decision(
            api, world.preparer, world.expert, title="Päiväkotiverkko <uusi>",
            meeting_date="2026-03-10",
            values={("child_health", "children_0_6", "girls"): -2,
                    ("learning", "children_0_6", "all"): -1},
        )  # fmt: skip
        not_needed(api, world.preparer, "Tiedoksi", "Merkitään tiedoksi.")
        approved_decision(
            api, world.other_preparer, world.other_expert, title="Muun koulu",
            meeting_date="2026-04-01", values={("child_health", "children_0_6", "all"): -2},
        )  # fmt: skip
    return world


@pytest.fixture
def browser(web_app: FastAPI) -> Iterator[TestClient]:
    with TestClient(web_app, raise_server_exceptions=False, follow_redirects=False) as client:
        yield client


def _tables_are_labelled(page: str) -> None:
    tables = re.findall(r"<table.*?</table>", page, flags=re.S)
    assert tables
    for table in tables:
        assert "<caption" in table
        assert '<th scope="col">' in table


def test_coverage_page_has_a_chart_and_its_table_in_finnish_and_swedish(
    browser: TestClient, people: World
) -> None:
    sign_in(browser, people.expert)
    page = browser.get(f"/reports/{people.org}/coverage?year=2026&lang=fi")
    assert page.status_code == 200, page.text
    html = page.text
    assert '<svg class="chart" role="img" aria-labelledby="cov-title cov-desc"' in html
    assert "Ennakkoarvioinnin kattavuus 2026" in html
    assert "Merkitään tiedoksi." in html
    _tables_are_labelled(html)
    assert '<a href="/reports" aria-current="page">Raportit</a>' in html
    swedish = browser.get(f"/reports/{people.org}/coverage?year=2026&lang=sv").text
    assert "Förhandsbedömningens täckning 2026" in swedish
    assert '<html lang="sv">' in swedish


def test_ledger_page_shows_the_heatmap_with_its_table_and_escapes_titles(
    browser: TestClient, people: World
) -> None:
    sign_in(browser, people.expert)
    html = browser.get(f"/reports/{people.org}/ledger?year=2026&lang=en").text
    assert 'aria-labelledby="heat-title heat-desc"' in html
    assert "Negative effects: population group × gender" in html
    table = re.search(r'<caption id="heat-table-caption">.*?</table>', html, flags=re.S)
    assert table is not None
    row = re.search(r'<th scope="row">Children aged 0–6</th>(.*?)</tr>', table.group(0))
    assert row is not None
    assert re.findall(r"<td>([^<]*)</td>", row.group(1)) == ["1", "1", "0", "0"]
    _tables_are_labelled(html)
    assert "<uusi>" not in html


def test_region_dashboard_puts_the_members_side_by_side(browser: TestClient, people: World) -> None:
    sign_in(browser, people.region_expert)
    html = browser.get(f"/reports/{people.region}/region?year=2026&lang=fi").text
    assert "Alueen kunnat rinnakkain 2026" in html
    rows = re.findall(r'<th scope="row"><a href="/reports/([0-9a-f-]{36})/coverage', html)
    assert set(rows) == {people.org, people.other}
    _tables_are_labelled(html)


def test_downloads_read_back(browser: TestClient, people: World) -> None:
    sign_in(browser, people.expert)
    response = browser.get(f"/reports/{people.org}/ledger.xlsx?year=2026&lang=fi")
    assert response.status_code == 200, response.text
    book = load_workbook(io.BytesIO(response.content))
    assert book["burden"]["A2"].value == "Väestöryhmä"
    csv = browser.get(f"/reports/{people.org}/coverage.csv?year=2026")
    assert csv.status_code == 200
    assert csv.content.decode("utf-8-sig").startswith("Organisaatio,Toimielin")


def test_the_annual_report_downloads_in_the_pages_language(
    browser: TestClient, people: World
) -> None:
    sign_in(browser, people.expert)
    page = browser.get(f"/reports/{people.org}/coverage?year=2026&lang=sv").text
    assert f"/reports/{people.org}/annual.pdf?year=2026&amp;lang=sv" in page
    pdf = browser.get(f"/reports/{people.org}/annual.pdf?year=2026&lang=sv")
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF-1.7")
    html = browser.get(f"/reports/{people.org}/annual.html?year=2026&lang=en").text
    assert '<html lang="fi">' in html  # English is not one of the organisation's languages


def test_only_roles_that_read_reports_see_them(browser: TestClient, people: World) -> None:
    sign_in(browser, people.preparer)
    front = browser.get("/").text
    assert 'href="/reports"' not in front
    assert browser.get(f"/reports/{people.org}/coverage?year=2026").status_code == 403
    browser.cookies.clear()
    sign_in(browser, people.other_admin)
    assert browser.get(f"/reports/{people.org}/ledger?year=2026").status_code == 404
    assert browser.get(f"/reports/{people.org}/ledger.xlsx?year=2026").status_code == 404
    assert browser.get(f"/reports/{people.other}/ledger?year=2026").status_code == 200
    index = browser.get("/reports").text
    assert f"/reports/{people.other}/coverage" in index
    assert f"/reports/{people.org}/coverage" not in index
