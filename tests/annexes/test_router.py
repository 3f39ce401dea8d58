"""Issuing annexes from an approved draft and serving them at stable, verifiable URLs."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile

import pikepdf
from fastapi.testclient import TestClient

from tests.factories import World
from tests.reviews.helpers import in_review, issued


def test_bilingual_organisation_gets_fi_and_sv_annexes(client: TestClient, world: World) -> None:
    draft, annexes = issued(client, world)
    assert sorted(a["language"] for a in annexes) == ["fi", "sv"]
    assert {a["number"] for a in annexes} == {1}
    fi = next(a for a in annexes if a["language"] == "fi")
    formats = {f["format"]: f for f in fi["files"]}
    assert set(formats) == {"pdf", "html", "json", "zip"}
    pdf = client.get(f"/api/v1/annexes/{fi['id']}.pdf", headers=world.secretary.headers)
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert hashlib.sha256(pdf.content).hexdigest() == formats["pdf"]["sha256"]
    assert len(pdf.content) == formats["pdf"]["size"]
    assert pdf.headers["etag"] == f'"{formats["pdf"]["sha256"]}"'
    assert (
        pdf.headers["content-disposition"]
        == f'attachment; filename="{formats["pdf"]["file_name"]}"'
    )
    assert formats["pdf"]["uri"].endswith(f"/api/v1/annexes/{fi['id']}.pdf")
    # Files are never sniffed into something else, and an HTML annex opened in a browser
    # runs nothing (sandboxed policy).
    assert pdf.headers["x-content-type-options"] == "nosniff"
    assert "sandbox" in pdf.headers["content-security-policy"]
    not_modified = client.get(
        f"/api/v1/annexes/{fi['id']}.pdf",
        headers=world.secretary.headers | {"If-None-Match": pdf.headers["etag"]},
    )
    assert not_modified.status_code == 304
    with pikepdf.open(io.BytesIO(pdf.content)) as document:
        assert str(document.Root.Lang) == "fi"
        assert "<pdfaid:part>2</pdfaid:part>" in bytes(document.Root.Metadata.read_bytes()).decode()
    record = client.get(f"/api/v1/annexes/{fi['id']}.json", headers=world.expert.headers).json()
    assert record["schema_version"] == "ennakko.annex/1"
    current = client.get(f"/api/v1/drafts/{draft['id']}", headers=world.expert.headers).json()
    assert (record["content_hash"], record["draft_version"]) == (
        current["content_hash"],
        current["version"],
    ), "the record carries the approved version and its content hash"
    assert [a["decision"] for a in record["approvals"]] == ["approved"]
    sv_html = client.get(
        f"/api/v1/annexes/{next(a for a in annexes if a['language'] == 'sv')['id']}.html",
        headers=world.expert.headers,
    ).text
    assert '<html lang="sv"' in sv_html
    draft_now = client.get(f"/api/v1/drafts/{draft['id']}", headers=world.secretary.headers).json()
    assert draft_now["status"] == "annex_issued"


def test_bundle_manifest_matches_the_stored_files(client: TestClient, world: World) -> None:
    _, annexes = issued(client, world)
    annex = annexes[0]
    stored = {f["format"]: f["sha256"] for f in annex["files"]}
    bundle = client.get(
        f"/api/v1/annexes/{annex['id']}.zip", headers=world.secretary.headers
    ).content
    with zipfile.ZipFile(io.BytesIO(bundle)) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        sums = {f["name"]: f["sha256"] for f in manifest["files"]}
    assert sums == {
        "annex.pdf": stored["pdf"],
        "annex.html": stored["html"],
        "annex.json": stored["json"],
    }


def test_verify_and_content_negotiation(client: TestClient, world: World) -> None:
    _, annexes = issued(client, world)
    annex = annexes[0]
    pdf_sha = next(f["sha256"] for f in annex["files"] if f["format"] == "pdf")
    hit = client.get(
        "/api/v1/annexes/verify", params={"sha256": pdf_sha}, headers=world.system.headers
    ).json()
    assert (hit["match"], hit["annex_id"], hit["format"]) == (True, annex["id"], "pdf")
    miss = client.get(
        "/api/v1/annexes/verify", params={"sha256": "0" * 64}, headers=world.system.headers
    )
    assert miss.json() == {
        "match": False,
        "annex_id": None,
        "draft_id": None,
        "format": None,
        "language": None,
        "number": None,
        "issued_at": None,
    }
    hidden = client.get(
        "/api/v1/annexes/verify", params={"sha256": pdf_sha}, headers=world.other_admin.headers
    )
    assert hidden.json()["match"] is False
    meta = client.get(f"/api/v1/annexes/{annex['id']}", headers=world.system.headers)
    assert meta.json()["id"] == annex["id"]
    negotiated = client.get(
        f"/api/v1/annexes/{annex['id']}",
        headers=world.system.headers | {"Accept": "application/pdf"},
    )
    assert negotiated.headers["content-type"] == "application/pdf"


def test_reissue_makes_a_new_number_and_never_overwrites(client: TestClient, world: World) -> None:
    draft, first = issued(client, world)
    again = client.post(
        f"/api/v1/drafts/{draft['id']}/annexes",
        json={"languages": ["en"]},
        headers=world.preparer.headers,
    )
    assert again.status_code == 201
    [english] = again.json()
    assert (english["number"], english["language"]) == (2, "en")
    listed = client.get(
        f"/api/v1/drafts/{draft['id']}/annexes", headers=world.secretary.headers
    ).json()
    assert [(a["number"], a["language"]) for a in listed] == [(1, "fi"), (1, "sv"), (2, "en")]
    old = client.get(f"/api/v1/annexes/{first[0]['id']}.pdf", headers=world.secretary.headers)
    assert hashlib.sha256(old.content).hexdigest() == next(
        f["sha256"] for f in first[0]["files"] if f["format"] == "pdf"
    )


def test_issue_needs_approval_role_and_tenant(client: TestClient, world: World) -> None:
    draft = in_review(client, world)
    url = f"/api/v1/drafts/{draft['id']}/annexes"
    assert client.post(url, json={}, headers=world.secretary.headers).status_code == 409
    assert client.post(url, json={}, headers=world.expert.headers).status_code == 403
    assert client.post(url, json={}, headers=world.other_secretary.headers).status_code == 404
    assert (
        client.post(url, json={"languages": ["de"]}, headers=world.secretary.headers).status_code
        == 422
    )
    _, annexes = issued(client, world)
    assert (
        client.get(
            f"/api/v1/annexes/{annexes[0]['id']}.pdf", headers=world.other_admin.headers
        ).status_code
        == 404
    )
    assert client.get(f"/api/v1/annexes/{annexes[0]['id']}.pdf").status_code == 401
    no_such_format = client.get(
        f"/api/v1/annexes/{annexes[0]['id']}.docx", headers=world.secretary.headers
    )
    assert no_such_format.status_code == 404
    assert no_such_format.json()["error"]["code"] == "not_found"
