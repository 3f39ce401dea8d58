"""Web pages after the matrix: review and sign-offs, comments, the inbox, the annex, the meeting,
the history and the workflow policy (over TestClient)."""

from __future__ import annotations

import hashlib
import html
import re

from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.factories import World, build_world
from tests.flows import all_cells, create_draft, screen, start, translate_all, write
from tests.reviews.helpers import approved, in_review, issued, requirement
from tests.web import PASSWORD, hidden, sign_in
from tests.web.fixtures import client_for


def csrf(client: TestClient, path: str = "/") -> str:
    return hidden(client.get(path).text, "csrf_token")


def form_action(page: str, action: str) -> bool:
    return f'action="{action}"' in page


def test_new_pages_redirect_to_login(web_app: FastAPI) -> None:
    with client_for(web_app) as anonymous:
        for path in (
            "/reviews",
            "/drafts/x/review",
            "/drafts/x/review/signoffs/y",
            "/drafts/x/annex",
            "/drafts/x/meeting",
            "/drafts/x/history",
            "/annexes/x.pdf",
            "/organisations/x/policy",
        ):
            response = anonymous.get(path)
            assert response.status_code == 303, path
            assert response.headers["location"].startswith("/login?next="), path
        for path, back in (
            ("/drafts/x/review/signoffs", "%2Fdrafts%2Fx%2Freview"),
            ("/drafts/x/review/transitions/approve", "%2Fdrafts%2Fx%2Freview"),
            ("/drafts/x/review/comments/c/resolve", "%2Fdrafts%2Fx%2Freview"),
            ("/drafts/x/meeting/outcome", "%2Fdrafts%2Fx%2Fmeeting"),
            ("/organisations/x/policy", "%2Forganisations%2Fx%2Fpolicy"),
        ):
            response = anonymous.post(path, data={})
            assert response.headers["location"] == f"/login?next={back}", path


def test_other_organisation_gets_404_on_every_new_page(
    web_app: FastAPI, api: TestClient, people: World
) -> None:
    draft, annexes = issued(api, people)
    signoff = requirement(api, people.expert, draft["id"])["signoffs"][0]
    with client_for(web_app) as outsider:
        sign_in(outsider, people.other_preparer)
        token = csrf(outsider)
        for path in (
            f"/drafts/{draft['id']}/review",
            f"/drafts/{draft['id']}/review/signoffs/{signoff['id']}",
            f"/drafts/{draft['id']}/annex",
            f"/drafts/{draft['id']}/meeting",
            f"/drafts/{draft['id']}/history",
            f"/annexes/{annexes[0]['id']}.pdf",
            f"/organisations/{people.org}/policy",
        ):
            response = outsider.get(path)
            assert response.status_code == 404, path
            assert draft["title"] not in response.text
        for path in (
            f"/drafts/{draft['id']}/review/comments",
            f"/drafts/{draft['id']}/annex",
            f"/drafts/{draft['id']}/meeting",
        ):
            posted = outsider.post(path, data={"csrf_token": token, "body": "x", "languages": "fi"})
            assert posted.status_code == 404, path


def test_every_new_form_refuses_a_missing_csrf_token(
    preparer: TestClient, api: TestClient, people: World
) -> None:
    draft = in_review(api, people)
    base = f"/drafts/{draft['id']}"
    for path in (
        f"{base}/review/transitions/withdraw",
        f"{base}/review/signoffs",
        f"{base}/review/comments",
        f"{base}/review/comments/x/resolve",
        f"{base}/review/comments/x/reopen",
        f"{base}/annex",
        f"{base}/meeting",
        f"{base}/meeting/outcome",
        f"/organisations/{people.org}/policy",
    ):
        response = preparer.post(path, data={"version": "1", "body": "x", "csrf_token": "forged"})
        assert response.status_code == 403, path
        assert "Ei käyttöoikeutta" in response.text
    assert "Tarkastettavana" in preparer.get(f"{base}/review").text


