"""Free-text search holds any text on both databases (hypothesis, derandomized): no text is an
error of ours, what the text rule refuses is a 422 naming it, and a title is always found by
any exact piece of it, through the trigram index or the fallback."""

from __future__ import annotations

import uuid

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session

from app.core.db import get_engine
from app.core.text import forbidden_character
from app.drafts import repository as repo
from app.drafts.models import DecisionDraft
from tests.factories import World

FIXTURES_OK = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
# What the text rule accepts: everything but control characters (tab, LF, CR excepted) and
# surrogates. Letters with tricky case folding (İ, ẞ, Σ/ς, ﬁ) are drawn often on purpose.
ALLOWED = st.characters(blacklist_categories=("Cc", "Cs")) | st.sampled_from(
    list("\t\n\r\"'%_\\*^:()-+ İıẞßΣσςﬁÅäÖ\u202e\u2066\u2069")
)


@settings(derandomize=True, max_examples=150, deadline=None, suppress_health_check=FIXTURES_OK)
@given(needle=st.text(ALLOWED, min_size=1, max_size=12), before=st.text(ALLOWED, max_size=3))
def test_a_title_is_found_by_any_exact_piece_of_it(world: World, needle: str, before: str) -> None:
    with Session(get_engine()) as session:
        draft = DecisionDraft(
            organisation_id=world.org,
            title=f"{before}{needle}#",
            proposal="–",
            languages=["fi"],
            content_hash="0" * 64,
        )
        session.add(draft)
        session.flush()
        flt = repo.DraftFilter(organisation_ids=frozenset({world.org}), text=needle)
        found = repo.search(session, flt, limit=500, after=None)
        session.rollback()
    assert draft.id in {d.id for d in found}


@settings(derandomize=True, max_examples=150, deadline=None, suppress_health_check=FIXTURES_OK)
@given(q=st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=20))
def test_any_query_text_is_answered_200_or_a_422_that_names_the_character(
    client: TestClient, world: World, q: str
) -> None:
    response = client.get("/api/v1/drafts", params={"q": q}, headers=world.preparer.headers)
    char = forbidden_character(q)
    if char is None:
        assert response.status_code == 200, response.text
    else:
        assert response.status_code == 422, response.text
        (detail,) = response.json()["error"]["details"]
        assert detail["loc"] == ["query", "q"]
        assert f"U+{ord(char):04X}" in detail["msg"]


def test_nul_in_the_search_is_a_422_not_a_database_error(client: TestClient, world: World) -> None:
    response = client.get("/api/v1/drafts?q=a%00b", headers=world.preparer.headers)
    assert response.status_code == 422
    assert "U+0000 NULL" in response.json()["error"]["details"][0]["msg"]


def test_nul_never_reaches_the_full_text_index(world: World) -> None:
    """Below the API too: the repository answers a NUL it is given without FTS5 failing."""
    with Session(get_engine()) as session:
        flt = repo.DraftFilter(
            organisation_ids=frozenset({world.org}), text=f"a\x00b{uuid.uuid4()}"
        )
        if get_engine().dialect.name == "sqlite":
            assert list(repo.search(session, flt, limit=10, after=None)) == []
