"""The workflow floor at service level: the guard registry, content-change listeners,
transitions and editing rights, with no router in between."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlmodel import Session

from app.auth.principal import Principal
from app.auth.service import user_principal
from app.core.db import transaction
from app.core.errors import Forbidden, InvalidState, NotFound
from app.drafts import repository as draft_repo
from app.drafts import service as drafts
from app.drafts.models import DecisionDraft
from app.drafts.schemas import AlternativeIn, DraftUpdate
from app.main import create_app
from app.reviews import guards as review_guards
from app.reviews import service as reviews
from app.workflow import guards, listeners, machine, store
from app.workflow.listeners import ContentScope
from app.workflow.policy import GUARD_NAMES
from app.workflow.states import DraftStatus, Subject
from tests.factories import Person, World
from tests.flows import create_draft, screen
from tests.reviews.helpers import in_review


@pytest.fixture
def session() -> Iterator[Session]:
    with transaction() as session:
        yield session


def _as(session: Session, person: Person) -> Principal:
    return user_principal(session, person.id)


def _draft(session: Session, draft_id: str) -> DecisionDraft:
    draft = draft_repo.get(session, draft_id)
    assert draft is not None
    return draft


def test_every_guard_a_policy_can_name_has_an_owner(app: FastAPI) -> None:
    assert guards.missing() == []
    assert set(GUARD_NAMES) == {
        "screening_done",
        "matrix_complete",
        "justifications_present",
        "signoffs_valid",
        "not_own_draft",
        "translations_complete",
    }


def test_start_up_fails_when_a_guard_has_no_owner(
    app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(review_guards, "register", lambda: None)
    monkeypatch.delitem(guards._REGISTRY, "signoffs_valid")
    monkeypatch.delitem(guards._REGISTRY, "not_own_draft")
    with pytest.raises(RuntimeError, match="not_own_draft, signoffs_valid"):
        create_app()


def test_a_guard_name_outside_the_vocabulary_or_registered_twice_is_refused(app: FastAPI) -> None:
    with pytest.raises(ValueError, match="not a guard"):
        guards.register("sunny_weather", lambda ctx: None)
    with pytest.raises(ValueError, match="registered twice"):
        guards.register("matrix_complete", lambda ctx: None)


def test_announcing_before_the_listeners_are_wired_is_an_error(
    monkeypatch: pytest.MonkeyPatch, session: Session, world: World, client: TestClient
) -> None:
    monkeypatch.setattr(listeners, "_WIRED", False)
    draft = _draft(session, create_draft(client, world.preparer)["id"])
    with pytest.raises(RuntimeError, match="not wired"):
        listeners.announce(
            session, draft=draft, actor=_as(session, world.preparer), scopes=frozenset({"draft"})
        )


def test_listeners_hear_which_parts_of_the_content_changed(
    client: TestClient, world: World, monkeypatch: pytest.MonkeyPatch, session: Session
) -> None:
    heard: list[tuple[str, frozenset[ContentScope]]] = []

    def spy(
        _s: Session,
        draft: Subject,
        _a: Principal,
        scopes: frozenset[ContentScope],
        _loaded: listeners.Loaded,
    ) -> None:
        heard.append((draft.id, scopes))

    monkeypatch.setattr(listeners, "_LISTENERS", [*listeners._LISTENERS, spy])
    created = create_draft(client, world.preparer)
    principal = _as(session, world.preparer)
    drafts.update(
        session,
        principal=principal,
        draft_id=created["id"],
        expected_version=1,
        data=DraftUpdate(title="Uusi otsikko"),
    )
    alternatives = [
        AlternativeIn(key=a["key"], name=a["name"], is_status_quo=a["is_status_quo"])
        for a in created["alternatives"]
        if a["key"] != "partial"
    ]
    drafts.update(
        session,
        principal=principal,
        draft_id=created["id"],
        expected_version=2,
        data=DraftUpdate(alternatives=alternatives),
    )
    assert heard == [
        (created["id"], frozenset({"draft"})),
        (created["id"], frozenset({"draft", "alternatives"})),
    ]


def test_transitions_follow_the_policy(client: TestClient, world: World, session: Session) -> None:
    draft = _draft(session, create_draft(client, world.preparer)["id"])
    preparer, expert = _as(session, world.preparer), _as(session, world.expert)
    assert machine.allowed_transitions(session, preparer, draft) == []
    with pytest.raises(NotFound):
        machine.take(session, principal=preparer, draft=draft, name="fly_away")
    with pytest.raises(InvalidState) as refused:
        machine.take(session, principal=expert, draft=draft, name="approve")
    assert refused.value.code == "transition_not_allowed"
    assert machine.may_edit(session, preparer, draft, "draft")
    with pytest.raises(Forbidden):
        machine.ensure_can_edit(session, expert, draft, "draft")


def test_failed_guards_are_named_by_the_service(
    client: TestClient, world: World, session: Session
) -> None:
    created = create_draft(client, world.preparer)
    screen(client, world.preparer, created)
    draft = _draft(session, created["id"])
    assert draft.status is DraftStatus.screening
    preparer = _as(session, world.preparer)
    assert machine.allowed_transitions(session, preparer, draft) == ["submit_for_review"]
    with pytest.raises(InvalidState) as refused:
        machine.take(session, principal=preparer, draft=draft, name="submit_for_review")
    details: dict[str, Any] = refused.value.details  # type: ignore[assignment]
    assert refused.value.code == "guard_failed"
    assert details["guards"] == ["matrix_complete"]
    assert details["failed"] == ["the assessment has not been started"]


def test_the_policy_is_read_once_per_unit_of_work_and_a_new_one_is_seen(
    world: World, session: Session
) -> None:
    admin = _as(session, world.admin)
    first = store.policy_for(session, world.org)
    statements: list[str] = []
    event.listen(session.get_bind(), "before_cursor_execute", _recorder(statements))
    try:
        assert store.policy_for(session, world.org) is first
        assert statements == []
    finally:
        event.remove(session.get_bind(), "before_cursor_execute", _recorder(statements))
    stricter = first.model_copy(update={"separation_of_duties": False})
    store.put(
        session, principal=admin, organisation_id=world.org, expected_version=0, policy=stricter
    )
    assert store.policy_for(session, world.org).separation_of_duties is False


_RECORDERS: dict[int, Any] = {}


def _recorder(statements: list[str]) -> Any:
    def record(*args: Any) -> None:
        statements.append(str(args[2]))

    return _RECORDERS.setdefault(id(statements), record)


def test_who_may_sign_is_one_rule_for_the_page_and_the_api(
    client: TestClient, world: World, session: Session
) -> None:
    draft = _draft(session, in_review(client, world)["id"])
    expert = reviews.actions(session, principal=_as(session, world.expert), draft=draft)
    assert (expert.sign, expert.comment, "approve" in expert.transitions) == (True, True, True)
    for person in (world.preparer, world.secretary):
        actions = reviews.actions(session, principal=_as(session, person), draft=draft)
        assert actions.sign is False
