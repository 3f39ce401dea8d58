"""The coverage register and the impact ledger over a year with known answers (tests/reports/
world.py), the approved version only, tenant rules, the minimum count, and the exports."""

from __future__ import annotations

import csv
import io
import uuid
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import delete
from sqlmodel import col, select
from typer.testing import CliRunner

from app.audit.models import AuditEntry
from app.auth.principal import SYSTEM
from app.cli import app as cli
from app.core.db import transaction
from app.organisations import clients as org_clients
from app.organisations import service as org_service
from app.organisations.schemas import ApiClientCreate, OrganisationUpdate, RecordsSettings
from app.reports.exports import neutralise
from app.reports.models import ReportApproval
from tests.factories import Person, build_world, mint
from tests.reports.world import (
    Year,
    approve,
    approved_decision,
    build_year,
    not_needed,
    reopen_and_change,
)

COVERAGE = "/api/v1/reports/coverage"
LEDGER = "/api/v1/reports/ledger"


@pytest.fixture(scope="module")
def year(app: FastAPI) -> Year:
    """One year of decisions for the module (no test here changes it)."""
    with TestClient(app, raise_server_exceptions=False) as client:
        return build_year(client, build_world(app))


def _get(client: TestClient, person: Person | str, url: str, **params: Any) -> Any:
    headers = person.headers if isinstance(person, Person) else {"Authorization": person}
    response = client.get(url, params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def _client_token(app: FastAPI, organisation_id: str, *scopes: str) -> str:
    with transaction() as session:
        issued = org_clients.create_client(
            session,
            principal=SYSTEM,
            organisation_id=organisation_id,
            data=ApiClientCreate(
                client_id=f"reports-{uuid.uuid4().hex[:12]}",
                name="Reporting",
                scopes=list(scopes),
            ),
        )
        pk = issued.client.id
    return "Bearer " + mint(app, f"client:{pk}", scope=" ".join(scopes))


def _bucket(ledger: dict[str, Any], **where: str) -> list[dict[str, Any]]:
    return [row for row in ledger["rows"] if all(row[k] == v for k, v in where.items())]


def test_coverage_counts_every_decision_of_the_year(client: TestClient, year: Year) -> None:
    world = year.world
    report = _get(client, world.expert, COVERAGE, organisation=world.org, year=2026)
    totals = report["totals"]
    # D1, D2 (full), D3 and the case system's D5 (not needed), D4 (never screened); D6 is 2025
    assert totals["decisions"] == 5
    assert totals["screened"] == 4
    assert (totals["full"], totals["light"], totals["not_needed"]) == (2, 0, 2)
    assert totals["never_screened"] == 1
    assert totals["approved"] == 2
    assert totals["approval_days_median"] is not None
    assert totals["approval_days_p90"] >= totals["approval_days_median"]
    reasons = {group["reason"]: group for group in report["not_needed_reasons"]}
    assert set(reasons) == {"Merkitään tiedoksi.", "Viranhaku."}
    pushed = reasons["Viranhaku."]["decisions"]
    assert [d["id"] for d in pushed] == [year.drafts["D5"]["id"]]
    assert pushed[0]["case"] == "7/2026"
    assert report["organisations"] == [{"id": world.org, "name": report["organisation"]["name"]}]


def test_coverage_rows_per_body_and_quarter(client: TestClient, year: Year) -> None:
    world = year.world
    report = _get(
        client, world.expert, COVERAGE, organisation=world.org, year=2026,
        period="quarter", group_by="body",
    )  # fmt: skip
    rows = {(r["decision_body"], r["period"]): r["decisions"] for r in report["rows"]}
    assert rows == {
        ("Sivistyslautakunta", "2026-Q1"): 2,  # D3 (February), D1 (March)
        ("Sivistyslautakunta", "2026-Q2"): 2,  # D2 (May), D5 (June)
        ("Sivistyslautakunta", "2026-Q3"): 1,  # D4 (September)
    }
    assert all(r["organisation_id"] is None for r in report["rows"])


def test_ledger_counts_approved_decisions_by_canonical_group_gender_and_area(
    client: TestClient, year: Year
) -> None:
    world = year.world
    ledger = _get(client, world.expert, LEDGER, organisation=world.org, year=2026, lang="en")
    assert ledger["approvals"] == 2
    girls = _bucket(ledger, group="children_0_6", gender="female", area="child_health")
    assert [(r["direction"], r["decisions"], r["strength_max"]) for r in girls] == [
        ("negative", 1, 2)
    ]
    assert girls[0]["gender_label"] == "Women and girls"
    assert girls[0]["area_label"] == "Health"
    whole = _bucket(ledger, group="children_0_6", gender="all", direction="negative")
    assert {(r["area"], r["decisions"]) for r in whole} == {("child_health", 1), ("learning", 1)}
    families = _bucket(ledger, group="families_with_children", direction="positive")
    assert [(r["area"], r["decisions"], r["strength_max"]) for r in families] == [
        ("family_finances", 1, 2)
    ]
    burden = {(b["group"], b["gender"]): b for b in ledger["burden"]}
    assert burden["children_0_6", "all"]["decisions"] == 2  # D1 learning, D2 child health
    assert burden["children_0_6", "all"]["areas"] == 2
    assert burden["children_0_6", "all"]["cumulative"] is True
    assert burden["children_0_6", "female"]["cumulative"] is False
    gaps = {g["group"]: g for g in ledger["gender_gaps"]}
    assert (gaps["children_0_6"]["female_worse"], gaps["children_0_6"]["male_worse"]) == (1, 0)
    assert ledger["unmapped"] == []


def test_ledger_links_back_to_the_decisions_and_cells(client: TestClient, year: Year) -> None:
    world = year.world
    ledger = _get(client, world.expert, LEDGER, organisation=world.org, year=2026)
    row = _bucket(ledger, group="children_0_6", gender="female", area="child_health")[0]
    cells = client.get(row["cells_url"], headers=world.expert.headers)
    assert cells.status_code == 200, cells.text
    [cell] = cells.json()["cells"]
    assert cell["decision"]["id"] == year.drafts["D1"]["id"]
    assert cell["decision"]["url"] == f"/drafts/{year.drafts['D1']['id']}"
    assert (cell["group"], cell["gender"], cell["value"]) == ("children_0_6", "girls", -2)


def test_a_region_sees_its_members_side_by_side(client: TestClient, year: Year) -> None:
    world = year.world
    report = _get(client, world.region_expert, COVERAGE, organisation=world.region, year=2026)
    by_org: dict[str, int] = {}
    for row in report["rows"]:
        by_org[row["organisation_id"]] = by_org.get(row["organisation_id"], 0) + row["decisions"]
    assert by_org == {world.org: 5, world.other: 1}
    assert report["region"] is True
    ledger = _get(client, world.region_expert, LEDGER, organisation=world.region, year=2026)
    assert ledger["approvals"] == 3
    whole = _bucket(ledger, group="children_0_6", gender="all", area="child_health")
    assert [r["decisions"] for r in whole] == [2]  # D2 and the other municipality's D7


ROUTES = [COVERAGE, LEDGER, f"{LEDGER}/cells", f"{COVERAGE}/export", f"{LEDGER}/export"]


@pytest.mark.parametrize("route", ROUTES)
def test_tenant_rules_on_every_report_route(
    client: TestClient, app: FastAPI, year: Year, route: str
) -> None:
    world = year.world
    params = {"year": 2026, "format": "csv", "group": "children_0_6", "gender": "all"}

    def status(who: Person | str, organisation: str) -> int:
        headers = who.headers if isinstance(who, Person) else {"Authorization": who}
        query = params | {"organisation": organisation}
        return client.get(route, params=query, headers=headers).status_code

    assert status(world.expert, world.org) == 200  # own organisation
    assert status(world.admin, world.org) == 200
    assert status(world.region_expert, world.org) == 200  # a region's expert, in a member
    assert status(world.region_expert, world.region) == 200  # the region over its members
    assert status(world.other_admin, world.org) == 404  # another municipality
    assert status(world.expert, world.region) == 404  # a member does not see the region
    assert status(world.expert, world.other) == 404
    assert status(world.preparer, world.org) == 403  # no reporting role
    assert status(world.secretary, world.org) == 403
    assert client.get(route, params=params | {"organisation": world.org}).status_code == 401
    reporter = _client_token(app, world.org, "reports:read")
    assert status(reporter, world.org) == 200
    assert status(reporter, world.region) == 404
    assert status(_client_token(app, world.org, "drafts:read"), world.org) == 403


def test_bad_periods_are_422(client: TestClient, year: Year) -> None:
    world = year.world
    for params in (
        {},
        {"year": 2026, "from": "2026-01-01", "to": "2026-02-01"},
        {"from": "2026-03-01", "to": "2026-02-01"},
        {"from": "2026-03-01"},
        {"year": 1900},
        {"year": 2026, "group_by": "colour"},
        {"year": 2026, "period": "week"},
    ):
        response = client.get(
            COVERAGE, params={"organisation": world.org, **params}, headers=world.expert.headers
        )
        assert response.status_code == 422, (params, response.text)


def test_only_the_approved_version_counts(client: TestClient, app: FastAPI) -> None:
    """Reopened and changed: the draft drops out; approved again: its new cells count."""
    world = build_world(app)
    draft = approved_decision(
        client, world.preparer, world.expert, title="Koulu", meeting_date="2026-08-01",
        values={("child_health", "children_13_17", "all"): -1},
    )  # fmt: skip
    change = {("child_health", "children_13_17", "all"): 2}
    reopen_and_change(client, world, draft["id"], change)
    ledger = _get(client, world.expert, LEDGER, organisation=world.org, year=2026)
    assert ledger["approvals"] == 0
    assert _bucket(ledger, group="children_13_17") == []
    approve(client, world.preparer, world.expert, draft["id"])
    ledger = _get(client, world.expert, LEDGER, organisation=world.org, year=2026)
    rows = _bucket(ledger, group="children_13_17", gender="all")
    assert [(r["direction"], r["decisions"]) for r in rows] == [("positive", 1)]


def _make_non_public(organisation_id: str) -> None:
    with transaction() as session:
        org = org_service.organisation(session, organisation_id)
        assert org is not None
        org_service.update_organisation(
            session,
            principal=SYSTEM,
            organisation_id=organisation_id,
            expected_version=org.version,
            data=OrganisationUpdate(records_settings=RecordsSettings(publicity_class="non_public")),
        )


def test_non_public_cells_are_suppressed_below_the_minimum_count(
    client: TestClient, app: FastAPI
) -> None:
    """A region's reporting client may read no member's drafts: a figure that counts a cell of
    a non-public draft is suppressed until MINIMUM_COUNT decisions stand behind it; figures of
    public drafts are shown; decisions are never linked."""
    world = build_world(app)
    _make_non_public(world.other)
    cell = ("child_health", "children_0_6", "all")
    approved_decision(
        client, world.preparer, world.expert, title="Julkinen", meeting_date="2026-03-01",
        values={cell: -1, ("learning", "children_0_6", "all"): -1},
    )  # fmt: skip
    approved_decision(
        client, world.other_preparer, world.other_expert, title="Salainen 1",
        meeting_date="2026-03-02", values={cell: -2},
    )  # fmt: skip
    reporter = _client_token(app, world.region, "reports:read")
    ledger = _get(client, reporter, LEDGER, organisation=world.region, year=2026)
    [mixed] = _bucket(ledger, group="children_0_6", gender="all", area="child_health")
    assert mixed["suppressed"] is True
    assert (mixed["decisions"], mixed["cells"], mixed["strength_max"]) == (None, None, None)
    [public] = _bucket(ledger, group="children_0_6", gender="all", area="learning")
    assert (public["suppressed"], public["decisions"]) == (False, 1)
    burden = {(b["group"], b["gender"]): b for b in ledger["burden"]}
    assert burden["children_0_6", "all"]["suppressed"] is True
    cells = client.get(mixed["cells_url"], headers={"Authorization": reporter}).json()
    assert cells["cells"] == []
    assert cells["not_shown"] == 2
    # the region's expert may read both members' drafts: nothing is suppressed for them
    seen = _get(client, world.region_expert, LEDGER, organisation=world.region, year=2026)
    [full] = _bucket(seen, group="children_0_6", gender="all", area="child_health")
    assert (full["suppressed"], full["decisions"]) == (False, 2)
    approved_decision(
        client, world.other_preparer, world.other_expert, title="Salainen 2",
        meeting_date="2026-03-03", values={cell: -1},
    )  # fmt: skip
    ledger = _get(client, reporter, LEDGER, organisation=world.region, year=2026)
    [enough] = _bucket(ledger, group="children_0_6", gender="all", area="child_health")
    assert (enough["suppressed"], enough["decisions"]) == (False, 3)


def test_xlsx_and_csv_read_back_with_formulas_neutralised(client: TestClient, year: Year) -> None:
    world = year.world
    response = client.get(
        f"{LEDGER}/export",
        params={"organisation": world.org, "year": 2026, "format": "xlsx", "lang": "sv"},
        headers=world.expert.headers,
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["ledger", "burden", "gaps", "unmapped"]
    sheet = book["ledger"]
    assert sheet["A1"].value == "Konsekvensbokföring: vem bär konsekvenserna"
    headers = [c.value for c in sheet[2]]
    assert headers[:2] == ["Befolkningsgrupp", "Kön"]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=3)]
    assert ["Barn 0–6 år", "Kvinnor och flickor"] in [r[:2] for r in rows]
    assert all(isinstance(r[5], int) for r in rows)
    coverage = client.get(
        f"{COVERAGE}/export",
        params={"organisation": world.org, "year": 2026, "format": "csv", "table": "reasons"},
        headers=world.expert.headers,
    )
    assert coverage.status_code == 200, coverage.text
    text = coverage.content.decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(text)))
    assert table[0] == ["Perustelu", "Määrä", "Päätöksiä"]
    assert {row[0] for row in table[1:]} == {"Merkitään tiedoksi.", "Viranhaku."}