def test_submit_shows_failed_guards_then_moves_to_review(
    preparer: TestClient, api: TestClient, people: World
) -> None:
    draft = create_draft(api, people.preparer)
    screen(api, people.preparer, draft)
    assessment = start(api, people.preparer, draft["id"], "kuntaliitto")
    url = f"/drafts/{draft['id']}/review"
    page = preparer.get(url).text
    assert form_action(page, f"{url}/transitions/submit_for_review")
    assert "Lähetä tarkastettavaksi" in page
    assert "tulossa" not in page
    data = {"csrf_token": hidden(page, "csrf_token"), "version": hidden(page, "version")}
    refused = preparer.post(f"{url}/transitions/submit_for_review", data=data)
    assert refused.status_code == 409
    assert "Siirto ei ole vielä mahdollinen" in refused.text
    assert "Vaikutusmatriisissa on arvioimattomia soluja" in refused.text
    assert "cells are not yet assessed" in refused.text  # the service's words, folded away
    cells = all_cells(api, people.preparer, draft["id"])
    assert write(api, people.preparer, draft["id"], assessment["version"], cells).status_code == 200
    done = preparer.post(f"{url}/transitions/submit_for_review", data=data)
    assert done.status_code == 303, done.text
    shown = preparer.get(done.headers["location"]).text
    assert "Tila muutettiin." in shown
    assert "Tarkastettavana" in shown
    assert "Vedä takaisin tarkastuksesta" in shown
    stale = preparer.post(f"{url}/transitions/withdraw", data=data | {"version": "1"})
    assert stale.status_code == 412
    withdrawn = preparer.post(
        f"{url}/transitions/withdraw", data=data | {"version": hidden(shown, "version")}
    )
    assert withdrawn.status_code == 303
    back = preparer.get(url).text
    assert re.search(r"status-withdrawn\">Valmistelija [^<]+ veti takaisin<", back)
    assert "Muutoksia pyydetty" not in back
    # the same words wherever the draft's status shows: every draft page, the list, history
    for page_url in (f"/drafts/{draft['id']}", f"/drafts/{draft['id']}/assessment", "/"):
        shown_elsewhere = preparer.get(page_url).text
        assert re.search(r"status-withdrawn\">Valmistelija [^<]+ veti takaisin<", shown_elsewhere)
    assert "Valmistelija veti takaisin tarkastuksesta" in preparer.get(f"{url[:-7]}/history").text


def test_expert_signs_off_and_a_stale_hash_gets_the_412_page(
    expert: TestClient, api: TestClient, people: World
) -> None:
    draft = in_review(api, people)
    url = f"/drafts/{draft['id']}/review"
    page = expert.get(url).text
    assert "0 / 1 hyväksyntää" in page
    old_hash = hidden(page, "content_hash")
    assert re.fullmatch(r"[0-9a-f]{64}", old_hash)
    base = {"csrf_token": hidden(page, "csrf_token"), "requirement": "hyte_expert"}
    missing = expert.post(
        f"{url}/signoffs",
        data=base | {"decision": "changes_requested", "comment": " ", "content_hash": old_hash},
    )
    assert missing.status_code == 422
    assert "Kerro kommentissa, mitä pitää muuttaa." in missing.text
    # The expert changes a cell (experts may score in review): the hash the page showed is old.
    assessment = api.get(f"/api/v1/drafts/{draft['id']}/assessment", headers=people.expert.headers)
    cell = assessment.json()["cells"][0]
    changed = api.patch(
        f"/api/v1/drafts/{draft['id']}/assessment/cells",
        json={
            "cells": [
                {
                    "alternative": cell["alternative"],
                    "area": cell["area"],
                    "group": cell["group"],
                    "gender": cell["gender"],
                    "value": 1,
                    "justification": "Parantaa saavutettavuutta.",
                }
            ]
        },
        headers=people.expert.headers | {"If-Match": assessment.headers["etag"]},
    )
    assert changed.status_code == 200, changed.text
    # ... and writes its Swedish version (experts translate matrix texts in review)
    translate_all(api, people.expert, draft["id"])
    stale = expert.post(
        f"{url}/signoffs", data=base | {"decision": "approved", "content_hash": old_hash}
    )
    assert stale.status_code == 412
    assert "Sisältö muuttui sen jälkeen, kun luit sen" in stale.text
    assert f'href="{url}"' in stale.text
    fresh = expert.get(url).text
    signed = expert.post(
        f"{url}/signoffs",
        data=base | {"decision": "approved", "content_hash": hidden(fresh, "content_hash")},
    )
    assert signed.status_code == 303
    shown = expert.get(signed.headers["location"]).text
    assert "Hyväksyntäsi kirjattiin." in shown
    assert "1 / 1 hyväksyntää" in shown
    assert "voimassa" in shown
    approve = expert.post(
        f"{url}/transitions/approve",
        data={"csrf_token": base["csrf_token"], "version": hidden(shown, "version")},
    )
    assert approve.status_code == 303
    assert "Hyväksytty" in expert.get(url).text


