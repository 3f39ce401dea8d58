"""The compact matrix editor at IVA scale, scoping and bulk scoring through the web forms."""

from __future__ import annotations

import html
import re

from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.factories import World
from tests.web import PASSWORD, hidden, sign_in
from tests.web.test_router import started_matrix

CONTROLS = re.compile(r"<(input|select|textarea|button)\b")
AREAS = ["wellbeing_distribution", "mental_health", "health_distribution", "equality"]
GROUPS = ["children_0_6", "children_7_12", "children_13_17", "working_age", "older_75_plus"]
MAX_BYTES, MAX_CONTROLS = 300_000, 400

assert PASSWORD


def _weight(page: str) -> tuple[int, int]:
    return len(page.encode()), len(CONTROLS.findall(page))


def _scope(browser: TestClient, draft_id: str) -> None:
    url = f"/drafts/{draft_id}/assessment/scope"
    page = browser.get(url).text
    base = {"csrf_token": hidden(page, "csrf_token"), "version": hidden(page, "version")}
    cleared = browser.post(url, data=base | {"action": "none", "reason": "Syy"})
    assert cleared.status_code == 200
    assert " checked" not in cleared.text.split('class="card scope-form"')[1]
    chosen = base | {"area": AREAS, "group": GROUPS}
    refused = browser.post(url, data=chosen | {"action": "save", "reason": ""})
    assert refused.status_code == 422
    assert "Kerro, miksi pois jätettyihin" in refused.text
    nothing = browser.post(url, data=base | {"action": "save", "reason": "Ei mitään."})
    assert nothing.status_code == 422
    assert "Valitse vähintään yksi." in nothing.text
    saved = browser.post(
        url,
        data=chosen | {"action": "save", "reason": "Muihin ei kohdistu merkittäviä vaikutuksia."},
    )
    assert saved.status_code == 303, saved.text
    assert saved.headers["location"].endswith("msg=scope_saved")


def test_the_iva_editor_stays_under_the_page_weight_and_control_limits(
    browser: TestClient, people: World
) -> None:
    draft_id, first = started_matrix(browser, people.preparer)
    assert "Ihmisiin kohdistuvien" in first, "the suggested template is IVA"
    url = f"/drafts/{draft_id}/assessment"
    heaviest = (0, 0)
    for alternative in ("status_quo", "alt-1", "alt-2"):
        for area in ("wellbeing_distribution", "equality", "livelihood_work_education"):
            page = browser.get(url, params={"alternative": alternative, "area": area})
            assert page.status_code == 200
            heaviest = max(heaviest, _weight(page.text))
    size, controls = heaviest
    print(f"\nIVA editor, 3 alternatives, nothing scoped out: {heaviest} (bytes, controls)")
    assert size < MAX_BYTES, f"{size} bytes of HTML"
    assert controls < MAX_CONTROLS, f"{controls} form controls"
    # the page says how much is missing, per alternative and per area, with links
    assert first.count("arvioimatta: 768") == 3 + 1, "each alternative, and this one's areas"
    assert 'href="/drafts/' in first
    assert "area=mental_health" in first


def test_scoping_in_the_web_leaves_scoped_out_cells_uneditable(
    browser: TestClient, people: World
) -> None:
    draft_id, _page = started_matrix(browser, people.preparer)
    _scope(browser, draft_id)
    url = f"/drafts/{draft_id}/assessment"
    editor = browser.get(url, params={"msg": "scope_saved"}).text
    assert "Rajaus tallennettiin." in editor
    assert "Muihin ei kohdistu merkittäviä vaikutuksia." in editor
    assert "arvioimatta: 80" in editor, "4 areas × 5 groups × 4 genders per alternative"
    assert len(re.findall(r'<select id="c-[\d-]+"', editor)) == 5 * 4
    assert editor.count('class="cell cell-out"') == 12, "the other groups shown as scoped out"
    out = browser.get(url, params={"area": "housing_mobility"}).text
    assert "Tämä vaikutusalue on rajattu pois" in out
    assert not re.search(r'<select id="c-[\d-]+"', out)
    # a forged post to a scoped-out cell is refused by the service
    posted = browser.post(
        url,
        data={
            "csrf_token": hidden(editor, "csrf_token"),
            "version": hidden(editor, "version"),
            "v|status_quo|housing_mobility|children_0_6|women": "1",
            "j|status_quo|housing_mobility|children_0_6|women": "Ei kuulu.",
        },
    )
    assert posted.status_code == 422
    assert "scoped out" in posted.text


