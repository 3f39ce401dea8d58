"""An annex of a scoped assessment shows the scoped-out cells as such, with the reason."""

from __future__ import annotations

import io

import pikepdf
from fastapi.testclient import TestClient

from tests.annexes.pdf_inspect import document_text
from tests.factories import World
from tests.flows import create_draft, screen, start, translate_all
from tests.reviews.helpers import sign, transition

REASON = "Päätös ei kosketa luontoa eikä henkilöstöä."


def test_scoped_out_cells_are_shown_with_the_reason_in_html_pdf_and_record(
    client: TestClient, world: World
) -> None:
    draft = create_draft(client, world.preparer)
    screen(client, world.preparer, draft)
    assessment = start(client, world.preparer, draft["id"], "kuntaliitto")
    scoped = client.put(
        f"/api/v1/drafts/{draft['id']}/assessment/scope",
        json={"areas": ["wellbeing_health", "services"], "reason": REASON},
        headers=world.preparer.headers | {"If-Match": f'"v{assessment["version"]}"'},
    )
    assert scoped.status_code == 200, scoped.text
    version = scoped.json()["version"]
    for alternative in ("status_quo", "reform", "partial"):
        done = client.post(
            f"/api/v1/drafts/{draft['id']}/assessment/cells/bulk",
            json={"operation": "set", "selection": {"alternative": alternative}, "value": 0},
            headers=world.preparer.headers | {"If-Match": f'"v{version}"'},
        )
        assert done.status_code == 200, done.text
        version = done.json()["version"]
    translate_all(client, world.preparer, draft["id"])  # the draft is in fi and sv
    assert transition(client, world.preparer, draft["id"], "submit_for_review").status_code == 200
    assert sign(client, world.expert, draft["id"]).status_code == 201
    assert transition(client, world.expert, draft["id"], "approve").status_code == 200
    issued = client.post(
        f"/api/v1/drafts/{draft['id']}/annexes", json={}, headers=world.secretary.headers
    )
    assert issued.status_code == 201, issued.text
    fi = next(a for a in issued.json() if a["language"] == "fi")
    record = client.get(f"/api/v1/annexes/{fi['id']}.json", headers=world.expert.headers).json()
    assert record["scoping"] == {
        "areas": ["wellbeing_health", "services"],
        "groups": None,
        "reason": REASON,
    }
    reform = next(s for s in record["summary"] if s["alternative"] == "reform")
    assert (reform["not_assessed"], reform["neutral"]) == (0, 2)
    assert reform["scoped_out"] > 0
    assert reform["completeness_percent"] == 100.0
    html = client.get(f"/api/v1/annexes/{fi['id']}.html", headers=world.expert.headers).text
    assert REASON in html
    assert html.count('class="out"') >= reform["scoped_out"], "each scoped-out cell is marked"
    assert "Rajattu pois" in html, "in words, not by colour alone"
    pdf = client.get(f"/api/v1/annexes/{fi['id']}.pdf", headers=world.expert.headers)
    with pikepdf.open(io.BytesIO(pdf.content)) as document:
        text = document_text(document)
    assert REASON in " ".join(text.split())
    assert "Rajattu pois" in text