def test_a_change_after_signing_shows_a_stale_badge_and_the_diff(
    expert: TestClient, preparer: TestClient, api: TestClient, people: World
) -> None:
    draft = in_review(api, people)
    url = f"/drafts/{draft['id']}/review"
    page = expert.get(url).text
    signed = expert.post(
        f"{url}/signoffs",
        data={
            "csrf_token": hidden(page, "csrf_token"),
            "requirement": "hyte_expert",
            "decision": "changes_requested",
            "comment": "Tarkenna <b>lapsivaikutuksia</b>.",
            "content_hash": hidden(page, "content_hash"),
        },
    )
    assert signed.status_code == 303
    form = preparer.get(f"/drafts/{draft['id']}").text
    saved = preparer.post(
        f"/drafts/{draft['id']}",
        data={
            "csrf_token": hidden(form, "csrf_token"),
            "version": hidden(form, "version"),
            "title": draft["title"],
            "proposal": "Lautakunta päättää uudistaa koulukuljetukset vaiheittain.",
            "languages": ["fi", "sv"],
            "alt_count": "3",
            "alt-0-key": "status_quo",
            "alt-0-sq": "1",
            "alt-0-name": hidden(form, "alt-0-name"),
            "alt-1-key": hidden(form, "alt-1-key"),
            "alt-1-name": hidden(form, "alt-1-name"),
            "alt-2-key": hidden(form, "alt-2-key"),
            "alt-2-name": hidden(form, "alt-2-name"),
            "action": "save",
        },
    )
    assert saved.status_code == 303, saved.text
    review = preparer.get(url).text
    assert '<span class="badge badge-stale">VANHENTUNUT</span>' in review
    assert "&lt;b&gt;lapsivaikutuksia&lt;/b&gt;" in review
    diff_url = re.search(rf'href="({url}/signoffs/[0-9a-f-]+)"', review)
    assert diff_url
    diff = preparer.get(diff_url.group(1)).text
    assert "Muutokset hyväksynnän jälkeen" in diff
    assert "Lautakunta päättää uudistaa koulukuljetukset.</span>" in diff
    assert "vaiheittain" in diff
    assert "ei enää ole voimassa" in diff
    assert preparer.get(f"{url}/signoffs/nope").status_code == 404


