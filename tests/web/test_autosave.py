"""The matrix editor's per-cell save: the same service as the form, guarded by If-Match."""

from __future__ import annotations

import contextlib
import re
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.assessments import service as assessment_service
from tests.factories import World
from tests.web import hidden, sign_in
from tests.web.fixtures import client_for
from tests.web.test_router import started_matrix


def _cells(page: str) -> list[str]:
    """The value fields of the page's editable cells (v|alternative|area|group|gender)."""
    return re.findall(r'<select id="c-[^"]+" name="(v\|[^"]+)"', page)


def _post(
    browser: TestClient, draft_id: str, page: str, field: str, value: str, text: str, **extra: str
) -> object:
    version = extra.pop("version", hidden(page, "version"))
    data = {"csrf_token": hidden(page, "csrf_token"), field: value, "j" + field[1:]: text}
    return browser.post(
        f"/drafts/{draft_id}/assessment/autosave",
        data=data | extra,
        headers={"If-Match": f'"{version}"'},
    )


def test_a_changed_cell_is_saved_and_answers_the_new_version(
    browser: TestClient, people: World
) -> None:
    draft_id, page = started_matrix(browser, people.preparer)
    assert 'data-autosave="/drafts/' in page
    assert '<script src="/static/autosave.js" defer></script>' in page
    assert 'id="autosave-status" class="autosave-status" aria-live="polite"' in page
    first, second = _cells(page)[:2]
    version = int(hidden(page, "version"))
    saved = _post(browser, draft_id, page, first, "1", "Parantaa palveluja.")
    assert saved.status_code == 200, saved.text  # type: ignore[attr-defined]
    assert saved.json()["version"] == version + 1  # type: ignore[attr-defined]
    assert saved.json()["expires_in"] > 0  # type: ignore[attr-defined]
    shown = browser.get(f"/drafts/{draft_id}/assessment").text
    assert "Parantaa palveluja." in shown
    # The page still holds the old version; the next cell was not touched meanwhile, so its
    # save goes through on the current version (the base the page read is still stored).
    other = _post(browser, draft_id, page, second, "0", "Ei vaikutusta.", base_value="")
    assert other.status_code == 200
    assert other.json()["version"] == version + 2  # type: ignore[attr-defined]


def test_a_conflicting_cell_answers_412_with_their_value(
    browser: TestClient, people: World
) -> None:
    draft_id, page = started_matrix(browser, people.preparer)
    cell = _cells(page)[0]
    version = hidden(page, "version")
    theirs = _post(browser, draft_id, page, cell, "-1", "Heikentää.")
    assert theirs.status_code == 200
    mine = _post(browser, draft_id, page, cell, "2", "Parantaa paljon.", version=version)
    assert mine.status_code == 412
    body = mine.json()  # type: ignore[attr-defined]
    assert body["conflict"] is True
    assert body["version"] == int(version) + 1
    assert body["theirs"] == {"value": "-1", "justification": "Heikentää."}
    # Keep mine: the page posts again on the version it was told, with theirs as the base.
    kept = _post(
        browser,
        draft_id,
        page,
        cell,
        "2",
        "Parantaa paljon.",
        version=str(body["version"]),
        base_value="-1",
        base_justification="Heikentää.",
    )
    assert kept.status_code == 200
    assert "Parantaa paljon." in browser.get(f"/drafts/{draft_id}/assessment").text


