"""Rules for decision drafts: creation, saving as revisions, alternatives, search."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlmodel import Session

from app.audit.service import canonical_json
from app.auth.permissions import READ_DRAFTS, WRITE_DRAFTS, ensure, ensure_visible
from app.auth.principal import Principal, PrincipalKind
from app.core.cache import LruCache
from app.core.errors import Conflict, InvalidState, NotFound, Unprocessable
from app.core.versioning import check_entity_version
from app.core.versioning import claim as claim_next_version
from app.drafts import repository as repo
from app.drafts.models import DecisionDraft, DraftAlternative, DraftRevision
from app.drafts.schemas import STATUS_QUO_KEY, AlternativeIn, DraftCreate, DraftFilter, DraftUpdate
from app.organisations.service import visible_organisation
from app.workflow import changes, machine
from app.workflow.listeners import ContentScope
from app.workflow.policy import Part
from app.workflow.states import DraftStatus, Subject
from app.workflow.store import policy_at

_D = TypeVar("_D", bound=Subject)

# A draft's alternatives change only with a new draft version (`update` claims it), so they
# are kept per (draft, version), as copies that belong to no session: a version read again
# by another worker or after another worker's change is a new key.
_ALTERNATIVES: LruCache[tuple[str, int], tuple[DraftAlternative, ...]] = LruCache(4096)


@dataclass(frozen=True)
class DraftView:
    draft: DecisionDraft
    alternatives: list[DraftAlternative]


def content_of(draft: DecisionDraft, alternatives: Sequence[DraftAlternative]) -> dict[str, Any]:
    """The draft's content as stored in revisions and hashed for sign-offs."""
    return {
        "title": draft.title,
        "proposal": draft.proposal,
        "background": draft.background,
        "decision_body": draft.decision_body,
        "decision_type": draft.decision_type,
        "meeting_date": draft.meeting_date.isoformat() if draft.meeting_date else None,
        "budget_eur": str(draft.budget_eur) if draft.budget_eur is not None else None,
        "languages": list(draft.languages),
        "presenting_official": draft.presenting_official,
        "external_ref": {
            "system": draft.external_system,
            "case_id": draft.external_case_id,
            "label": draft.external_label,
        }
        if draft.external_system
        else None,
        "alternatives": [
            {
                "key": a.key,
                "name": a.name,
                "description": a.description,
                "is_status_quo": a.is_status_quo,
            }
            for a in alternatives
        ],
    }


def sha256_json(value: Any) -> str:
    return hashlib.sha256(canonical_json(value).encode()).hexdigest()


def visible_draft(session: Session, *, principal: Principal, draft_id: str) -> DecisionDraft:
    """The draft; 404 outside the caller's organisations, 403 without read rights."""
    return _visible(principal, repo.get(session, draft_id))


def _visible(principal: Principal, draft: _D | None) -> _D:
    if draft is None:
        raise NotFound("Draft not found")
    ensure_visible(principal, draft.organisation_id, "Draft")
    ensure(principal, draft.organisation_id, READ_DRAFTS, "read drafts")
    return draft


def editable_draft(
    session: Session, *, principal: Principal, draft_id: str, part: Part
) -> DecisionDraft:
    """The draft, when the caller may see it (as `visible_draft`) and edit `part` of it now;
    the draft and its organisation's policy version are read in one statement."""
    found = repo.with_policy_version(session, draft_id)
    draft = _visible(principal, None if found is None else found[0])
    if found is not None:
        policy_at(session, draft.organisation_id, found[1])
    machine.ensure_can_edit(session, principal, draft, part)
    return draft


def ensure_editable(
    session: Session,
    *,
    principal: Principal,
    draft: Subject,
    policy_version: int | None,
    part: Part = "cells",
) -> None:
    """`editable_draft`'s checks on a draft the caller read with its organisation's stored
    policy version (None: the default policy) in a statement of its own."""
    _visible(principal, draft)
    policy_at(session, draft.organisation_id, policy_version)
    machine.ensure_can_edit(session, principal, draft, part)


def get_view(session: Session, *, principal: Principal, draft_id: str) -> DraftView:
    draft = visible_draft(session, principal=principal, draft_id=draft_id)
    return DraftView(draft, repo.alternatives(session, draft.id))


def _target_organisation(session: Session, principal: Principal, requested: str | None) -> str:
    if requested is not None:
        visible_organisation(session, principal=principal, organisation_id=requested)
        return requested
    candidates = sorted(principal.organisation_ids)
    if len(candidates) != 1:
        raise Unprocessable("organisation_id is required: you belong to several organisations")
    return candidates[0]