def test_comments_threads_escape_reply_resolve_and_reopen(
    preparer: TestClient, expert: TestClient, api: TestClient, people: World
) -> None:
    draft = in_review(api, people)
    url = f"/drafts/{draft['id']}/review"
    page = expert.get(url).text
    token = hidden(page, "csrf_token")
    evil = '<script>alert("x")</script> & hyvä'
    added = expert.post(
        f"{url}/comments", data={"csrf_token": token, "anchor": "proposal", "body": evil}
    )
    assert added.status_code == 303
    cell = api.get(
        f"/api/v1/drafts/{draft['id']}/assessment", headers=people.expert.headers
    ).json()["cells"][0]
    on_cell = expert.post(
        f"{url}/comments",
        data={
            "csrf_token": token,
            "anchor": "cell",
            **{k: cell[k] for k in ("alternative", "area", "group", "gender")},
            "body": "Tämä solu?",
        },
    )
    assert on_cell.status_code == 303
    empty = expert.post(f"{url}/comments", data={"csrf_token": token, "anchor": "x", "body": ""})
    assert empty.status_code == 422
    assert "Tämä tieto on pakollinen." in empty.text
    bogus_cell = expert.post(
        f"{url}/comments",
        data={
            "csrf_token": token,
            "anchor": "cell",
            "alternative": "nope",
            "area": "nope",
            "group": "nope",
            "gender": "nope",
            "body": "Mikä solu?",
        },
    )
    assert bogus_cell.status_code == 422
    assert "Valittua solua ei ole" in bogus_cell.text
    shown = preparer.get(url).text
    assert "<script>alert" not in shown
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; hyvä" in shown
    comment_id = re.search(r'name="parent_id" value="([0-9a-f-]+)"', shown)
    assert comment_id
    cid = comment_id.group(1)
    reply = preparer.post(
        f"{url}/comments",
        data={"csrf_token": hidden(shown, "csrf_token"), "parent_id": cid, "body": "Korjattu."},
    )
    assert reply.status_code == 303
    resolved = preparer.post(
        f"{url}/comments/{cid}/resolve", data={"csrf_token": hidden(shown, "csrf_token")}
    )
    assert resolved.status_code == 303
    after = preparer.get(resolved.headers["location"]).text
    assert "Keskustelu merkittiin ratkaistuksi." in after
    assert "Ratkaistu (Preparer" in after
    assert "Korjattu." in after
    assert form_action(after, f"{url}/comments/{cid}/reopen")
    reopened = preparer.post(
        f"{url}/comments/{cid}/reopen", data={"csrf_token": hidden(shown, "csrf_token")}
    )
    assert reopened.status_code == 303
    assert (
        preparer.post(
            f"{url}/comments/nope/resolve", data={"csrf_token": hidden(shown, "csrf_token")}
        ).status_code
        == 404
    )


def test_roles_without_the_right_get_403_pages(
    web_app: FastAPI, secretary: TestClient, expert: TestClient, api: TestClient, people: World
) -> None:
    draft = in_review(api, people)
    url = f"/drafts/{draft['id']}/review"
    page = secretary.get(url).text
    assert 'action="' + url + '/signoffs"' not in page
    assert "Roolisi ei salli tarkastusten kirjaamista" in page
    signed = secretary.post(
        f"{url}/signoffs",
        data={
            "csrf_token": hidden(page, "csrf_token"),
            "requirement": "hyte_expert",
            "decision": "approved",
            "content_hash": requirement(api, people.expert, draft["id"])["content_hash"],
        },
    )
    assert signed.status_code == 403
    assert "Ei käyttöoikeutta" in signed.text
    assert f'action="{url}/transitions/' not in page
    version = api.get(f"/api/v1/drafts/{draft['id']}", headers=people.secretary.headers)
    took = secretary.post(
        f"{url}/transitions/approve",
        data={"csrf_token": hidden(page, "csrf_token"), "version": version.json()["version"]},
    )
    assert took.status_code == 403
    annex = expert.post(
        f"/drafts/{draft['id']}/annex",
        data={"csrf_token": csrf(expert), "languages": "fi"},
    )
    assert annex.status_code == 403
    meeting = expert.post(
        f"/drafts/{draft['id']}/meeting",
        data={
            "csrf_token": csrf(expert),
            "version": "1",
            "meeting_id": "KH-1",
            "item_number": "§ 1",
            "meeting_date": "2027-01-01",
        },
    )
    assert meeting.status_code == 403
    assert expert.get(f"/organisations/{people.org}/policy").status_code == 403
    assert "Työnkulku" not in expert.get("/").text