def test_bulk_forms_fill_rows_copy_alternatives_and_refuse_stale_versions(
    browser: TestClient, people: World
) -> None:
    draft_id, _page = started_matrix(browser, people.preparer)
    _scope(browser, draft_id)
    url = f"/drafts/{draft_id}/assessment"
    page = browser.get(url).text
    base = {
        "csrf_token": hidden(page, "csrf_token"),
        "alternative": "status_quo",
        "area": "mental_health",
    }
    bulk = f"{url}/bulk"
    no_value = browser.post(
        bulk,
        data=base
        | {
            "version": hidden(page, "version"),
            "operation": "set",
            "target": "area",
            "value": "",
            "justification": "Perustelu ennen arvon valintaa.",
        },
    )
    assert no_value.status_code == 422
    assert "Valitse solut ja arvio" in no_value.text
    # what was typed is shown again with the error, not lost
    assert ">Perustelu ennen arvon valintaa.</textarea>" in no_value.text
    assert '<option value="area" selected>' in no_value.text
    row = browser.post(
        bulk,
        data=base
        | {
            "version": hidden(page, "version"),
            "operation": "set",
            "target": "area",
            "value": "-1",
            "justification": "Matkat pitenevät.",
        },
    )
    assert row.status_code == 303, row.text
    assert "msg=bulk_saved" in row.headers["location"]
    assert "area=mental_health" in row.headers["location"]
    shown = browser.get(row.headers["location"]).text
    assert shown.count('<option value="-1" selected>') == 20
    assert shown.count("Matkat pitenevät.") == 20
    version = hidden(shown, "version")
    stale = browser.post(
        bulk,
        data=base
        | {
            "version": hidden(page, "version"),
            "operation": "set",
            "target": "remaining",
            "value": "0",
        },
    )
    assert stale.status_code == 412
    rest = browser.post(
        bulk,
        data=base | {"version": version, "operation": "set", "target": "remaining", "value": "0"},
    )
    assert rest.status_code == 303
    after = browser.get(rest.headers["location"]).text
    copied = browser.post(
        bulk,
        data={
            "csrf_token": hidden(after, "csrf_token"),
            "version": hidden(after, "version"),
            "alternative": "alt-2",
            "area": "mental_health",
            "operation": "copy",
            "from_alternative": "status_quo",
            "copy_scope": "all",
        },
    )
    assert copied.status_code == 303, copied.text
    alt2 = browser.get(url, params={"alternative": "alt-2", "area": "mental_health"}).text
    assert alt2.count('<option value="-1" selected>') == 20
    assert "arvioimatta: 0" in alt2


def test_filters_show_non_neutral_missing_and_commented_rows(
    browser: TestClient, web_app: FastAPI, people: World
) -> None:
    draft_id, page = started_matrix(browser, people.preparer)
    url = f"/drafts/{draft_id}/assessment"
    set_group = browser.post(
        f"{url}/bulk",
        data={
            "csrf_token": hidden(page, "csrf_token"),
            "version": hidden(page, "version"),
            "alternative": "status_quo",
            "area": "wellbeing_distribution",
            "operation": "set",
            "target": "group:children_7_12",
            "value": "-1",
            "justification": "Koulumatka pitenee.",
        },
    )
    assert set_group.status_code == 303, set_group.text
    with TestClient(web_app) as api:
        comment = api.post(
            f"/api/v1/drafts/{draft_id}/comments",
            json={
                "anchor": {
                    "alternative": "status_quo",
                    "area": "wellbeing_distribution",
                    "group": "older_75_plus",
                    "gender": "women",
                },
                "body": "Entä kotihoidon asiakkaat?",
            },
            headers=people.expert.headers,
        )
        assert comment.status_code == 201, comment.text

    def shown(show: str) -> str:
        return browser.get(
            url,
            params={"alternative": "status_quo", "area": "wellbeing_distribution", "show": show},
        ).text

    selects = re.compile(r'<select id="c-[\d-]+" name="v\|([^"]+)"')
    nonneutral = shown("nonneutral")
    assert {k.split("|")[2] for k in selects.findall(nonneutral)} == {"children_7_12"}
    assert "Suodatin piilottaa rivejä: 16." in nonneutral
    assert "− Kielteinen vaikutus" in nonneutral, "direction in symbol and words"
    missing = shown("missing")
    assert len(selects.findall(missing)) == 16 * 4
    assert "children_7_12" not in " ".join(selects.findall(missing))
    commented = shown("commented")
    assert {k.split("|")[2] for k in selects.findall(commented)} == {"older_75_plus"}
    assert commented.count('class="cell-comment"') == 1
    assert "solussa on avoin kommentti" in commented


