"""Web UI routes over TestClient: sign-in, redirects, CSRF, tenants, escaping, languages, flows."""

from __future__ import annotations

import html
import json
import re
import time
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.core import tokens
from app.core.i18n import LOCALES_DIR
from app.web.rendering import TEMPLATE_DIR
from tests.factories import Person, World, build_world
from tests.flows import FULL_ANSWERS
from tests.web import PASSWORD, hidden, listed, new_draft, sign_in


def test_pages_redirect_to_login_without_a_session(browser: TestClient) -> None:
    for path in ("/", "/drafts/new", "/drafts/x", "/drafts/x/assessment"):
        response = browser.get(path)
        assert response.status_code == 303
        assert response.headers["location"].startswith("/login")
    assert (
        browser.get("/drafts/abc?q=1").headers["location"] == "/login?next=%2Fdrafts%2Fabc%3Fq%3D1"
    )
    posted = browser.post("/drafts/abc/assessment/start", data={"template_id": "x"})
    assert posted.headers["location"] == "/login?next=%2Fdrafts%2Fabc%2Fassessment"
    browser.cookies.set("ennakko_session", "not-a-token")
    forged = browser.get("/")
    assert forged.status_code == 303
    assert 'ennakko_session=""' in forged.headers["set-cookie"]


def test_an_expired_session_goes_back_to_login(
    browser: TestClient, web_app: FastAPI, people: World
) -> None:
    ctx = web_app.state.security
    expired = tokens.issue_token(
        ctx.signer,
        subject=f"user:{people.preparer.id}",
        issuer=ctx.settings.jwt_issuer,
        audience=ctx.settings.jwt_audience,
        lifetime_s=60,
        now=time.time() - 3600,
    )
    browser.cookies.set("ennakko_session", expired)
    response = browser.get("/drafts/new")
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Fdrafts%2Fnew"
    browser.cookies.set("ennakko_session", people.preparer.token)
    assert browser.get("/drafts/new").status_code == 200


