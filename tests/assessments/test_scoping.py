"""Scoping (only the chosen areas × groups are mandatory) and bulk scoring through the API."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.factories import Person, World
from tests.flows import FULL_ANSWERS, create_draft, screen, screened_assessment, start, write
from tests.reviews.helpers import in_review, requirement, sign, transition

AREAS = ["wellbeing_distribution", "mental_health", "health_distribution", "equality"]
GROUPS = ["children_0_6", "children_7_12", "children_13_17", "older_75_plus", "working_age"]
SCREENED_AREAS = {
    "wellbeing_distribution",
    "mental_health",
    "participation",
    "health_distribution",
    "lifestyles",
    "safety",
    "equality",
    "access_to_services",
    "linguistic_rights",
}
REASON = "Muut alueet ja ryhmät eivät merkittävästi muutu, koska kuljetukset koskevat vain kouluja."


def _scope(
    client: TestClient, person: Person, draft_id: str, version: int, body: dict[str, Any]
) -> Any:
    return client.put(
        f"/api/v1/drafts/{draft_id}/assessment/scope",
        json=body,
        headers=person.headers | {"If-Match": f'"v{version}"'},
    )


def _bulk(
    client: TestClient, person: Person, draft_id: str, version: int, body: dict[str, Any]
) -> Any:
    return client.post(
        f"/api/v1/drafts/{draft_id}/assessment/cells/bulk",
        json=body,
        headers=person.headers | {"If-Match": f'"v{version}"'},
    )


def _scoped(client: TestClient, world: World) -> tuple[dict[str, Any], int]:
    draft, assessment = screened_assessment(client, world.preparer)
    scoped = _scope(
        client,
        world.preparer,
        draft["id"],
        assessment["version"],
        {"areas": AREAS, "groups": GROUPS, "reason": REASON},
    )
    assert scoped.status_code == 200, scoped.text
    return draft, int(scoped.json()["version"])


def test_scope_is_read_chosen_and_refused_when_wrong(client: TestClient, world: World) -> None:
    draft, assessment = screened_assessment(client, world.preparer)
    url = f"/api/v1/drafts/{draft['id']}/assessment/scope"
    fresh = client.get(url, headers=world.preparer.headers)
    assert fresh.status_code == 200
    assert fresh.headers["etag"] == f'"v{assessment["version"]}"'
    body = fresh.json()
    assert body["is_set"] is False
    assert len(body["areas"]) == 12
    assert body["scoped_out_areas"] == []
    assert body["mandatory_cells"] == body["matrix_size"] == 2304
    # residents, a €100 000 procurement and significant impacts: wellbeing, health and
    # equality and services, for every group; not the living environment nor livelihood
    assert body["suggested_from"] == "screening"
    assert body["suggested_areas"] == [a for a in body["areas"] if a in SCREENED_AREAS]
    assert body["suggested_groups"] == body["groups"]
    version = assessment["version"]
    chosen = {"areas": AREAS, "groups": GROUPS, "reason": REASON}
    no_reason = _scope(client, world.preparer, draft["id"], version, chosen | {"reason": ""})
    assert no_reason.status_code == 422
    assert no_reason.json()["error"]["details"][0]["field"] == "reason"
    unknown = _scope(client, world.preparer, draft["id"], version, chosen | {"areas": ["ghost"]})
    assert unknown.status_code == 422
    assert unknown.json()["error"]["details"][0]["key"] == "ghost"
    assert client.put(url, json=chosen, headers=world.preparer.headers).status_code == 428
    assert _scope(client, world.preparer, draft["id"], version + 5, chosen).status_code == 412
    assert _scope(client, world.other_preparer, draft["id"], version, chosen).status_code == 404
    assert client.get(url, headers=world.other_preparer.headers).status_code == 404
    assert client.get(url).status_code == 401
    saved = _scope(client, world.preparer, draft["id"], version, chosen)
    assert saved.status_code == 200, saved.text
    assert saved.headers["etag"] == f'"v{version + 1}"'
    body = saved.json()
    assert (body["is_set"], body["areas"], body["reason"]) == (True, AREAS, REASON)
    assert body["groups"] == [
        "children_0_6",
        "children_7_12",
        "children_13_17",
        "working_age",
        "older_75_plus",
    ], "in the template's order"
    assert len(body["scoped_out_areas"]) == 8
    assert body["mandatory_cells"] == 3 * 4 * 5 * 4
    again = _scope(client, world.preparer, draft["id"], version + 1, chosen)
    assert again.json()["version"] == version + 1, "an unchanged scope is no new version"
    everything = _scope(client, world.preparer, draft["id"], version + 1, {"reason": ""})
    assert everything.status_code == 200
    assert (everything.json()["is_set"], everything.json()["mandatory_cells"]) == (False, 2304)


def test_only_scoped_cells_are_mandatory_and_scoped_out_ones_are_their_own_state(
    client: TestClient, world: World
) -> None:
    draft, version = _scoped(client, world)
    refused = transition(client, world.preparer, draft["id"], "submit_for_review")
    assert refused.status_code == 409
    assert "240 cells are not yet assessed" in refused.json()["error"]["details"]["failed"][0]
    for alternative in ("status_quo", "reform", "partial"):
        done = _bulk(
            client,
            world.preparer,
            draft["id"],
            version,
            {"operation": "set", "selection": {"alternative": alternative}, "value": 0},
        )
        assert done.status_code == 200, done.text
        assert done.json()["count"] == 80
        version = done.json()["version"]
    summary = client.get(
        f"/api/v1/drafts/{draft['id']}/assessment/summary", headers=world.preparer.headers
    ).json()
    total = summary["total"]
    assert (total["neutral"], total["not_assessed"], total["scoped_out"]) == (240, 0, 2064)
    assert (total["total"], total["completeness"]) == (2304, 100.0)
    scoped_out = {
        "alternative": "reform",
        "area": "housing_mobility",
        "group": "children_0_6",
        "gender": "women",
        "value": 1,
        "justification": "Ei arvioida.",
    }
    refused_cell = write(client, world.preparer, draft["id"], version, [scoped_out])
    assert refused_cell.status_code == 422
    assert "scoped out" in refused_cell.json()["error"]["details"][0]["message"]
    submitted = transition(client, world.preparer, draft["id"], "submit_for_review")
    assert submitted.status_code == 200, submitted.text


def test_a_bulk_request_with_one_bad_name_writes_nothing(client: TestClient, world: World) -> None:
    draft, version = _scoped(client, world)
    for selection in (
        {"alternative": "reform", "areas": [AREAS[0], "ghost"]},
        {"alternative": "reform", "areas": [AREAS[0], "housing_mobility"]},
        {"alternative": "reform", "groups": ["young_people"]},
        {"alternative": "nowhere"},
    ):
        refused = _bulk(
            client,
            world.preparer,
            draft["id"],
            version,
            {"operation": "set", "selection": selection, "value": 1, "justification": "Syy."},
        )
        assert refused.status_code == 422, selection
    bad_value = _bulk(
        client,
        world.preparer,
        draft["id"],
        version,
        {"operation": "set", "selection": {"alternative": "reform"}, "value": 7},
    )
    assert bad_value.status_code == 422
    assert len(bad_value.json()["error"]["details"]) == 80, "every misfit is named"
    read = client.get(f"/api/v1/drafts/{draft['id']}/assessment", headers=world.preparer.headers)
    assert (read.json()["cells"], read.json()["version"]) == ([], version)
    stale = _bulk(
        client,
        world.preparer,
        draft["id"],
        version - 1,
        {"operation": "set", "selection": {"alternative": "reform"}, "value": 0},
    )
    assert stale.status_code == 412
    assert stale.json()["error"]["details"]["changed_by"]


def test_rows_columns_groups_copy_and_clear_in_one_audited_change_each(
    client: TestClient, world: World
) -> None:
    draft, version = _scoped(client, world)
    steps: list[tuple[dict[str, Any], int]] = [
        (  # a row: one area across every group and gender in scope
            {
                "operation": "set",
                "selection": {"alternative": "reform", "areas": ["mental_health"]},
                "value": -1,
                "justification": "Matkat pitenevät.",
            },
            20,
        ),
        (  # a column: one group × one gender down every area in scope
            {
                "operation": "set",
                "selection": {
                    "alternative": "reform",
                    "groups": ["working_age"],
                    "genders": ["men"],
                },
                "value": 1,
                "justification": "Työmatkat helpottuvat.",
            },
            4,
        ),
        (  # a group across genders, only what is still missing
            {
                "operation": "set",
                "selection": {
                    "alternative": "reform",
                    "groups": ["children_0_6"],
                    "only_missing": True,
                },
                "cannot_assess": True,
            },
            12,
        ),
        (
            {
                "operation": "copy",
                "selection": {"alternative": "partial"},
                "from_alternative": "reform",
            },
            35,  # 20 in the row, 3 more in the column, 12 of the group
        ),
        (
            {
                "operation": "clear",
                "selection": {"alternative": "partial", "areas": ["mental_health"]},
            },
            20,
        ),
    ]
    for body, count in steps:
        done = _bulk(client, world.preparer, draft["id"], version, body)
        assert done.status_code == 200, done.text
        assert (done.json()["count"], done.json()["version"]) == (count, version + 1)
        version += 1
    cells = client.get(
        f"/api/v1/drafts/{draft['id']}/assessment", headers=world.preparer.headers
    ).json()["cells"]
    by_key = {(c["alternative"], c["area"], c["group"], c["gender"]): c for c in cells}
    mental = by_key[("reform", "mental_health", "children_7_12", "other")]
    assert (mental["value"], mental["justification"]) == (-1, "Matkat pitenevät.")
    column = by_key[("reform", "mental_health", "working_age", "men")]
    assert (column["value"], column["justification"]) == (1, "Työmatkat helpottuvat.")
    assert by_key[("reform", "equality", "children_0_6", "women")]["cannot_assess"] is True
    assert by_key[("partial", "equality", "children_0_6", "women")]["cannot_assess"] is True
    assert ("partial", "mental_health", "working_age", "men") not in by_key
    assert len([k for k in by_key if k[0] == "partial"]) == 15
    audit = client.get(
        f"/api/v1/organisations/{world.org}/audit", headers=world.admin.headers
    ).json()
    bulk = [e for e in audit if e["action"] == "assessment.cells_bulk_written"]
    assert [e["data"]["count"] for e in bulk] == [count for _body, count in steps]
    assert bulk[3]["data"]["operation"] == "copy"
    assert [e["action"] for e in audit].count("assessment.scope_set") == 1


def test_scope_and_bulk_writes_make_covering_signoffs_stale(
    client: TestClient, world: World
) -> None:
    draft = in_review(client, world)
    sign(client, world.expert, draft["id"])
    read = client.get(f"/api/v1/drafts/{draft['id']}/assessment", headers=world.expert.headers)
    version = int(read.headers["etag"].strip('"v'))
    done = _bulk(
        client,
        world.expert2,
        draft["id"],
        version,
        {
            "operation": "set",
            "selection": {"alternative": "reform", "areas": ["climate_energy"]},
            "value": 1,
            "justification": "Päästöt vähenevät.",
        },
    )
    assert done.status_code == 200, done.text
    [signoff] = requirement(client, world.expert, draft["id"])["signoffs"]
    assert (signoff["stale"], signoff["counts"]) == (True, False)
    signed = sign(client, world.expert, draft["id"]).json()["signoff"]
    assert requirement(client, world.expert, draft["id"])["signoffs"][-1]["counts"] is True
    scoped = _scope(
        client,
        world.expert2,
        draft["id"],
        done.json()["version"],
        {"areas": ["climate_energy", "wellbeing_health"], "reason": "Muut eivät muutu."},
    )
    assert scoped.status_code == 200, scoped.text
    latest = requirement(client, world.expert, draft["id"])["signoffs"][-1]
    assert (latest["stale"], latest["counts"]) == (True, False)
    diff = client.get(
        f"/api/v1/drafts/{draft['id']}/signoffs/{signed['id']}/diff", headers=world.expert.headers
    ).json()
    [change] = diff["changes"]
    assert change["part"] == "matrix_scope"
    assert change["before"] is None
    assert change["after"]["reason"] == "Muut eivät muutu."


def test_a_bulk_write_replays_for_the_same_idempotency_key(
    client: TestClient, world: World
) -> None:
    draft, version = _scoped(client, world)
    url = f"/api/v1/drafts/{draft['id']}/assessment/cells/bulk"
    body = {"operation": "set", "selection": {"alternative": "reform"}, "value": 0}
    headers = world.preparer.headers | {"If-Match": f'"v{version}"', "Idempotency-Key": "bulk-1"}
    first = client.post(url, json=body, headers=headers)
    assert first.status_code == 200, first.text
    again = client.post(url, json=body, headers=headers)
    assert (again.status_code, again.json()) == (200, first.json()), "replayed, not a 412"
    other = client.post(url, json=body | {"value": 1, "justification": "x"}, headers=headers)
    assert other.status_code == 422
    audit = client.get(
        f"/api/v1/organisations/{world.org}/audit", headers=world.admin.headers
    ).json()
    assert [e["action"] for e in audit].count("assessment.cells_bulk_written") == 1


def _suggested(client: TestClient, world: World, answers: dict[str, str]) -> dict[str, Any]:
    draft = create_draft(client, world.preparer)
    screen(client, world.preparer, draft, answers=answers)
    start(client, world.preparer, draft["id"], "iva")
    url = f"/api/v1/drafts/{draft['id']}/assessment/scope"
    body = client.get(url, headers=world.preparer.headers).json()
    assert body["is_set"] is False, "a suggestion is not a scope"
    assert body["mandatory_cells"] == body["matrix_size"]
    return dict(body)


def test_the_suggested_scope_follows_the_screening_answers(
    client: TestClient, world: World
) -> None:
    # gender situations differ: a full assessment, but no hint at areas or groups
    quiet = dict.fromkeys(FULL_ANSWERS, "no") | {
        "exemption": "none",
        "concerns_people": "yes",
        "gender_situations_differ": "yes",
    }
    network = _suggested(client, world, quiet | {"service_network": "yes"})
    assert network["suggested_from"] == "screening"
    assert network["suggested_areas"] == [
        "equality",
        "access_to_services",
        "linguistic_rights",
        "environmental_health",
        "housing_mobility",
    ]
    # children (parent) names its age groups; older people theirs
    assert network["suggested_groups"] == [
        "children_0_6",
        "children_7_12",
        "children_13_17",
        "older_65_74",
        "older_75_plus",
        "people_with_disabilities",
        "families_with_children",
        "residents_by_area",
    ]
    staff = _suggested(client, world, quiet | {"affects_staff": "yes"})
    assert (staff["suggested_areas"], staff["suggested_groups"]) == (
        ["mental_health", "livelihood_work_education"],
        ["working_age"],
    )
    strategy = _suggested(client, world, quiet | {"strategy": "yes", "affects_staff": "yes"})
    assert strategy["suggested_areas"] == strategy["areas"]
    assert strategy["suggested_groups"] == strategy["groups"]
    assert strategy["suggested_from"] == "screening"
    nothing = _suggested(client, world, quiet)
    assert (nothing["suggested_areas"], nothing["suggested_from"]) == (nothing["areas"], "template")
