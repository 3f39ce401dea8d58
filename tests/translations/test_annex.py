"""The annex in the draft's other language: translated texts where current translations
exist, the rest in the source language, marked with its lang and listed in the record."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from app.annexes.record import AnnexRecord
from app.annexes.render import render_html
from app.workflow.policy import DEFAULT_POLICY
from examples.make_large_record import build_record
from tests.factories import World
from tests.flows import SWEDISH_PREFIX, translate
from tests.reviews.helpers import assessed_draft, issued, sign, transition

NOTICE_SV = "Vissa texter har ännu inte översatts till denna bilagas språk"


def _without_guard(client: TestClient, world: World) -> None:
    policy = DEFAULT_POLICY.model_dump(mode="json")
    for t in policy["transitions"]:
        t["guards"] = [g for g in t["guards"] if g != "translations_complete"]
    saved = client.put(
        f"/api/v1/organisations/{world.org}/policy",
        json={"policy": policy},
        headers=world.admin.headers | {"If-Match": '"v0"'},
    )
    assert saved.status_code == 200, saved.text


def _annexes(client: TestClient, world: World, draft_id: str) -> dict[str, dict[str, Any]]:
    response = client.post(
        f"/api/v1/drafts/{draft_id}/annexes", json={}, headers=world.secretary.headers
    )
    assert response.status_code == 201, response.text
    return {a["language"]: a for a in response.json()}


def test_partly_translated_draft_says_so_and_marks_the_finnish_texts(
    client: TestClient, world: World
) -> None:
    _without_guard(client, world)
    draft = assessed_draft(client, world)
    saved = translate(
        client,
        world.preparer,
        draft["id"],
        {
            "title": "Förnyelse av skolskjutsarna",
            "alternative/reform/name": "Reform",
            "screening/reason": "Påverkar i hög grad barn och familjer.",
        },
    )
    assert saved.status_code == 200, saved.text
    assert transition(client, world.preparer, draft["id"], "submit_for_review").status_code == 200
    assert sign(client, world.expert, draft["id"]).status_code == 201
    assert transition(client, world.expert, draft["id"], "approve").status_code == 200
    annexes = _annexes(client, world, draft["id"])

    sv = client.get(f"/api/v1/annexes/{annexes['sv']['id']}.json", headers=world.expert.headers)
    record = sv.json()
    assert record["identification"]["title"] == "Förnyelse av skolskjutsarna"
    assert record["screening"]["reason"] == "Påverkar i hög grad barn och familjer."
    names = {a["key"]: a["name"] for a in record["alternatives"]}
    assert names["reform"] == "Reform"
    assert names["partial"] == "Osittainen uudistus"
    assert record["text_language"] == "fi"
    assert "alternative/partial/name" in record["untranslated"]
    assert "proposal" in record["untranslated"]
    assert not {"title", "alternative/reform/name", "screening/reason"} & set(
        record["untranslated"]
    )

    html = client.get(
        f"/api/v1/annexes/{annexes['sv']['id']}.html", headers=world.expert.headers
    ).text
    assert NOTICE_SV in html
    assert "(finska)" in html
    assert '<span class="subtitle">Förnyelse av skolskjutsarna</span>' in html
    assert '<span lang="fi">Osittainen uudistus</span>' in html
    assert "<h3>Reform" in html
    assert '<span lang="fi">Reform' not in html
    assert '<p lang="fi">Lautakunta päättää uudistaa koulukuljetukset.</p>' in html
    assert "<p>Påverkar i hög grad barn och familjer.</p>" in html
    assert '<td lang="fi">Sivistyslautakunta</td>' in html, "the decision body is untranslated"
    assert "<td>Förnyelse av skolskjutsarna</td>" in html

    fi = client.get(f"/api/v1/annexes/{annexes['fi']['id']}.json", headers=world.expert.headers)
    assert (fi.json()["untranslated"], fi.json()["text_language"]) == ([], None)
    assert fi.json()["identification"]["title"] == "Koulukuljetusten uudistaminen"


def test_fully_translated_draft_has_swedish_content_throughout(
    client: TestClient, world: World
) -> None:
    _draft, annexes = issued(client, world)
    sv = next(a for a in annexes if a["language"] == "sv")
    record = client.get(f"/api/v1/annexes/{sv['id']}.json", headers=world.expert.headers).json()
    assert (record["untranslated"], record["text_language"]) == ([], None)
    assert record["identification"]["title"].startswith(SWEDISH_PREFIX)
    assert all(a["name"].startswith(SWEDISH_PREFIX) for a in record["alternatives"])
    html = client.get(f"/api/v1/annexes/{sv['id']}.html", headers=world.expert.headers).text
    assert NOTICE_SV not in html
    assert 'lang="fi"' not in html
    # the files are named from the title the annex shows, the Swedish one
    names = {f["file_name"] for f in sv["files"]}
    assert all(
        name.startswith("Pa_svenska_Koulukuljetusten_uudistaminen_eva1_sv.") for name in names
    ), names


def test_records_made_before_translations_keep_every_text_marked() -> None:
    """A stored record without `untranslated` renders as it did: all people's texts marked."""
    data = build_record(alternatives=2, areas=2, groups=2, genders=2) | {
        "language": "sv",
        "text_language": "fi",
    }
    first_alt = data["alternatives"][0]
    old = render_html(AnnexRecord.model_validate(data))
    assert "återges på originalspråket (finska)" in old
    assert f'<span lang="fi">{first_alt["name"]}</span>' in old
    listed = render_html(AnnexRecord.model_validate(data | {"untranslated": ["title"]}))
    assert NOTICE_SV in listed
    assert "originalspråket (finska)" in listed
    assert f'<span lang="fi">{first_alt["name"]}</span>' not in listed
    assert '<span class="subtitle" lang="fi">' in listed