def test_login_sets_a_strict_cookie_and_logout_clears_it(
    browser: TestClient, people: World
) -> None:
    login_page = browser.get("/login")
    assert login_page.status_code == 200
    assert '<label for="f-email">' in login_page.text
    assert login_page.headers["content-security-policy"].startswith("default-src 'self'")
    response = browser.post(
        "/login",
        data={
            "email": people.preparer.email,
            "password": PASSWORD,
            "csrf_token": hidden(login_page.text, "csrf_token"),
            "next": "/drafts/new",
        },
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/drafts/new"
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie
    assert "samesite=lax" in cookie
    assert "secure" not in cookie
    front = browser.get("/")
    assert front.status_code == 200
    assert "Preparer" in front.text
    logout_page = browser.post("/logout", data={"csrf_token": hidden(front.text, "csrf_token")})
    assert logout_page.status_code == 303
    assert browser.get("/").status_code == 303


def test_login_refuses_wrong_password_forged_form_and_open_redirect(
    browser: TestClient, people: World
) -> None:
    page = browser.get("/login").text
    token = hidden(page, "csrf_token")
    wrong = browser.post(
        "/login", data={"email": people.expert.email, "password": "nope-nope", "csrf_token": token}
    )
    assert wrong.status_code == 401
    assert "Sähköpostiosoite tai salasana on väärin." in wrong.text
    assert "ennakko_session" not in wrong.headers.get("set-cookie", "")
    forged = browser.post(
        "/login", data={"email": people.expert.email, "password": PASSWORD, "csrf_token": "forged"}
    )
    assert forged.status_code == 403
    assert "ennakko_session" not in forged.headers.get("set-cookie", "")
    outside = browser.post(
        "/login",
        data={
            "email": people.expert.email,
            "password": PASSWORD,
            "csrf_token": token,
            "next": "//evil.example/x",
        },
    )
    assert outside.status_code == 303
    assert outside.headers["location"] == "/"


def test_repeated_failures_slow_that_address_and_are_shown(
    browser: TestClient, web_app: FastAPI
) -> None:
    world = build_world(web_app, password=PASSWORD)
    token = hidden(browser.get("/login").text, "csrf_token")
    statuses = [
        browser.post(
            "/login",
            data={"email": world.secretary.email, "password": "wrong-one", "csrf_token": token},
        ).status_code
        for _ in range(5)
    ]
    assert statuses == [401] * 5
    locked = browser.post(
        "/login", data={"email": world.secretary.email, "password": PASSWORD, "csrf_token": token}
    )
    assert locked.status_code == 429
    assert int(locked.headers["retry-after"]) > 0
    assert "Liian monta epäonnistunutta kirjautumisyritystä" in locked.text
    # Only this address waits: the same person elsewhere signs in at once.
    with TestClient(web_app, follow_redirects=False, client=("203.0.113.21", 40000)) as elsewhere:
        token = hidden(elsewhere.get("/login").text, "csrf_token")
        signed_in = elsewhere.post(
            "/login",
            data={"email": world.secretary.email, "password": PASSWORD, "csrf_token": token},
        )
    assert signed_in.status_code == 303, signed_in.text
    assert signed_in.cookies.get("ennakko_session")


def test_posts_without_the_csrf_token_are_refused(browser: TestClient, people: World) -> None:
    sign_in(browser, people.preparer)
    response = browser.post(
        "/drafts/new",
        data={"title": "CSRF-testi", "proposal": "x", "alt_count": "0", "languages": "fi"},
    )
    assert response.status_code == 403
    assert "Ei käyttöoikeutta" in response.text
    assert listed(browser, q="CSRF-testi") == []
    assert browser.post("/logout", data={"csrf_token": "wrong"}).status_code == 403


def test_create_escapes_user_text_and_lists_the_draft(browser: TestClient, people: World) -> None:
    sign_in(browser, people.preparer)
    title = '<script>alert("x")</script> & "Koulut"'
    draft_id = new_draft(browser, title=title)
    page = browser.get(f"/drafts/{draft_id}", params={"msg": "created"})
    assert page.status_code == 200
    assert "<script>alert" not in page.text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &#34;Koulut&#34;" in page.text
    assert hidden(page.text, "alt-1-name") == "Uudistus"
    assert hidden(page.text, "budget_eur") == "250\u00a0000,50"
    assert "Luonnos luotiin." in page.text
    listing = browser.get("/", params={"q": "<script>"})
    assert f'href="/drafts/{draft_id}"' in listing.text
    assert "<script>" not in listing.text
    assert title in listed(browser, q="<script>")


def test_other_organisation_gets_404_everywhere(web_app: FastAPI, people: World) -> None:
    with (
        TestClient(web_app, follow_redirects=False) as owner,
        TestClient(web_app, follow_redirects=False) as outsider,
    ):
        sign_in(owner, people.preparer)
        draft_id = new_draft(owner, title="Naapurin luonnos")
        sign_in(outsider, people.other_preparer)
        csrf = hidden(outsider.get("/").text, "csrf_token")
        for path in ("", "/screening", "/assessment"):
            response = outsider.get(f"/drafts/{draft_id}{path}")
            assert response.status_code == 404, path
            assert "Naapurin luonnos" not in response.text
        posted = outsider.post(
            f"/drafts/{draft_id}",
            data={"csrf_token": csrf, "version": "1", "title": "Kaapattu", "proposal": "x"},
        )
        assert posted.status_code == 404
        assert listed(outsider, q="Naapurin") == []
        assert listed(owner, q="Naapurin") == ["Naapurin luonnos"]
        assert owner.get(f"/drafts/{draft_id}").status_code == 200


def test_invalid_form_shows_field_messages_and_keeps_input(
    browser: TestClient, people: World
) -> None:
    sign_in(browser, people.preparer)
    page = browser.get("/drafts/new").text
    response = browser.post(
        "/drafts/new",
        data={
            "csrf_token": hidden(page, "csrf_token"),
            "organisation_id": hidden(page, "organisation_id"),
            "title": "",
            "proposal": "Ehdotus säilyy",
            "meeting_date": "31.2.2027",
            "budget_eur": "paljon",
            "alt_count": "1",
            "alt-0-sq": "1",
            "alt-0-name": "Nykytila",
            "alt-0-key": "status_quo",
            "action": "save",
        },
    )
    assert response.status_code == 422
    assert "Korjaa seuraavat kohdat" in response.text
    assert "Tämä tieto on pakollinen." in response.text
    assert "Anna päivämäärä muodossa vvvv-kk-pp." in response.text
    assert "Anna luku" in response.text
    assert "Valitse vähintään yksi." in response.text
    assert "Ehdotus säilyy" in response.text
    assert 'aria-invalid="true"' in response.text


def test_a_case_linked_twice_is_a_conflict_shown_on_the_form(
    browser: TestClient, people: World
) -> None:
    sign_in(browser, people.preparer)
    case = {"ext_system": "ahjo", "ext_case_id": "HEL 2027-000123", "ext_label": "HEL 2027-000123"}
    first = new_draft(browser, title="Ensimmäinen", **case)
    assert "HEL 2027-000123" in browser.get(f"/drafts/{first}").text
    page = browser.get("/drafts/new").text
    second = browser.post(
        "/drafts/new",
        data={
            "csrf_token": hidden(page, "csrf_token"),
            "title": "Toinen",
            "proposal": "P",
            "languages": "fi",
            "alt_count": "1",
            "alt-0-key": "status_quo",
            "alt-0-sq": "1",
            "alt-0-name": "Nykytila",
            "action": "save",
            **case,
        },
    )
    assert second.status_code == 409
    assert "Tälle asiatunnukselle on jo luonnos." in second.text
    assert hidden(second.text, "title") == "Toinen"
    assert listed(browser, q="Toinen") == []


def test_add_row_shows_one_more_alternative_without_saving(
    browser: TestClient, people: World
) -> None:
    sign_in(browser, people.preparer)
    page = browser.get("/drafts/new").text
    response = browser.post(
        "/drafts/new",
        data={
            "csrf_token": hidden(page, "csrf_token"),
            "title": "Rivi lisää",
            "proposal": "x",
            "alt_count": "3",
            "alt-0-sq": "1",
            "alt-0-name": "Nykytila",
            "alt-0-key": "status_quo",
            "action": "add_row",
        },
    )
    assert response.status_code == 200
    assert hidden(response.text, "alt_count") == "4"
    assert 'id="f-alt-3-name"' in response.text
    assert listed(browser, q="Rivi lisää") == []


def test_stale_version_is_refused_with_who_changed_it(web_app: FastAPI, people: World) -> None:
    with (
        TestClient(web_app, follow_redirects=False) as first,
        TestClient(web_app, follow_redirects=False) as second,
    ):
        sign_in(first, people.preparer)
        sign_in(second, people.preparer2)
        draft_id = new_draft(first, title="Kilpailu")
        mine, theirs = first.get(f"/drafts/{draft_id}").text, second.get(f"/drafts/{draft_id}").text

        def edit(client: TestClient, page: str, title: str) -> int:
            data = {
                "csrf_token": hidden(page, "csrf_token"),
                "version": hidden(page, "version"),
                "title": title,
                "proposal": "P",
                "languages": "fi",
                "alt_count": "1",
                "alt-0-key": "status_quo",
                "alt-0-sq": "1",
                "alt-0-name": "Nykytila",
                "action": "save",
            }
            return client.post(f"/drafts/{draft_id}", data=data).status_code

        assert edit(second, theirs, "Toisen muutos") == 303
        refused = first.post(
            f"/drafts/{draft_id}",
            data={
                "csrf_token": hidden(mine, "csrf_token"),
                "version": hidden(mine, "version"),
                "title": "Ensimmäisen muutos",
                "proposal": "P",
                "languages": "fi",
                "alt_count": "1",
                "alt-0-key": "status_quo",
                "alt-0-sq": "1",
                "alt-0-name": "Nykytila",
            },
        )
        assert refused.status_code == 412
        assert "Joku muu muutti tätä" in refused.text
        assert "Preparer2" in refused.text
        shown = first.get(f"/drafts/{draft_id}").text
        assert hidden(shown, "title") == "Toisen muutos"
        assert "Ensimmäisen muutos" not in shown


def test_status_quo_is_kept_when_its_row_is_removed(browser: TestClient, people: World) -> None:
    sign_in(browser, people.preparer)
    draft_id = new_draft(browser, title="Nollavaihtoehto")
    page = browser.get(f"/drafts/{draft_id}").text
    assert 'name="alt-0-remove"' not in page
    assert 'name="alt-1-remove"' in page
    data = {
        "csrf_token": hidden(page, "csrf_token"),
        "version": hidden(page, "version"),
        "title": "Nollavaihtoehto",
        "proposal": "P",
        "languages": "fi",
        "alt_count": "3",
        "alt-0-key": "status_quo",
        "alt-0-sq": "1",
        "alt-0-name": "Nykytila nimetty",
        "alt-0-remove": "1",
        "alt-1-key": hidden(page, "alt-1-key"),
        "alt-1-name": "Uudistus",
        "alt-1-remove": "1",
        "alt-2-key": hidden(page, "alt-2-key"),
        "alt-2-name": "Osittainen",
        "action": "save",
    }
    response = browser.post(f"/drafts/{draft_id}", data=data)
    assert response.status_code == 303
    assert response.headers["location"] == f"/drafts/{draft_id}?msg=saved"
    saved = browser.get(response.headers["location"]).text
    assert hidden(saved, "alt-0-name") == "Nykytila nimetty"
    assert hidden(saved, "alt-1-name") == "Osittainen"
    assert "Uudistus" not in saved
    assert "Muutokset tallennettiin uutena versiona." in saved


def test_readers_see_the_draft_without_a_form(web_app: FastAPI, people: World) -> None:
    with (
        TestClient(web_app, follow_redirects=False) as owner,
        TestClient(web_app, follow_redirects=False) as expert,
    ):
        sign_in(owner, people.preparer)
        draft_id = new_draft(owner, title="Asiantuntijan luettava")
        sign_in(expert, people.region_expert)
        page = expert.get(f"/drafts/{draft_id}")
        assert page.status_code == 200
        assert "Roolisi sallii luonnoksen lukemisen mutta ei muokkaamista." in page.text
        assert f'action="/drafts/{draft_id}"' not in page.text
        assert expert.get("/drafts/new").status_code == 403


def test_language_switch_is_remembered(browser: TestClient, people: World) -> None:
    sign_in(browser, people.preparer)
    swedish = browser.get("/", params={"lang": "sv"})
    assert '<html lang="sv">' in swedish.text
    assert "Beslutsförslag" in swedish.text
    assert "lang=sv" in swedish.headers["set-cookie"]
    assert "Nytt beslutsförslag" in browser.get("/").text
    english = browser.get("/drafts/new", params={"lang": "en"})
    assert "New decision draft" in english.text
    assert "Päätösluonnokset" not in english.text


def test_search_filters_and_bad_dates(browser: TestClient, people: World) -> None:
    sign_in(browser, people.preparer)
    new_draft(browser, title="Hakutesti uimahalli", meeting_date="2027-03-15")
    new_draft(browser, title="Hakutesti kirjasto", meeting_date="2027-09-01")
    assert listed(browser, q="Hakutesti", meeting_from="2027-06-01") == ["Hakutesti kirjasto"]
    assert listed(browser, q="hakutesti") == ["Hakutesti kirjasto", "Hakutesti uimahalli"]
    bad = browser.get("/", params={"meeting_to": "ensi viikolla"})
    assert bad.status_code == 422
    assert "Anna päivämäärä muodossa vvvv-kk-pp." in bad.text


def test_cursor_pages_through_the_list(browser: TestClient, web_app: FastAPI) -> None:
    world = build_world(web_app, password=PASSWORD)
    sign_in(browser, world.preparer)
    for n in range(27):
        new_draft(browser, title=f"Sivutus {n:02d}")
    first = browser.get("/").text
    assert first.count('href="/drafts/') - first.count('href="/drafts/new"') == 25
    next_url = html.unescape(re.search(r'href="([^"]*cursor=[^"]*)" rel="next"', first).group(1))
    second = browser.get(next_url).text
    assert "Sivutus 00" in second
    assert "Sivutus 01" in second
    assert "Sivutus 26" not in second
    assert 'rel="next"' not in second


def screening_form(browser: TestClient, draft_id: str, **answers: str) -> dict[str, str]:
    page = browser.get(f"/drafts/{draft_id}/screening").text
    return {
        "csrf_token": hidden(page, "csrf_token"),
        "version": hidden(page, "version"),
        "template_id": hidden(page, "template_id"),
        **{f"answer-{k}": v for k, v in (answers or FULL_ANSWERS).items()},
    }


def started_matrix(browser: TestClient, person: Person) -> tuple[str, str]:
    """A screened draft whose assessment was started on the suggested template."""
    sign_in(browser, person)
    draft_id = new_draft(browser, title="Arvioitava")
    form = screening_form(browser, draft_id) | {"reason": "Koskee lapsia.", "action": "save"}
    assert browser.post(f"/drafts/{draft_id}/screening", data=form).status_code == 303
    page = browser.get(f"/drafts/{draft_id}/assessment").text
    assert "ehdotettu" in page
    template_id = re.search(r'name="template_id" value="([^"]+)" checked', page)
    assert template_id
    started = browser.post(
        f"/drafts/{draft_id}/assessment/start",
        data={"csrf_token": hidden(page, "csrf_token"), "template_id": template_id.group(1)},
    )
    assert started.status_code == 303
    return draft_id, browser.get(f"/drafts/{draft_id}/assessment").text


def test_screening_preview_reason_and_conditional_questions(
    browser: TestClient, people: World
) -> None:
    sign_in(browser, people.preparer)
    draft_id = new_draft(browser, title="Esiarvioitava")
    url = f"/drafts/{draft_id}/screening"
    base = screening_form(browser, draft_id)
    preview = browser.post(url, data=base | {"action": "preview"})
    assert preview.status_code == 200
    assert "Vastausten perusteella tulos on" in preview.text
    assert "Laaja arviointi" in preview.text
    skipped = {k: v for k, v in base.items() if k != "answer-gender_situations_differ"}
    no_people = browser.post(
        url, data=skipped | {"answer-concerns_people": "no", "action": "preview"}
    )
    assert no_people.status_code == 200
    assert "Vastaa kysymykseen." not in no_people.text
    unanswered = browser.post(url, data=skipped | {"action": "preview"})
    assert unanswered.status_code == 422
    assert "Kysymys 10: Vastaa kysymykseen." in unanswered.text
    short = browser.post(url, data=base | {"reason": "x"})
    assert short.status_code == 422
    assert "Perustelu: Kirjoita vähintään 3 merkkiä." in short.text
    saved = browser.post(
        url, data=base | {"reason": "Koskee lapsia ja perheitä.", "action": "save"}
    )
    assert saved.status_code == 303
    shown = browser.get(saved.headers["location"]).text
    assert "Esiarviointi tallennettiin." in shown
    assert "Koskee lapsia ja perheitä." in shown
    assert re.search(r'<strong class="outcome outcome-full">Laaja arviointi</strong>', shown)


def test_matrix_saves_changed_cells_and_flags_findings(browser: TestClient, people: World) -> None:
    draft_id, matrix = started_matrix(browser, people.preparer)
    cell = "status_quo|wellbeing_distribution|children_0_6|women"
    # one impact area per page: its groups × genders, each with its justification beside it
    selects = set(re.findall(r'<select id="(c-[\d-]+)"', matrix))
    assert len(selects) == 17 * 4
    assert selects == set(re.findall(r'<label for="(c-[\d-]+)"', matrix))
    assert {s + "-j" for s in selects} == set(re.findall(r'<textarea id="(c-[\d-]+-j)"', matrix))
    url, base = (
        f"/drafts/{draft_id}/assessment",
        {
            "csrf_token": hidden(matrix, "csrf_token"),
            "version": hidden(matrix, "version"),
        },
    )
    missing = browser.post(url, data=base | {f"v|{cell}": "", f"j|{cell}": "Ei arviota"})
    assert missing.status_code == 422
    assert "Valitse solulle arvio ennen perustelua." in missing.text
    written = browser.post(
        url,
        data=base
        | {
            f"v|{cell}": "-2",
            f"j|{cell}": "Kuljetusmatka pitenee.",
            "v|status_quo|mental_health|children_0_6|women": "-1",
            "v|status_quo|housing_mobility|children_0_6|men": "ca",
        },
    )
    assert written.status_code == 303
    assert written.headers["location"].endswith("msg=cells_saved")
    summary = browser.get(written.headers["location"]).text
    assert "Solujen muutokset tallennettiin." in summary
    assert "kielteinen vaikutus 2 solussa" in summary
    assert re.search(rf'name="v\|{re.escape(cell)}">\s*<option value="">', summary)
    assert '<option value="-2" selected>' in summary
    housing = browser.get(url, params={"alternative": "status_quo", "area": "housing_mobility"})
    assert '<option value="ca" selected>' in housing.text
    assert summary.count('class="flag-item"') == 2
    stale = browser.post(url, data=base | {f"v|{cell}": "1", f"j|{cell}": "Myöhässä"})
    assert stale.status_code == 412
    assert "Joku muu muutti tätä" in stale.text


def test_matrix_is_read_only_without_the_scoring_role(
    browser: TestClient, web_app: FastAPI, people: World
) -> None:
    draft_id, _matrix = started_matrix(browser, people.preparer)
    with TestClient(web_app, follow_redirects=False) as secretary:
        sign_in(secretary, people.secretary)
        page = secretary.get(f"/drafts/{draft_id}/assessment").text
        assert "Tallenna muutokset" not in page
        assert re.search(r'<select id="c-0-0-0-0" name="[^"]+" disabled>', page)
        assert re.search(r'<textarea id="c-0-0-0-0-j" name="[^"]+" rows="2" readonly', page)
        posted = secretary.post(
            f"/drafts/{draft_id}/assessment",
            data={
                "csrf_token": hidden(page, "csrf_token"),
                "version": hidden(page, "version"),
                "v|status_quo|wellbeing_distribution|children_0_6|women": "2",
            },
        )
        assert posted.status_code == 403


def test_translation_catalogues_match_and_cover_the_templates() -> None:
    catalogues = {
        lang: json.loads((LOCALES_DIR / lang / "web.json").read_text(encoding="utf-8"))
        for lang in ("fi", "sv", "en")
    }
    assert set(catalogues["fi"]) == set(catalogues["sv"]) == set(catalogues["en"])
    assert all(v.strip() for c in catalogues.values() for v in c.values())
    used = set()
    sources = [*Path(TEMPLATE_DIR / "web").glob("*.j2"), *Path("app/web").glob("*.py")]
    for path in sources:
        found = re.findall(r"""\bt\(["']([a-z_]+\.[a-z_.]+)["']""", path.read_text())
        used |= {key for key in found if not key.endswith(".")}
    assert used, "no literal keys found"
    assert used <= set(catalogues["fi"]), used - set(catalogues["fi"])
