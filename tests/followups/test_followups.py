"""The follow-up loop through the API: the catalogue from CSV, the plan of a decided draft,
the post-decision review (If-Match, tenants, scopes), the due listing and the CLI."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from app.auth.principal import SYSTEM
from app.cli import app as cli
from app.core.db import transaction
from app.organisations import clients as org_clients
from app.organisations.schemas import ApiClientCreate
from tests.factories import World, build_world, mint
from tests.followups.world import decision_with_indicators

CATALOGUE = "/api/v1/indicators"
GOOD_CSV = (
    "source,code,name_fi,name_sv,name_en,unit\n"
    "own,LAPSI-1,Lasten ylipaino,Barns övervikt,Overweight in children,%\n"
    "teaviisari,T-1,Ennakkoarviointi käytössä,,,\n"
)


@dataclass
class Setup:
    world: World
    draft: dict[str, Any]
    other_draft: dict[str, Any]


@pytest.fixture(scope="module")
def setup(app: FastAPI) -> Setup:
    with TestClient(app, raise_server_exceptions=False) as client:
        world = build_world(app)
        draft = decision_with_indicators(
            client,
            world.preparer,
            world.expert,
            title="Päiväkotiverkko",
            values={("child_health", "children_0_6", "girls"): -2},
        )
        return Setup(world, draft, {})


def _csv(client: TestClient, person: Any, organisation: str, body: str) -> Any:
    return client.post(
        f"{CATALOGUE}/import",
        params={"organisation": organisation},
        content=body.encode(),
        headers={**person.headers, "Content-Type": "text/csv"},
    )


def _client_token(app: FastAPI, organisation_id: str, *scopes: str) -> dict[str, str]:
    with transaction() as session:
        issued = org_clients.create_client(
            session,
            principal=SYSTEM,
            organisation_id=organisation_id,
            data=ApiClientCreate(
                client_id=f"fu-{uuid.uuid4().hex[:12]}", name="Follow-up", scopes=list(scopes)
            ),
        )
        pk = issued.client.id
    return {"Authorization": "Bearer " + mint(app, f"client:{pk}", scope=" ".join(scopes))}


def test_catalogue_import_good_rows_then_bad_rows_write_nothing(
    client: TestClient, app: FastAPI
) -> None:
    world = build_world(app)
    response = _csv(client, world.expert, world.org, GOOD_CSV)
    assert response.status_code == 200, response.text
    assert (response.json()["created"], response.json()["updated"]) == (2, 0)
    again = _csv(client, world.expert, world.org, GOOD_CSV.replace("Lasten ylipaino", "Ylipaino"))
    assert (again.json()["created"], again.json()["updated"], again.json()["unchanged"]) == (
        0,
        1,
        1,
    )
    bad = (
        "source,code,name_fi\n"
        "own,NEW-1,Uusi\n"
        "sotkanet,abc,Ei numero\n"
        "kela,K1,Tuntematon lähde\n"
        "own,,Ei tunnusta\n"
        "own,NEW-1,Toistuu\n"
    )
    response = _csv(client, world.expert, world.org, bad)
    assert response.status_code == 422
    errors = response.json()["error"]["details"]
    assert {(e["row"], e["field"]) for e in errors} == {
        (3, "code"),
        (4, "source"),
        (5, "code"),
        (6, "code"),
    }
    listed = client.get(CATALOGUE, params={"organisation": world.org}, headers=world.expert.headers)
    codes = {i["code"] for i in listed.json()["items"]}
    assert codes == {"LAPSI-1", "T-1"}  # the bad file wrote nothing, not even row 2


def test_catalogue_header_role_and_region(client: TestClient, app: FastAPI) -> None:
    world = build_world(app)
    response = _csv(client, world.expert, world.org, "code;nimi\nX;Y\n")
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "bad_header"
    assert _csv(client, world.preparer, world.org, GOOD_CSV).status_code == 403
    # another tenant's catalogue: 404 (its existence is not leaked)
    foreign = client.get(
        CATALOGUE, params={"organisation": world.org}, headers=world.other_preparer.headers
    )
    assert foreign.status_code == 404
    # the region's catalogue is visible to its members
    assert _csv(client, world.region_expert, world.region, GOOD_CSV).status_code == 200
    seen = client.get(CATALOGUE, params={"organisation": world.org}, headers=world.expert.headers)
    assert {i["organisation_id"] for i in seen.json()["items"]} == {world.region}


def test_sample_catalogue_imports(client: TestClient, app: FastAPI) -> None:
    world = build_world(app)
    sample = Path(__file__).parents[2] / "examples" / "indicators.csv"
    response = _csv(client, world.expert, world.org, sample.read_text(encoding="utf-8"))
    assert response.status_code == 200, response.text
    assert response.json()["created"] == 7
    listed = client.get(CATALOGUE, params={"organisation": world.org}, headers=world.expert.headers)
    sources = {(i["source"], i["code"]): i for i in listed.json()["items"]}
    assert {s for s, _ in sources} == {"own", "sotkanet", "teaviisari"}
    assert sources["sotkanet", "3090"]["unit"] == "/ 1 000 asukasta"
    assert sources["teaviisari", "kuntajohto/johtaminen"]["name_sv"].startswith("TEAviisari")


def _plan(
    client: TestClient, person: Any, draft_id: str, body: dict[str, Any], **headers: str
) -> Any:
    return client.put(
        f"/api/v1/drafts/{draft_id}/followup", json=body, headers={**person.headers, **headers}
    )


def test_plan_record_if_match_tenants_and_scopes(
    client: TestClient, app: FastAPI, setup: Setup
) -> None:
    world, draft_id = setup.world, setup.draft["id"]
    # the second indicator has no date or person in the assessment: the plan must give them
    response = _plan(client, world.preparer, draft_id, {})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "incomplete_plan"
    plan = {"indicators": [{"position": 1, "review_on": "2027-06-01", "responsible": "Rehtori"}]}
    response = _plan(client, world.preparer, draft_id, plan)
    assert response.status_code == 200, response.text
    body, etag = response.json(), response.headers["ETag"]
    assert [i["review_on"] for i in body["indicators"]] == ["2026-03-01", "2027-06-01"]
    assert body["next_review_on"] == "2026-03-01"
    assert _plan(client, world.preparer, draft_id, plan).status_code == 409  # exists
    # another tenant: 404; a client without the follow-up scope: 403
    url = f"/api/v1/drafts/{draft_id}/followup/review"
    record = {
        "indicators": [{"position": 0, "realised": "16 %", "observation": "Laski."}],
        "cells": [
            {
                "alternative": "reform",
                "area": "child_health",
                "group": "children_0_6",
                "gender": "girls",
                "verdict": "partly",
            }
        ],
    }
    other = client.put(url, json=record, headers={**world.other_preparer.headers, "If-Match": etag})
    assert other.status_code == 404
    reader = _client_token(app, world.org, "drafts:read")
    assert client.put(url, json=record, headers={**reader, "If-Match": etag}).status_code == 403
    assert client.put(url, json=record, headers=world.preparer.headers).status_code == 428
    response = client.put(url, json=record, headers={**world.expert.headers, "If-Match": etag})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["indicators"][0]["realised"] == "16 %"
    assert body["indicators"][0]["status"] == "recorded"
    assert body["cells"][0]["predicted"] == -2
    assert body["cells"][0]["verdict"] == "partly"
    assert body["next_review_on"] == "2027-06-01"
    stale = client.put(url, json=record, headers={**world.expert.headers, "If-Match": etag})
    assert stale.status_code == 412
    assert stale.json()["error"]["details"]["changed_by"]
    # a cell the assessment did not predict is a 422, nothing written
    bad = {"cells": [{**record["cells"][0], "area": "nope"}]}
    current = response.headers["ETag"]
    response = client.put(url, json=bad, headers={**world.expert.headers, "If-Match": current})
    assert response.status_code == 422
    got = client.get(f"/api/v1/drafts/{draft_id}/followup", headers=world.expert.headers)
    assert got.headers["ETag"] == current
    writer = _client_token(app, world.org, "followups:write", "drafts:read")
    done = client.put(url, json={"complete": True}, headers={**writer, "If-Match": current})
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "done"


def test_due_listing_and_cli(client: TestClient, app: FastAPI) -> None:
    world = build_world(app)
    draft = decision_with_indicators(
        client,
        world.preparer,
        world.expert,
        title="Koulukuljetus",
        values={("learning", "children_0_6", "all"): -1},
    )
    plan = {"indicators": [{"position": 1, "review_on": "2026-09-01", "responsible": "Rehtori"}]}
    assert _plan(client, world.preparer, draft["id"], plan).status_code == 200
    params = {"organisation": world.org, "due": "true"}
    early = client.get(
        "/api/v1/followups", params={**params, "on": "2026-02-01"}, headers=world.expert.headers
    )
    assert early.json()["items"] == []
    due = client.get(
        "/api/v1/followups", params={**params, "on": "2026-03-02"}, headers=world.expert.headers
    )
    assert [(i["draft_id"], i["status"]) for i in due.json()["items"]] == [(draft["id"], "due")]
    late = client.get(
        "/api/v1/followups", params={**params, "on": "2026-05-01"}, headers=world.expert.headers
    )
    assert late.json()["items"][0]["status"] == "overdue"
    other = client.get("/api/v1/followups", params=params, headers=world.other_preparer.headers)
    assert other.status_code == 404
    result = CliRunner().invoke(cli, ["followups", "due", "--on", "2026-03-02"])
    assert result.exit_code == 0, result.output
    assert "Koulukuljetus" in result.output


def test_ledger_annual_and_region_show_predicted_against_realised(
    client: TestClient, app: FastAPI
) -> None:
    world = build_world(app)
    draft = decision_with_indicators(
        client,
        world.preparer,
        world.expert,
        title="Leikkipuistot",
        values={("child_health", "children_0_6", "girls"): -2},
    )
    plan = {"indicators": [{"position": 1, "review_on": "2026-04-01", "responsible": "Rehtori"}]}
    response = _plan(client, world.preparer, draft["id"], plan)
    assert response.status_code == 200, response.text
    record = {
        "cells": [
            {
                "alternative": "reform",
                "area": "child_health",
                "group": "children_0_6",
                "gender": "girls",
                "verdict": "did_not_hold",
            }
        ]
    }
    response = client.put(
        f"/api/v1/drafts/{draft['id']}/followup/review",
        json=record,
        headers={**world.expert.headers, "If-Match": response.headers["ETag"]},
    )
    assert response.status_code == 200, response.text
    params = {"organisation": world.org, "year": 2026}
    ledger = client.get("/api/v1/reports/ledger", params=params, headers=world.expert.headers)
    section = ledger.json()["followups"]
    assert section["counts"]["overdue"] + section["counts"]["due"] == 1
    held = [v for v in section["verdicts"] if v["area"] == "child_health"]
    assert [(v["group"], v["gender"], v["predicted"], v["did_not_hold"]) for v in held] == [
        ("children_0_6", "female", "negative", 1)
    ]
    annual = client.get(
        "/api/v1/reports/annual/export",
        params={**params, "format": "html", "lang": "fi"},
        headers=world.expert.headers,
    )
    assert annual.status_code == 200
    assert "Seuranta: ennustettu ja toteutunut" in annual.text
    assert "Ei pitänyt" in annual.text
    region = client.get(
        "/api/v1/reports/region",
        params={"organisation": world.region, "year": 2026},
        headers=world.region_expert.headers,
    )
    members = {m["organisation"]["id"]: m["followups_due"] for m in region.json()["members"]}
    assert members[world.org] == 1
    assert members[world.other] == 0
