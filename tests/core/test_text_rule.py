"""One text rule for every field and both databases, and bidi text isolated where shown."""

from __future__ import annotations

import io
import json
import re
import uuid
from html.parser import HTMLParser
from pathlib import Path

import pikepdf
import pytest
from fastapi import FastAPI, routing
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from app.annexes.record import AnnexRecord
from app.annexes.render import render_html, render_pdf
from app.core.schemas import InputModel
from app.core.text import isolate
from app.main import API_ROUTERS
from examples.make_large_record import build_record
from tests.annexes.pdf_inspect import document_text
from tests.factories import World
from tests.flows import create_draft

RLO, PDF, LRI, FSI, PDI = "\u202e", "\u202c", "\u2066", "\u2068", "\u2069"
SPOOF = f"XSSF{RLO}gpj.exe"  # an override left open: it would reorder what follows


def _draft(title: str) -> dict[str, object]:
    return {"title": title, "proposal": "Lautakunta päättää.", "alternatives": []}


@pytest.mark.parametrize(
    ("char", "name"),
    [
        ("\x00", "U+0000 NULL"),
        ("\x1b", "U+001B ESCAPE"),
        ("\x7f", "U+007F DELETE"),
        ("\x85", "U+0085 NEXT LINE"),
        ("\ud800", "U+D800 (unpaired surrogate)"),
    ],
)
def test_control_characters_and_lone_surrogates_are_refused_naming_field_and_character(
    client: TestClient, world: World, char: str, name: str
) -> None:
    raw = json.dumps(_draft(f"Otsikko{char}loppu"))  # \ud800 stays a JSON escape
    response = client.post(
        "/api/v1/drafts",
        content=raw,
        headers=world.preparer.headers | {"Content-Type": "application/json"},
    )
    assert response.status_code == 422, response.text
    (detail,) = response.json()["error"]["details"]
    assert detail["loc"][0] == "body"
    if char == "\ud800":  # refused by the JSON parser itself, before any field
        assert detail["type"] == "string_unicode"
        return
    assert detail["loc"] == ["body", "title"]
    assert detail["type"] == "text_character"
    assert name in detail["msg"]


def test_tab_newline_and_bidi_characters_are_text_and_kept_verbatim(
    client: TestClient, world: World
) -> None:
    proposal = f"Rivi 1\r\n\tRivi 2 {SPOOF} {LRI}עברית{PDI}"
    draft = create_draft(client, world.preparer, title=SPOOF, proposal=proposal)
    read = client.get(f"/api/v1/drafts/{draft['id']}", headers=world.preparer.headers).json()
    assert (read["title"], read["proposal"]) == (SPOOF, proposal)


def test_nested_and_list_strings_are_under_the_rule(client: TestClient, world: World) -> None:
    body = _draft("Otsikko") | {
        "external_ref": {"system": "ahjo", "case_id": "HEL\x002021"},
        "alternatives": [{"key": "a", "name": "Vaihtoehto\x07"}],
    }
    response = client.post("/api/v1/drafts", json=body, headers=world.preparer.headers)
    assert response.status_code == 422
    locs = {tuple(d["loc"]) for d in response.json()["error"]["details"]}
    assert locs == {("body", "external_ref", "case_id"), ("body", "alternatives", 0, "name")}


def test_webhook_urls_and_case_ids_give_the_same_error_as_titles(
    client: TestClient, world: World
) -> None:
    hook = client.post(
        f"/api/v1/organisations/{world.org}/webhooks",
        json={"url": "https://example.org/\x00", "events": ["draft.created"]},
        headers=world.admin.headers,
    )
    by_case = client.get(
        "/api/v1/drafts/by-case",
        params={"system": "ahjo", "case_id": "HEL\x002021"},
        headers=world.preparer.headers,
    )
    for response in (hook, by_case):
        assert response.status_code == 422, response.text
        assert [d["type"] for d in response.json()["error"]["details"]] == ["text_character"]


def test_path_and_query_parameters_are_under_the_rule(client: TestClient, world: World) -> None:
    path = client.get("/api/v1/drafts/abc%00def", headers=world.preparer.headers)
    assert path.status_code == 422
    assert path.json()["error"]["details"][0]["loc"] == ["path", "draft_id"]
    name = client.get("/api/v1/drafts?x%1b=1", headers=world.preparer.headers)
    assert name.status_code == 422


def test_credentials_with_a_nul_are_a_422_on_every_database(client: TestClient) -> None:
    response = client.post(
        "/api/v1/auth/token",
        data={"grant_type": "password", "username": "a\x00@b.fi", "password": "x"},
    )
    assert response.status_code == 422
    assert "U+0000" in response.json()["error"]["message"]


def test_every_request_body_is_an_input_model(app: FastAPI) -> None:
    """The rule lives on InputModel, so a body of any other class would escape it. The
    bodies are read off the app, whose inclusions serve the routes (app/core/route_state.py)."""
    paths = {route.path for router in API_ROUTERS for route in router.routes}
    bodies = {
        route.path: route.body_field.field_info.annotation
        for route in routing.iter_route_contexts(app.routes)
        if route.path in paths and getattr(route, "body_field", None) is not None
    }
    assert bodies
    # The token endpoint takes a form; its credentials are checked in auth.service.
    bodies.pop("/api/v1/auth/token")
    outside = {
        path: model
        for path, model in bodies.items()
        if isinstance(model, type)
        and issubclass(model, BaseModel)
        and not issubclass(model, InputModel)
    }
    assert outside == {}