def test_saves_of_two_cells_sent_together_both_go_through(
    browser: TestClient, people: World, web_app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The script sends one request per changed cell, several at a time, each with the version
    the page held. Both requests read that version before either writes (held at a barrier on
    the way into the real write): the one that loses the race is written again on the version
    the other left, because its own cell is still as the page read it. (On SQLite a write
    transaction begins IMMEDIATE, so the second request reads after the first commits and the
    barrier lapses: the same answer by the other path.)"""
    draft_id, page = started_matrix(browser, people.preparer)
    first, second = _cells(page)[:2]
    version = int(hidden(page, "version"))
    arrived = threading.Barrier(2, timeout=3)
    real: Callable[..., object] = assessment_service.write_cells

    def meet_then_write(*args: object, **kwargs: object) -> object:
        with contextlib.suppress(threading.BrokenBarrierError):
            arrived.wait()
        return real(*args, **kwargs)

    monkeypatch.setattr(assessment_service, "write_cells", meet_then_write)
    with client_for(web_app) as other:
        other.cookies = browser.cookies
        posts = [(browser, first, "1", "Parantaa."), (other, second, "-1", "Heikentää.")]
        with ThreadPoolExecutor(max_workers=2) as pool:
            answers = list(pool.map(lambda p: _post(p[0], draft_id, page, p[1], p[2], p[3]), posts))
    assert [a.status_code for a in answers] == [200, 200], [a.text for a in answers]  # type: ignore[attr-defined]
    assert sorted(a.json()["version"] for a in answers) == [version + 1, version + 2]  # type: ignore[attr-defined]
    shown = browser.get(f"/drafts/{draft_id}/assessment").text
    assert "Parantaa." in shown
    assert "Heikentää." in shown


def test_the_cell_save_refuses_without_csrf_bad_input_and_other_tenants(
    browser: TestClient, people: World, web_app: FastAPI
) -> None:
    draft_id, page = started_matrix(browser, people.preparer)
    cell = _cells(page)[0]
    url = f"/drafts/{draft_id}/assessment/autosave"
    no_csrf = browser.post(url, data={cell: "1", "version": hidden(page, "version")})
    assert no_csrf.status_code == 403
    bad = _post(browser, draft_id, page, cell, "99", "")
    assert bad.status_code == 422
    assert bad.json()["errors"]  # type: ignore[attr-defined]
    two = _post(browser, draft_id, page, cell, "1", "x", **{_cells(page)[1]: "1"})
    assert two.status_code == 422
    with TestClient(web_app, raise_server_exceptions=False, follow_redirects=False) as stranger:
        sign_in(stranger, people.other_preparer)
        theirs = stranger.get("/").text
        data = {"csrf_token": hidden(theirs, "csrf_token"), cell: "1", "version": "1"}
        refused = stranger.post(url, data=data, headers={"If-Match": '"1"'})
        assert refused.status_code in (403, 404)
    with TestClient(web_app, raise_server_exceptions=False, follow_redirects=False) as reader:
        sign_in(reader, people.secretary)
        own = reader.get("/").text
        data = {"csrf_token": hidden(own, "csrf_token"), cell: "1", "version": "1"}
        assert reader.post(url, data=data).status_code == 403
    unchanged = browser.get(f"/drafts/{draft_id}/assessment").text
    assert hidden(unchanged, "version") == hidden(page, "version")


def _missing_of(fragment: str) -> list[int]:
    return [int(n) for n in re.findall(r"arvioimatta: (\d+)", fragment)]


def test_a_save_answers_the_fresh_counts_of_what_is_missing(
    browser: TestClient, people: World
) -> None:
    draft_id, page = started_matrix(browser, people.preparer)
    before = re.search(r'<div id="matrix-counts".*?</div>', page, re.S)
    assert before is not None
    first = _cells(page)[0]
    saved = _post(browser, draft_id, page, first, "0", "", alternative=first.split("|")[1])
    assert saved.status_code == 200, saved.text  # type: ignore[attr-defined]
    live = saved.json()["live"]  # type: ignore[attr-defined]
    assert set(live) == {"matrix-counts", "summary"}
    assert '<div id="matrix-counts"' in live["matrix-counts"]
    assert '<section aria-labelledby="summary-title" id="summary"' in live["summary"]
    old, new = _missing_of(before.group(0)), _missing_of(live["matrix-counts"])
    assert len(old) == len(new)
    assert old != new
    # the current alternative (its link and the areas' title) and its area: one cell fewer
    assert new[0] == old[0] - 1
    assert sum(new) == sum(old) - 3
    # the same count in words, for the status line that screen readers announce
    remaining = saved.json()["remaining"]  # type: ignore[attr-defined]
    alternatives = re.search(r'<nav class="alt-nav".*?</nav>', live["matrix-counts"], re.S)
    assert alternatives is not None
    still = sum(_missing_of(alternatives.group(0)))
    assert still > 1
    assert remaining == f"Arvioimatta on vielä {still} solua."