def _build_alternatives(
    draft_id: str, given: list[AlternativeIn], existing: Sequence[DraftAlternative] = ()
) -> list[DraftAlternative]:
    status_quo_key = next((a.key for a in existing if a.is_status_quo), STATUS_QUO_KEY)
    items = list(given)
    if existing and not any(a.key == status_quo_key for a in items):
        raise InvalidState(
            "The status-quo alternative can be renamed but not removed", code="status_quo_required"
        )
    if not any(a.is_status_quo or a.key == status_quo_key for a in items):
        items.insert(
            0,
            AlternativeIn(
                key=status_quo_key, name="Nykytila / Nuläge / Status quo", is_status_quo=True
            ),
        )
    used = {a.key for a in items if a.key}
    result, counter = [], 1
    for position, item in enumerate(items):
        key = item.key
        while key is None or (key in used and key != item.key):
            key, counter = f"alt-{counter}", counter + 1
        used.add(key)
        is_sq = key == status_quo_key or item.is_status_quo
        result.append(
            DraftAlternative(
                draft_id=draft_id,
                key=key,
                name=item.name,
                description=item.description,
                is_status_quo=is_sq,
                position=position,
            )
        )
    if sum(a.is_status_quo for a in result) != 1:
        raise InvalidState("Exactly one alternative is the status quo", code="status_quo_required")
    return result


def _write_revision(
    session: Session,
    draft: DecisionDraft,
    alternatives: Sequence[DraftAlternative],
    actor: Principal,
) -> None:
    content = content_of(draft, alternatives)
    draft.content_hash = sha256_json(content)
    session.add(
        DraftRevision(
            draft_id=draft.id,
            version=draft.version,
            content=content,
            content_hash=draft.content_hash,
            created_by=actor.name,
        )
    )


def create(session: Session, *, principal: Principal, data: DraftCreate) -> DraftView:
    """Create a draft with its alternatives (the status quo is added if missing)."""
    organisation_id = _target_organisation(session, principal, data.organisation_id)
    ensure(principal, organisation_id, WRITE_DRAFTS, "create drafts")
    ref = data.external_ref
    if ref and repo.by_external_case(
        session, organisation_id=organisation_id, system=ref.system, case_id=ref.case_id
    ):
        raise Conflict(
            "A draft for this case exists",
            code="case_already_linked",
            details={"system": ref.system, "case_id": ref.case_id},
        )
    draft = DecisionDraft(
        organisation_id=organisation_id,
        **_scalar_fields(
            data.model_dump(exclude={"alternatives", "organisation_id", "external_ref"})
        ),
        external_system=ref.system if ref else None,
        external_case_id=ref.case_id if ref else None,
        external_label=ref.label if ref else None,
        content_hash="",
        preparer_id=principal.id if principal.kind is PrincipalKind.user else None,
        updated_by=principal.name,
    )
    session.add(draft)
    session.flush()
    alternatives = _build_alternatives(draft.id, data.alternatives)
    session.add_all(alternatives)
    _write_revision(session, draft, alternatives, principal)
    session.flush()
    changes.record(
        session,
        actor=principal,
        draft=draft,
        action="draft.created",
        data={"content_hash": draft.content_hash, "title": draft.title},
        event="draft.created",
    )
    return DraftView(draft, alternatives)


def _scalar_fields(values: dict[str, Any]) -> dict[str, Any]:
    if "languages" in values and values["languages"] is not None:
        values["languages"] = [str(getattr(lang, "value", lang)) for lang in values["languages"]]
    return values


def update(
    session: Session,
    *,
    principal: Principal,
    draft_id: str,
    expected_version: int,
    data: DraftUpdate,
) -> DraftView:
    """Save changes as a new revision; a save that changes nothing keeps the version."""
    draft = visible_draft(session, principal=principal, draft_id=draft_id)
    machine.ensure_can_edit(session, principal, draft, "draft")
    check_entity_version(draft, expected_version)
    old_alternatives = repo.alternatives(session, draft.id)
    before = content_of(draft, old_alternatives)
    _apply_fields(draft, data)
    alternatives = old_alternatives
    if data.alternatives is not None:
        alternatives = _build_alternatives(draft.id, data.alternatives, old_alternatives)
    after = content_of(draft, alternatives)
    if after == before:
        session.expire(draft)
        return DraftView(draft, old_alternatives)
    claim(session, draft, expected_version, principal)
    changed: set[ContentScope] = {"draft"}
    if data.alternatives is not None and after["alternatives"] != before["alternatives"]:
        _replace_alternatives(session, old_alternatives, alternatives)
        changed.add("alternatives")
    _write_revision(session, draft, alternatives, principal)
    session.add(draft)
    session.flush()
    changes.record(
        session,
        actor=principal,
        draft=draft,
        action="draft.updated",
        data={
            "content_hash": draft.content_hash,
            "changed": sorted(k for k in after if after[k] != before[k]),
        },
        event="draft.updated",
        changed=changed,
    )
    return DraftView(draft, alternatives)


