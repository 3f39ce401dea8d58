"""The history shows events in words: every audit action code the service writes has words
in every language, and the page shows no codes."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient

from app.core.i18n import LANGUAGES, catalogue
from app.web.history_words import AUDIT_ACTIONS, message_key
from tests.factories import World
from tests.web.test_router import started_matrix

APP = Path(__file__).resolve().parents[2] / "app"
# action="draft.created", action=f"workflow.{name}", _touch(…, "template.updated"), …
LITERAL = re.compile(r'(?:action=|, )f?"([a-z_]+)\.([a-z_{}.]+)"')


def _written_codes() -> set[str]:
    """Every action code (or f-string prefix) a module of the service writes."""
    found = set()
    for path in APP.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if not any(mark in text for mark in ("audit.record", "changes.record", "action=")):
            continue
        for entity, verb in LITERAL.findall(text):
            found.add(f"{entity}.{verb}")
    return found


def test_every_written_code_is_listed() -> None:
    listed = set(AUDIT_ACTIONS)
    written = _written_codes()
    assert "draft.created" in written  # the scan finds what it looks for
    for code in written:
        entity, verb = code.split(".", 1)
        if "{" in verb:  # an f-string: its expansions are listed one by one
            assert any(c.startswith(f"{entity}.") for c in listed), code
        else:
            assert code in listed, code


def test_every_code_has_words_in_every_language() -> None:
    for lang in LANGUAGES:
        words = catalogue(lang)
        missing = [c for c in AUDIT_ACTIONS if not words.get("web." + message_key(c), "").strip()]
        assert missing == [], lang


def test_history_page_shows_words_not_codes(browser: TestClient, people: World) -> None:
    draft_id, _ = started_matrix(browser, people.preparer)
    for lang, words in (("fi", "Arviointi aloitettiin"), ("en", "Assessment started")):
        page = browser.get(f"/drafts/{draft_id}/history", params={"lang": lang}).text
        assert words in page
        assert "assessment.started" not in page
        assert "draft.created" not in page


def test_history_says_whose_version_an_event_made(browser: TestClient, people: World) -> None:
    draft_id, _ = started_matrix(browser, people.preparer)
    page = browser.get(f"/drafts/{draft_id}/history", params={"lang": "en"}).text
    assert "draft, version 1" in page
    assert "assessment, version 1" in page
    header = browser.get(f"/drafts/{draft_id}", params={"lang": "en"}).text
    assert re.search(r"<span>Draft version \d+</span>", header)
