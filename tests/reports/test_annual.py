"""The annual report: in the organisation's languages, PDF/A-2b, accessible HTML, XLSX, the
same bytes for the same data, each file's sha256 given; tenant rules as every report."""

from __future__ import annotations

import hashlib
import io
import re
import zipfile

import pikepdf
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from pikepdf import pdfa

from tests.factories import Person, World, build_world
from tests.reports.world import approved_decision, not_needed

ANNUAL = "/api/v1/reports/annual"


@pytest.fixture(scope="module")
def world(app: FastAPI) -> World:
    world = build_world(app)
    with TestClient(app, raise_server_exceptions=False) as client:
        approved_decision(
            client, world.preparer, world.expert, title="Päiväkotiverkko",
            meeting_date="2026-03-10",
            values={("child_health", "children_0_6", "girls"): -2,
                    ("learning", "children_0_6", "all"): -1},
        )  # fmt: skip
        not_needed(client, world.preparer, "Tiedoksi", "Merkitään tiedoksi.")
    return world


def _file(client: TestClient, world: World, fmt: str, lang: str = "fi") -> tuple[bytes, str]:
    response = client.get(
        f"{ANNUAL}/export",
        params={"organisation": world.org, "year": 2026, "format": fmt, "lang": lang},
        headers=world.expert.headers,
    )
    assert response.status_code == 200, response.text
    return response.content, response.headers["x-content-sha256"]


def test_the_report_names_each_file_with_its_sha256(client: TestClient, world: World) -> None:
    params = {"organisation": world.org, "year": 2026, "lang": "sv"}
    response = client.get(ANNUAL, params=params, headers=world.expert.headers)
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["languages"] == ["fi", "sv"]
    assert (report["coverage"]["decisions"], report["approvals"]) == (2, 1)
    assert report["notable"][0]["decision"]["title"] == "Päiväkotiverkko"
    assert report["notable"][0]["negative_cells"] == 2
    by_format = {f["format"]: f for f in report["files"]}
    assert set(by_format) == {"pdf", "html", "xlsx"}
    for fmt in by_format:
        content, digest = _file(client, world, fmt, "sv")
        assert digest == by_format[fmt]["sha256"] == hashlib.sha256(content).hexdigest()
    again = client.get(ANNUAL, params=params, headers=world.expert.headers).json()
    assert again["content_hash"] == report["content_hash"]


def test_the_pdf_is_pdfa_2b_in_the_language_asked_for(client: TestClient, world: World) -> None:
    content, _ = _file(client, world, "pdf", "sv")
    result = pdfa.validate_written(io.BytesIO(content), "2b")
    assert result.passed, [str(f) for f in result.findings]
    with pikepdf.open(io.BytesIO(content)) as pdf:
        assert str(pdf.Root.Lang) == "sv"
        assert "Årsrapport om förhandsbedömning 2026" in str(pdf.docinfo["/Title"])
    assert _file(client, world, "pdf", "sv")[0] == content  # the same data, the same bytes


def test_html_is_accessible_and_xlsx_reads_back(client: TestClient, world: World) -> None:
    html = _file(client, world, "html", "fi")[0].decode("utf-8")
    assert html.startswith("<!doctype html>")
    assert '<html lang="fi">' in html
    assert "<h1>Ennakkoarvioinnin vuosiraportti 2026</h1>" in html
    for table in re.findall(r"<table>.*?</table>", html, flags=re.S):
        assert "<caption>" in table
        assert '<th scope="col">' in table
    assert 'role="img" aria-labelledby="heat-title heat-desc"' in html
    content, _ = _file(client, world, "xlsx", "fi")
    assert _file(client, world, "xlsx", "fi")[0] == content
    book = load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["coverage", "burden", "gaps", "followups", "notable"]
    rows = [[c.value for c in row] for row in book["notable"].iter_rows(min_row=3)]
    assert rows == [["Päiväkotiverkko", 2, 0]]


def test_languages_and_tenants(client: TestClient, world: World) -> None:
    def status(person: Person, organisation: str, lang: str) -> int:
        params = {"organisation": organisation, "year": 2026, "lang": lang}
        return client.get(ANNUAL, params=params, headers=person.headers).status_code

    assert status(world.other_expert, world.other, "sv") == 422  # a Finnish-only municipality
    assert status(world.other_expert, world.org, "fi") == 404
    assert status(world.preparer, world.org, "fi") == 403
    assert status(world.region_expert, world.region, "sv") == 200
    default = client.get(
        ANNUAL, params={"organisation": world.org, "year": 2026}, headers=world.expert.headers
    )
    assert default.json()["language"] == "fi"  # the organisation's first language


def test_xlsx_bytes_do_not_depend_on_the_clock() -> None:
    """openpyxl dates the workbook and its zip entries by the clock unless told otherwise."""
    from datetime import UTC, datetime
    from unittest import mock

    from app.reports.exports import Table, to_xlsx

    tables = [Table("t", "Otsikko", ["a", "b"], [["x", 1]])]
    created = datetime(2026, 12, 31, 12, tzinfo=UTC)
    first = to_xlsx(tables, created=created)
    later = datetime(2031, 5, 5, 5, 5, 5)
    with mock.patch("time.time", return_value=later.timestamp()):
        second = to_xlsx(tables, created=created)
    assert first == second
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        core = archive.read("docProps/core.xml").decode()
        assert {i.date_time for i in archive.infolist()} == {(2026, 12, 31, 0, 0, 0)}
    assert "<dcterms:modified" in core
    assert core.count("2026-12-31T12:00:00Z") == 2  # created and modified