def _apply_fields(draft: DecisionDraft, data: DraftUpdate) -> None:
    fields = _scalar_fields(
        data.model_dump(exclude_unset=True, exclude={"alternatives", "external_ref"})
    )
    for field, value in fields.items():
        setattr(draft, field, value)
    if "external_ref" in data.model_fields_set:
        ref = data.external_ref
        draft.external_system = ref.system if ref else None
        draft.external_case_id = ref.case_id if ref else None
        draft.external_label = ref.label if ref else None


def _replace_alternatives(
    session: Session, old: Sequence[DraftAlternative], new: Sequence[DraftAlternative]
) -> None:
    for alternative in old:
        session.delete(alternative)
    session.flush()
    session.add_all(new)


def list_drafts(
    session: Session, *, principal: Principal, flt: DraftFilter, limit: int, cursor: str | None
) -> tuple[Sequence[DecisionDraft], str | None]:
    """A page of drafts the caller may read, newest first, and the cursor of the next page."""
    readable = frozenset(
        o
        for o in flt.organisation_ids or principal.organisation_ids
        if principal.sees(o) and principal.may(o, READ_DRAFTS)
    )
    flt = DraftFilter(**{**flt.__dict__, "organisation_ids": readable})
    rows = repo.search(session, flt, limit=limit + 1, after=decode_cursor(cursor))
    page = rows[:limit]
    next_cursor = encode_cursor(page[-1].created_at, page[-1].id) if len(rows) > limit else None
    return page, next_cursor


def encode_cursor(created_at: datetime, draft_id: str) -> str:
    return base64.urlsafe_b64encode(
        json.dumps([created_at.isoformat(), draft_id]).encode()
    ).decode()


def decode_cursor(cursor: str | None) -> tuple[datetime, str] | None:
    if not cursor:
        return None
    try:
        stamp, draft_id = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        return datetime.fromisoformat(stamp), str(draft_id)
    except (ValueError, TypeError, binascii.Error) as exc:
        raise Unprocessable("cursor is not valid", details={"cursor": cursor}) from exc


def revisions(session: Session, *, principal: Principal, draft_id: str) -> Sequence[DraftRevision]:
    draft = visible_draft(session, principal=principal, draft_id=draft_id)
    return repo.revisions(session, draft.id)


def claim(session: Session, draft: DecisionDraft, expected: int, principal: Principal) -> None:
    """Check If-Match and move the draft to its next version, atomically."""
    claim_next_version(session, draft, expected, by=principal.name)


def as_draft(session: Session, subject: Subject) -> DecisionDraft:
    """The draft behind a workflow subject (the same object; loaded only if it is not one)."""
    if isinstance(subject, DecisionDraft):
        return subject
    draft = repo.get(session, subject.id)
    if draft is None:
        raise NotFound("Draft not found")
    return draft


# What other domains read of a draft they already hold (their own rules checked visibility).


def draft_of(session: Session, draft_id: str) -> DecisionDraft:
    """A draft another domain's record points at (a follow-up's draft)."""
    draft = repo.get(session, draft_id)
    if draft is None:
        raise NotFound("Draft not found")
    return draft


def alternatives(session: Session, draft_id: str) -> list[DraftAlternative]:
    """The draft's alternatives in their order."""
    return repo.alternatives(session, draft_id)


def alternatives_at_version(session: Session, draft: Subject) -> tuple[DraftAlternative, ...]:
    """The draft's alternatives at its current version, as read-only copies (no session holds
    them: change them through `update`)."""
    return alternatives_at(session, draft.id, draft.version)


def alternatives_at(session: Session, draft_id: str, version: int) -> tuple[DraftAlternative, ...]:
    """`alternatives_at_version` for a draft whose id and current version the caller read."""
    key = (draft_id, version)
    found = _ALTERNATIVES.get(key)
    if found is None:
        copies = tuple(
            DraftAlternative(**a.model_dump()) for a in repo.alternatives(session, draft_id)
        )
        found = _ALTERNATIVES.put(key, copies)
    return found


def lock(session: Session, draft: DecisionDraft) -> None:
    """Row-lock the draft until commit and read it afresh (state changes go one at a time)."""
    repo.lock(session, draft.id)
    session.refresh(draft)


def content_revisions(session: Session, draft_id: str) -> Sequence[DraftRevision]:
    return repo.revisions(session, draft_id)


def in_state(
    session: Session, organisation_ids: Sequence[str], status: DraftStatus
) -> Sequence[DecisionDraft]:
    """Drafts of these organisations in one state (the reviewer's inbox)."""
    return repo.in_state(session, organisation_ids, status)