def test_the_command_line_writes_the_reports(year: Year, tmp_path: Path) -> None:
    world = year.world
    out = tmp_path / "ledger.xlsx"
    result = CliRunner().invoke(
        cli,
        ["reports", "ledger", "--organisation", world.org, "--year", "2026",
         "--format", "xlsx", "--output", str(out), "--lang", "en"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    sheet = load_workbook(out)["burden"]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=3)]
    assert ["Children aged 0–6", "All", 2, 2, "yes"] in rows
    out = tmp_path / "coverage.csv"
    result = CliRunner().invoke(
        cli,
        ["reports", "coverage", "--organisation", world.org, "--year", "2026",
         "--format", "csv", "--output", str(out), "--period", "quarter"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    table = list(csv.reader(io.StringIO(out.read_text("utf-8-sig"))))
    assert (table[-1][0], table[-1][4]) == ("Yhteensä", "5")
    bad = CliRunner().invoke(
        cli,
        ["reports", "coverage", "--organisation", "no-such-org", "--year", "2026",
         "--format", "csv", "--output", str(out)],
    )  # fmt: skip
    assert bad.exit_code == 2
    assert "no organisation" in bad.output


def test_text_that_a_spreadsheet_would_run_is_written_as_text(
    client: TestClient, app: FastAPI, tmp_path: Path
) -> None:
    world = build_world(app)
    reasons = ['=HYPERLINK("http://x")', "+1+1", "-20 euroa", "@SUM(A1)", "Plain"]
    for index, reason in enumerate(reasons):
        not_needed(client, world.preparer, f"Asia {index}", reason)
    params = {"organisation": world.org, "year": 2026, "table": "reasons"}
    response = client.get(
        f"{COVERAGE}/export", params=params | {"format": "csv"}, headers=world.expert.headers
    )
    assert response.status_code == 200, response.text
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    written = {row[0] for row in rows[1:]}
    assert written == {'\'=HYPERLINK("http://x")', "'+1+1", "'-20 euroa", "'@SUM(A1)", "Plain"}
    response = client.get(
        f"{COVERAGE}/export", params=params | {"format": "xlsx"}, headers=world.expert.headers
    )
    book = load_workbook(io.BytesIO(response.content))
    cells = [row[0] for row in book["reasons"].iter_rows(min_row=3, values_only=True)]
    assert set(cells) == written
    assert all(cell.data_type == "s" for cell in book["reasons"]["A"][2:])


def test_every_formula_start_is_neutralised_and_numbers_stay_numbers() -> None:
    for text in ("=1", "+1", "-1", "@A1", "\t=1", "\r=1"):
        assert neutralise(text) == "'" + text
    assert neutralise("Lapset") == "Lapset"
    assert neutralise(-2) == -2
    assert neutralise(None) is None


def test_region_dashboard_api(client: TestClient, year: Year) -> None:
    world = year.world
    url = "/api/v1/reports/region"
    board = _get(client, world.region_expert, url, organisation=world.region, year=2026)
    members = {m["organisation"]["id"]: m for m in board["members"]}
    assert set(members) == {world.org, world.other}
    assert (members[world.org]["decisions"], members[world.org]["never_screened"]) == (5, 1)
    assert members[world.org]["screened_share"] == 0.8
    hot = members[world.org]["hot_spots"][0]
    assert (hot["group"], hot["gender"], hot["decisions"]) == ("children_0_6", "all", 2)
    params = {"organisation": world.org, "year": 2026}
    municipality = client.get(url, params=params, headers=world.expert.headers)
    assert municipality.status_code == 422
    assert municipality.json()["error"]["code"] == "not_a_region"
    region = {"organisation": world.region, "year": 2026}
    outsider = client.get(url, params=region, headers=world.other_admin.headers)
    assert outsider.status_code == 404


def test_drafts_approved_before_the_snapshots_are_taken_in_by_the_command(
    client: TestClient, app: FastAPI
) -> None:
    world = build_world(app)
    draft = approved_decision(
        client, world.preparer, world.expert, title="Vanha hyväksyntä",
        meeting_date="2026-02-02", values={("child_health", "children_13_17", "boys"): -1},
    )  # fmt: skip
    with transaction() as session:  # as if approved before the reports existed
        session.execute(delete(ReportApproval).where(col(ReportApproval.draft_id) == draft["id"]))
    assert _get(client, world.expert, LEDGER, organisation=world.org, year=2026)["approvals"] == 0
    result = CliRunner().invoke(cli, ["reports", "snapshot-approved"])
    assert result.exit_code == 0, result.output
    assert "approved drafts snapshotted:" in result.output
    ledger = _get(client, world.expert, LEDGER, organisation=world.org, year=2026)
    assert ledger["approvals"] == 1
    [row] = _bucket(ledger, group="children_13_17", gender="male")
    assert (row["direction"], row["decisions"]) == ("negative", 1)
    with transaction() as session:
        approved = session.exec(
            select(ReportApproval).where(ReportApproval.draft_id == draft["id"])
        ).one()
        audited = session.exec(
            select(AuditEntry).where(
                AuditEntry.entity_id == draft["id"], AuditEntry.action == "workflow.approve"
            )
        ).one()
        assert approved.approved_at == audited.occurred_at
    again = CliRunner().invoke(cli, ["reports", "snapshot-approved"])
    assert "approved drafts snapshotted: 0" in again.output
