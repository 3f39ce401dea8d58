"""Screening, the matrix, cell writes, summaries and moving to a new template version."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.factories import World
from tests.flows import (
    EXEMPT_ANSWERS,
    FULL_ANSWERS,
    create_draft,
    screen,
    screened_assessment,
    template_id,
    write,
)


def test_screening_outcomes_reason_and_suggestions(client: TestClient, world: World) -> None:
    draft = create_draft(client, world.preparer)
    result = screen(client, world.preparer, draft)
    assert (result["computed_outcome"], result["outcome"]) == ("full", "full")
    assert result["matched_rule"] == "significant_impacts"
    suggested = {t["key"] for t in result["suggested_templates"]}
    assert {"iva", "lava", "suva", "kuntaliitto"} <= suggested
    exempt = create_draft(client, world.preparer)
    result = screen(
        client, world.preparer, exempt, EXEMPT_ANSWERS, reason="Viranhaku, yksilöpäätös."
    )
    assert result["outcome"] == "not_needed"
    assert result["suggested_templates"] == []
    draft_now = client.get(f"/api/v1/drafts/{exempt['id']}", headers=world.preparer.headers).json()
    assert (draft_now["status"], draft_now["version"]) == ("screening", 2)


def test_screening_needs_reason_valid_answers_and_role(client: TestClient, world: World) -> None:
    draft = create_draft(client, world.preparer)
    url = f"/api/v1/drafts/{draft['id']}/screening"
    body: dict[str, Any] = {
        "template_id": template_id(client, world.preparer, "eva-screening"),
        "answers": FULL_ANSWERS,
        "reason": "Perustelu",
    }
    headers = world.preparer.headers | {"If-Match": '"v1"'}
    assert client.put(url, json=body | {"reason": ""}, headers=headers).status_code == 422
    bad = client.put(
        url,
        json=body | {"answers": FULL_ANSWERS | {"strategy": "maybe", "ghost": "yes"}},
        headers=headers,
    )
    assert bad.status_code == 422
    assert {d["question"] for d in bad.json()["error"]["details"]} == {"strategy", "ghost"}
    matrix = client.put(
        url,
        json=body | {"template_id": template_id(client, world.preparer, "iva")},
        headers=headers,
    )
    assert matrix.status_code == 422
    assert (
        client.put(url, json=body, headers=world.expert.headers | {"If-Match": '"v1"'}).status_code
        == 403
    )
    assert (
        client.put(
            url, json=body, headers=world.other_preparer.headers | {"If-Match": '"v1"'}
        ).status_code
        == 404
    )
    assert client.get(url, headers=world.preparer.headers).status_code == 404
    override = client.put(
        url, json=body | {"outcome": "light", "reason": "Vaikutukset vähäisiä."}, headers=headers
    )
    assert override.status_code == 200
    assert (override.json()["computed_outcome"], override.json()["outcome"]) == ("full", "light")


def test_an_incomplete_screening_is_refused_by_the_api(client: TestClient, world: World) -> None:
    draft = create_draft(client, world.preparer)
    answers = {k: v for k, v in FULL_ANSWERS.items() if k not in ("strategy", "concerns_people")}
    response = client.put(
        f"/api/v1/drafts/{draft['id']}/screening",
        json={
            "template_id": template_id(client, world.preparer, "eva-screening"),
            "answers": answers,
            "reason": "Perustelu",
        },
        headers=world.preparer.headers | {"If-Match": '"v1"'},
    )
    assert response.status_code == 422, response.text
    details = response.json()["error"]["details"]
    assert {d["question"] for d in details} == {"strategy", "concerns_people"}
    assert {d["message"] for d in details} == {"the question is not answered"}


def test_assessment_needs_a_screening_that_asks_for_one(client: TestClient, world: World) -> None:
    draft = create_draft(client, world.preparer)
    url = f"/api/v1/drafts/{draft['id']}/assessment"
    iva = template_id(client, world.preparer, "iva")
    assert (
        client.post(url, json={"template_id": iva}, headers=world.preparer.headers).status_code
        == 409
    )
    screen(client, world.preparer, draft, EXEMPT_ANSWERS, reason="Tiedoksi merkittävä asia.")
    assert (
        client.post(url, json={"template_id": iva}, headers=world.preparer.headers).status_code
        == 409
    )


def test_matrix_read_write_and_not_assessed_is_not_no_impact(
    client: TestClient, world: World
) -> None:
    draft, assessment = screened_assessment(client, world.preparer)
    assert assessment["matrix_size"] == 2304, "3 alternatives × the IVA template's 768 cells"
    assert assessment["cells"] == []
    cells = [
        {
            "alternative": "reform",
            "area": "mental_health",
            "group": "children_13_17",
            "gender": "women",
            "value": -2,
            "justification": "Kuljetusajat pitenevät.",
            "horizon": "long",
            "certainty": "medium",
        },
        {
            "alternative": "reform",
            "area": "mental_health",
            "group": "children_13_17",
            "gender": "men",
            "value": 0,
        },
        {
            "alternative": "reform",
            "area": "safety",
            "group": "children_0_6",
            "gender": "other",
            "cannot_assess": True,
            "evidence": "Ei tietoa.",
        },
    ]
    response = write(client, world.expert, draft["id"], 1, cells)
    assert response.status_code == 200, response.text
    assert response.headers["etag"] == '"v2"'
    read = client.get(f"/api/v1/drafts/{draft['id']}/assessment", headers=world.secretary.headers)
    assert read.headers["etag"] == '"v2"'
    stored = {(c["area"], c["gender"]): c for c in read.json()["cells"]}
    assert stored[("mental_health", "women")]["value"] == -2
    assert stored[("mental_health", "men")]["value"] == 0
    assert stored[("safety", "other")]["cannot_assess"] is True
    assert stored[("safety", "other")]["value"] is None
    cached = client.get(
        f"/api/v1/drafts/{draft['id']}/assessment",
        headers=world.expert.headers | {"If-None-Match": '"v2"'},
    )
    assert cached.status_code == 304
    listed = client.get(
        f"/api/v1/drafts/{draft['id']}/assessment",
        headers=world.expert.headers | {"If-None-Match": '"v1", "v2"'},
    )
    assert listed.status_code == 304, "If-None-Match may list several ETags"
    summary = client.get(
        f"/api/v1/drafts/{draft['id']}/assessment/summary", headers=world.expert.headers
    ).json()
    reform = summary["by_alternative"]["reform"]
    assert (
        reform["negative"],
        reform["neutral"],
        reform["cannot_assess"],
        reform["not_assessed"],
    ) == (1, 1, 1, 765)
    assert summary["total"]["total"] == 2304
    assert summary["gender_gaps"] == [
        {
            "alternative": "reform",
            "area": "mental_health",
            "group": "children_13_17",
            "women": -2,
            "men": 0,
        }
    ]
    cleared = write(
        client, world.expert, draft["id"], 2, [{**cells[1], "value": None, "clear": True}]
    )
    assert cleared.status_code == 200
    assert cleared.json()["cells"] == []
    matrix = client.get(
        f"/api/v1/drafts/{draft['id']}/assessment", headers=world.expert.headers
    ).json()
    assert len(matrix["cells"]) == 2


def test_summary_answers_304_while_its_version_is_current(client: TestClient, world: World) -> None:
    draft, _ = screened_assessment(client, world.preparer)
    path = f"/api/v1/drafts/{draft['id']}/assessment/summary"
    first = client.get(path, headers=world.expert.headers)
    assert first.status_code == 200
    tag = first.headers["etag"]
    assert tag == '"v1"'
    same = client.get(path, headers=world.expert.headers | {"If-None-Match": tag})
    assert (same.status_code, same.content, same.headers["etag"]) == (304, b"", tag)
    cell = {"alternative": "reform", "area": "safety", "group": "children_0_6", "gender": "all"}
    written = write(client, world.expert, draft["id"], 1, [cell | {"value": 1}])
    assert written.status_code == 200, written.text
    moved = client.get(path, headers=world.expert.headers | {"If-None-Match": tag})
    assert (moved.status_code, moved.headers["etag"]) == (200, '"v2"')
    assert moved.json()["by_alternative"]["reform"]["positive"] == 1
    outsider = client.get(path, headers=world.other_expert.headers | {"If-None-Match": tag})
    assert outsider.status_code in (403, 404), "a 304 is never an outsider's answer"


def test_bad_cells_write_nothing(client: TestClient, world: World) -> None:
    draft, _ = screened_assessment(client, world.preparer)
    good = {
        "alternative": "reform",
        "area": "safety",
        "group": "children_0_6",
        "gender": "women",
        "value": 1,
        "justification": "x",
    }
    bad_cells = [
        good | {"area": "nonexistent"},
        good | {"group": "elderly75"},
        good | {"gender": "nonbinary"},
        good | {"alternative": "ghost"},
        good | {"value": 5},
        good | {"horizon": "forever"},
    ]
    response = write(client, world.expert, draft["id"], 1, [good, *bad_cells])
    assert response.status_code == 422
    assert [p["index"] for p in response.json()["error"]["details"]] == [1, 2, 3, 4, 5, 6]
    assert (
        client.get(f"/api/v1/drafts/{draft['id']}/assessment", headers=world.expert.headers).json()[
            "cells"
        ]
        == []
    )
    both = write(client, world.expert, draft["id"], 1, [good | {"cannot_assess": True}])
    assert both.status_code == 422
    twice = write(client, world.expert, draft["id"], 1, [good, good])
    assert twice.status_code == 422


def test_cell_writes_need_version_role_and_tenant(client: TestClient, world: World) -> None:
    draft, _ = screened_assessment(client, world.preparer)
    cell = [
        {
            "alternative": "reform",
            "area": "safety",
            "group": "children_0_6",
            "gender": "women",
            "value": 1,
        }
    ]
    url = f"/api/v1/drafts/{draft['id']}/assessment/cells"
    assert client.patch(url, json={"cells": cell}, headers=world.expert.headers).status_code == 428
    assert write(client, world.secretary, draft["id"], 1, cell).status_code == 403
    assert write(client, world.other_expert, draft["id"], 1, cell).status_code == 404
    assert write(client, world.region_expert, draft["id"], 1, cell).status_code == 200
    stale = write(client, world.expert, draft["id"], 1, cell)
    assert stale.status_code == 412
    assert stale.json()["error"]["details"]["current_version"] == 2


def test_cumulative_impact_and_missing_justification_flags(
    client: TestClient, world: World
) -> None:
    draft, _ = screened_assessment(client, world.preparer)
    base = {"alternative": "partial", "group": "older_75_plus", "gender": "women", "value": -1}
    cells = [
        base | {"area": "housing_mobility", "justification": "Palvelut kauempana."},
        base | {"area": "participation"},
    ]
    assert write(client, world.expert, draft["id"], 1, cells).status_code == 200
    summary = client.get(
        f"/api/v1/drafts/{draft['id']}/assessment/summary", headers=world.expert.headers
    ).json()
    assert summary["cumulative_impacts"] == [
        {
            "alternative": "partial",
            "group": "older_75_plus",
            "negative_cells": 2,
            "areas": ["participation", "housing_mobility"],
        }
    ]
    assert summary["missing_justifications"] == [
        {
            "alternative": "partial",
            "area": "participation",
            "group": "older_75_plus",
            "gender": "women",
        }
    ]
    comparison = {row["area"]: row["alternatives"] for row in summary["comparison"]}
    assert list(comparison["housing_mobility"]) == ["status_quo", "reform", "partial"]
    assert comparison["housing_mobility"]["partial"]["negative"] == 1


def test_moving_to_a_new_template_version_reports_what_was_not_carried(
    client: TestClient, world: World
) -> None:
    draft, assessment = screened_assessment(client, world.preparer, key="kuntaliitto")
    cells = [
        {
            "alternative": "reform",
            "area": "climate_energy",
            "group": "municipality",
            "gender": "all",
            "value": 1,
            "justification": "Päästöt vähenevät.",
        },
        {
            "alternative": "reform",
            "area": "investments_financing",
            "group": "municipality",
            "gender": "all",
            "value": -1,
            "justification": "Investointi kasvaa.",
        },
    ]
    assert write(client, world.expert, draft["id"], 1, cells).status_code == 200
    copy = client.post(
        f"/api/v1/templates/{assessment['template_id']}/copy",
        params={"organisation_id": world.org},
        headers=world.admin.headers,
    )
    assert copy.status_code == 201, copy.text
    definition = copy.json()["definition"]
    definition["areas"] = [a for a in definition["areas"] if a["key"] != "investments_financing"]
    edited = client.put(
        f"/api/v1/templates/{copy.json()['id']}",
        json={"definition": definition},
        headers=world.admin.headers | {"If-Match": '"v1"'},
    )
    assert edited.status_code == 200, edited.text
    published = client.post(
        f"/api/v1/templates/{copy.json()['id']}/publish",
        headers=world.admin.headers | {"If-Match": '"v2"'},
    )
    assert published.status_code == 200
    moved = client.post(
        f"/api/v1/drafts/{draft['id']}/assessment/migrate",
        json={"template_id": copy.json()["id"]},
        headers=world.preparer.headers | {"If-Match": '"v2"'},
    )
    assert moved.status_code == 200, moved.text
    report = moved.json()
    assert report["carried"] == 1
    assert [(c["area"], c["value"]) for c in report["not_carried"]] == [
        ("investments_financing", -1)
    ]
    assert report["assessment"]["template_version"] == 2


def test_started_assessment_is_pinned_to_its_template_version(
    client: TestClient, world: World
) -> None:
    draft, assessment = screened_assessment(client, world.preparer, key="suva")
    assert assessment["template_key"] == "suva"
    again = client.post(
        f"/api/v1/drafts/{draft['id']}/assessment",
        json={"template_id": template_id(client, world.preparer, "iva")},
        headers=world.preparer.headers,
    )
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "assessment_exists"