def test_awaiting_lists_drafts_for_local_and_regional_experts(
    web_app: FastAPI, expert: TestClient, api: TestClient, people: World
) -> None:
    draft = in_review(api, people, key="kuntaliitto")
    page = expert.get("/reviews").text
    assert 'href="/reviews" aria-current="page"' in page
    assert f'href="/drafts/{draft["id"]}/review"' in page
    assert "HYTE-asiantuntijan tarkastus" in page
    assert "0 / 1" in page
    with client_for(web_app) as regional:
        sign_in(regional, people.region_expert)
        listed = regional.get("/reviews").text
        assert f'href="/drafts/{draft["id"]}/review"' in listed
        assert "Kunta " in listed
    with client_for(web_app) as preparer:
        sign_in(preparer, people.preparer)
        assert 'href="/reviews"' not in preparer.get("/").text
        assert "Mikään ei odota tarkastustasi." in preparer.get("/reviews").text


def test_annex_issue_download_and_meeting_outcome(
    secretary: TestClient, api: TestClient, people: World
) -> None:
    draft = approved(api, people)
    url = f"/drafts/{draft['id']}/annex"
    page = secretary.get(url).text
    assert "Liitettä ei ole vielä laadittu." in page
    assert 'id="f-languages-fi" name="languages" value="fi" checked' in page
    assert 'id="f-languages-sv" name="languages" value="sv" checked' in page
    assert 'value="en" checked' not in page
    none = secretary.post(url, data={"csrf_token": hidden(page, "csrf_token")})
    assert none.status_code == 422
    assert "Valitse vähintään yksi." in none.text
    done = secretary.post(url, data={"csrf_token": hidden(page, "csrf_token"), "languages": "fi"})
    assert done.status_code == 303
    shown = secretary.get(done.headers["location"]).text
    assert "Liite laadittiin." in shown
    assert "Liite 1 (suomi)" in shown
    link = re.search(r'href="(/annexes/[0-9a-f-]+\.pdf)"', shown)
    assert link
    sha = re.search(r'<code class="sha256" data-format="pdf">([0-9a-f]{64})</code>', shown)
    assert sha
    pdf = secretary.get(link.group(1))
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    assert hashlib.sha256(pdf.content).hexdigest() == sha.group(1)
    assert pdf.headers["etag"] == f'"{sha.group(1)}"'
    assert pdf.headers["content-disposition"].startswith('attachment; filename="')
    assert pdf.headers["content-type"] == "application/pdf"
    again = secretary.get(link.group(1), headers={"If-None-Match": pdf.headers["etag"]})
    assert again.status_code == 304
    html_file = secretary.get(link.group(1).replace(".pdf", ".html"))
    assert html_file.status_code == 200
    assert secretary.get(link.group(1).replace(".pdf", ".doc")).status_code == 404

    meeting_url = f"/drafts/{draft['id']}/meeting"
    meeting = secretary.get(meeting_url).text
    assert "Liitä kokoukseen" in meeting
    token, version = hidden(meeting, "csrf_token"), hidden(meeting, "version")
    bad = secretary.post(
        meeting_url,
        data={
            "csrf_token": token,
            "version": version,
            "meeting_id": "",
            "item_number": "§ 42",
            "meeting_date": "huomenna",
        },
    )
    assert bad.status_code == 422
    assert "Anna päivämäärä muodossa vvvv-kk-pp." in bad.text
    attached = secretary.post(
        meeting_url,
        data={
            "csrf_token": token,
            "version": version,
            "meeting_id": "KH-2027-3",
            "item_number": "§ 42",
            "meeting_date": "2027-03-15",
            "decision_body": "Kunnanhallitus",
        },
    )
    assert attached.status_code == 303, attached.text
    meeting = secretary.get(attached.headers["location"]).text
    assert "Liite liitettiin kokouksen esityslistaan." in meeting
    assert "§ 42" in meeting
    assert "Odottaa päätöstä" in meeting
    version = hidden(meeting, "version")
    no_addendum = secretary.post(
        f"{meeting_url}/outcome",
        data={"csrf_token": token, "version": version, "outcome": "passed_modified"},
    )
    assert no_addendum.status_code == 422
    assert "Kirjoita lisäys" in no_addendum.text
    no_vote = secretary.post(
        f"{meeting_url}/outcome",
        data={"csrf_token": token, "version": version, "outcome": "passed_after_vote"},
    )
    assert no_vote.status_code == 422
    assert "Anna äänestyksen tulos." in no_vote.text
    recorded = secretary.post(
        f"{meeting_url}/outcome",
        data={
            "csrf_token": token,
            "version": version,
            "outcome": "passed_modified",
            "addendum": "Kuljetusraja <muutettiin> 3 km:iin.",
        },
    )
    assert recorded.status_code == 303
    final = secretary.get(recorded.headers["location"]).text
    assert "Hyväksyttiin muutettuna" in final
    assert "Kuljetusraja &lt;muutettiin&gt; 3 km:iin." in final
    assert "Päätetty" in final

    history = secretary.get(f"/drafts/{draft['id']}/history").text
    for line in (
        "Luonnos luotiin",
        "Lähetettiin tarkastettavaksi",
        "Tarkastaja hyväksyi",
        "Arviointi hyväksyttiin",
        "Liite laadittiin",
        "Kokouksen päätös kirjattiin",
    ):
        assert line in history, line