def test_what_is_missing_links_every_missing_cell_wherever_it_is(
    browser: TestClient, people: World
) -> None:
    draft_id, _page = started_matrix(browser, people.preparer)
    _scope(browser, draft_id)
    url = f"/drafts/{draft_id}/assessment"
    editor = browser.get(url).text
    assert f'href="{url}/missing#missing-alt-1">arvioimatta: 80</a>' in editor
    listed = browser.get(f"{url}/missing").text
    assert "Matriisista puuttuu vielä 240 kohtaa." in listed
    assert listed.count(": puuttuu 80</h3>") == 3
    assert listed.count("(puuttuu 20)") == 3 * 4, "each alternative's four areas in scope"
    links = [html.unescape(h) for h in re.findall(r'href="(/drafts/[^"]+#c-[\d-]+)"', listed)]
    assert len(links) == 240
    page, anchor = links[-1].split("#")
    assert "alternative=alt-2" in page
    assert "show=missing" in page
    assert f'<select id="{anchor}"' in browser.get(page).text, "the link lands on the cell"
    filled = browser.post(
        f"{url}/bulk",
        data={
            "csrf_token": hidden(editor, "csrf_token"),
            "version": hidden(editor, "version"),
            "alternative": "status_quo",
            "area": "mental_health",
            "operation": "set",
            "target": "remaining",
            "value": "0",
        },
    )
    assert filled.status_code == 303, filled.text
    after = browser.get(f"{url}/missing").text
    assert "Matriisista puuttuu vielä 160 kohtaa." in after
    assert 'id="missing-status_quo"' not in after
    assert 'id="missing-alt-1"' in after


REVIEW_MAX_BYTES, REVIEW_MAX_CONTROLS = 200_000, 60


def test_the_iva_review_page_stays_small_with_every_cell_filled(
    browser: TestClient, web_app: FastAPI, people: World
) -> None:
    """The review page shows one alternative's area at a time (read-only: no cell controls),
    with every cell scored and justified: the heaviest case for reading."""
    draft_id, first = started_matrix(browser, people.preparer)
    url = f"/drafts/{draft_id}/assessment"
    version = hidden(first, "version")
    for alternative in ("status_quo", "alt-1", "alt-2"):
        filled = browser.post(
            f"{url}/bulk",
            data={
                "csrf_token": hidden(first, "csrf_token"),
                "version": version,
                "alternative": alternative,
                "area": "wellbeing_distribution",
                "operation": "set",
                "target": "remaining",
                "value": "-1",
                "justification": "Palveluverkon muutos pidentää matkoja ja heikentää saatavuutta.",
            },
        )
        assert filled.status_code == 303, filled.text
        version = hidden(browser.get(filled.headers["location"]).text, "version")
    review = browser.get(f"/drafts/{draft_id}/review").text
    submitted = browser.post(
        f"/drafts/{draft_id}/review/transitions/submit_for_review",
        data={"csrf_token": hidden(review, "csrf_token"), "version": hidden(review, "version")},
    )
    assert submitted.status_code == 303, submitted.text
    heaviest = (0, 0)
    with TestClient(web_app, follow_redirects=False) as expert:
        sign_in(expert, people.expert)
        for reader in (browser, expert):
            for alternative in ("status_quo", "alt-2"):
                for area in ("wellbeing_distribution", "livelihood_work_education"):
                    page = reader.get(
                        f"/drafts/{draft_id}/review",
                        params={"alternative": alternative, "area": area},
                    )
                    assert page.status_code == 200
                    assert "Palveluverkon muutos pidentää matkoja" in page.text
                    if reader is expert:
                        assert 'name="content_hash"' in page.text, "the sign-off form"
                    heaviest = max(heaviest, _weight(page.text))
    editor = _weight(browser.get(url, params={"alternative": "alt-2"}).text)
    print(f"\nIVA, 3 alternatives, all filled: editor {editor}, review {heaviest} (bytes, ctl)")
    size, controls = heaviest
    assert size < REVIEW_MAX_BYTES, f"{size} bytes of HTML"
    assert controls < REVIEW_MAX_CONTROLS, f"{controls} form controls"
    assert editor[0] < MAX_BYTES, editor
    assert editor[1] < MAX_CONTROLS, editor