# --- display ---------------------------------------------------------------------------------


class _Stack:
    """Explicit bidi embeddings, overrides and isolates still open (UAX #9 X1–X8, without
    overflow)."""

    def __init__(self) -> None:
        self.open: list[str] = []

    def feed(self, text: str) -> None:
        for char in text:
            if char in "\u202a\u202b\u202d\u202e":
                self.open.append("embedding")
            elif char == PDF:
                if self.open and self.open[-1] == "embedding":
                    self.open.pop()
            elif char in "\u2066\u2067\u2068":
                self.open.append("isolate")
            elif char == PDI and "isolate" in self.open:
                while self.open.pop() != "isolate":
                    pass


def _leaks_from(text: str) -> bool:
    stack = _Stack()
    stack.feed(text)
    return bool(stack.open)


class _TextRuns(HTMLParser):
    """The page's text in reading order; form controls show their value in a box of their
    own (an isolated context), so attribute values and textarea content are not runs."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.runs: list[str] = []
        self.in_control = False

    def handle_starttag(self, tag: str, _attrs: object) -> None:
        self.in_control = self.in_control or tag == "textarea"

    def handle_endtag(self, tag: str) -> None:
        self.in_control = self.in_control and tag != "textarea"

    def handle_data(self, data: str) -> None:
        if not self.in_control:
            self.runs.append(data)


def _leaks(html: str) -> list[str]:
    """Text runs after which an embedding or override opened earlier is still open: the
    text that follows them would be reordered."""
    parser = _TextRuns()
    parser.feed(html)
    stack, found = _Stack(), []
    for run in parser.runs:
        stack.feed(run)
        if stack.open:
            found.append(run)
    return found


BIDI = st.sampled_from([RLO, PDF, LRI, FSI, PDI, "\u202a", "\u202b", "\u202d", "\u2067", "a"])


@settings(derandomize=True, max_examples=300, deadline=None)
@given(st.text(BIDI, max_size=12))
def test_isolated_text_never_leaks_an_open_embedding(text: str) -> None:
    assert not _leaks_from(isolate(text))
    assert isolate(text).replace(FSI, "").replace(PDI, "") == text.replace(FSI, "").replace(PDI, "")


def test_text_without_bidi_controls_is_shown_unchanged() -> None:
    assert isolate("Koulukuljetus – עברית 2025") == "Koulukuljetus – עברית 2025"
    assert _leaks(f"<p>{SPOOF}</p>") == [SPOOF]  # the checker sees the open override


def test_an_override_in_a_title_cannot_reorder_the_pages_around_it(
    client: TestClient, world: World
) -> None:
    marker = uuid.uuid4().hex[:8]
    title = f"{SPOOF} {marker}"
    draft = create_draft(client, world.preparer, title=title, proposal=f"{RLO}ehdotus")
    client.cookies.set("ennakko_session", world.preparer.token)
    for page in (f"/drafts/{draft['id']}", f"/?q={marker}"):
        html = client.get(page).text
        assert title in html
        assert _leaks(html) == [], page
    client.cookies.clear()


def test_the_edit_form_gives_the_title_back_exactly_as_stored(
    client: TestClient, world: World
) -> None:
    draft = create_draft(client, world.preparer, title=SPOOF)
    client.cookies.set("ennakko_session", world.preparer.token)
    html = client.get(f"/drafts/{draft['id']}").text
    client.cookies.clear()
    values = re.findall(r'name="title"[^>]*value="([^"]*)"|value="([^"]*)"[^>]*name="title"', html)
    assert values
    assert {a or b for a, b in values} == {SPOOF}


def test_an_override_in_a_title_cannot_reorder_the_html_annex() -> None:
    data = build_record(areas=2, groups=2, genders=2, alternatives=2)
    data["identification"]["title"] = SPOOF
    html = render_html(AnnexRecord.model_validate(data))
    assert SPOOF in html
    assert _leaks(html) == []


def test_a_yaml_escape_cannot_smuggle_a_control_character_into_a_template(
    client: TestClient, world: World
) -> None:
    text = Path("assessment_templates/suva.v1.yaml").read_text(encoding="utf-8")
    text = text.replace("key: suva", f"key: suva-{uuid.uuid4().hex[:6]}", 1)
    text = text.replace("  fi: Sukupuolivaikutusten arviointi (SUVA)", '  fi: "SUVA\\0"', 1)
    response = client.post(
        "/api/v1/templates",
        json={"organisation_id": world.org, "yaml": text},
        headers=world.admin.headers,
    )
    assert response.status_code == 422, response.text
    assert "U+0000 NULL" in response.text


def test_the_pdf_annex_keeps_an_override_and_lays_everything_out_in_logical_order() -> None:
    """ReportLab applies no bidi algorithm: glyphs go on the page in the order of the text,
    so an override is kept (nothing is stripped) and reorders nothing, the title included."""
    data = build_record(areas=2, groups=2, genders=2, alternatives=2)
    data["identification"]["title"] = f"{SPOOF} SEURAAVA"
    with pikepdf.open(io.BytesIO(render_pdf(AnnexRecord.model_validate(data)))) as pdf:
        text = document_text(pdf)
    assert f"{SPOOF} SEURAAVA" in text
    assert text.index("XSSF") < text.index("gpj.exe") < text.index("SEURAAVA")