def test_annex_form_only_when_approved_and_for_issuers(
    expert: TestClient, preparer: TestClient, api: TestClient, people: World
) -> None:
    draft = in_review(api, people)
    page = preparer.get(f"/drafts/{draft['id']}/annex").text
    assert "Liite laaditaan, kun arviointi on hyväksytty." in page
    refused = preparer.post(
        f"/drafts/{draft['id']}/annex",
        data={"csrf_token": hidden(page, "csrf_token"), "languages": "fi"},
    )
    assert refused.status_code == 409
    assert (
        "Roolisi ei salli liitteen laatimista." in expert.get(f"/drafts/{draft['id']}/annex").text
    )


def test_policy_page_shows_tables_and_validates_edits(web_app: FastAPI, api: TestClient) -> None:
    world = build_world(web_app, password=PASSWORD)
    with client_for(web_app) as admin:
        sign_in(admin, world.admin)
        front = admin.get("/").text
        url = f"/organisations/{world.org}/policy"
        assert f'href="{url}"' in front
        page = admin.get(url).text
        assert "Oletustyönkulku" in page
        assert "Lähetä tarkastettavaksi" in page
        assert "Hyväksynnät voimassa" in page
        text = html.unescape(
            re.search(r'<textarea id="f-policy"[^>]*>(.*?)</textarea>', page, re.S).group(1)
        )
        token = hidden(page, "csrf_token")
        broken = admin.post(url, data={"csrf_token": token, "version": "0", "policy": "{"})
        assert broken.status_code == 422
        assert "JSON ei kelpaa" in broken.text
        unsound = text.replace('"signoffs_valid",', "")
        assert unsound != text
        refused = admin.post(url, data={"csrf_token": token, "version": "0", "policy": unsound})
        assert refused.status_code == 422
        assert "without the signoffs_valid guard" in refused.text
        assert "Työnkulkua ei voitu tallentaa" in refused.text
        wrong_shape = admin.post(
            url, data={"csrf_token": token, "version": "0", "policy": '{"edit": 1}'}
        )
        assert wrong_shape.status_code == 422
        assert "transitions" in wrong_shape.text
        changed = text.replace('"count": 1', '"count": 2')
        saved = admin.post(url, data={"csrf_token": token, "version": "0", "policy": changed})
        assert saved.status_code == 303
        shown = admin.get(saved.headers["location"]).text
        assert "Työnkulku tallennettiin." in shown
        assert "Versio 1" in shown
        stale = admin.post(url, data={"csrf_token": token, "version": "0", "policy": changed})
        assert stale.status_code == 412
