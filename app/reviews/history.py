"""A draft's timeline from the audit log."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, select

from app.assessments.models import Assessment
from app.audit import repository as audit_repo
from app.audit.models import AuditEntry
from app.auth.principal import Principal
from app.drafts import service as drafts
from app.reviews.models import Comment, SignOff


def timeline(session: Session, *, principal: Principal, draft_id: str) -> Sequence[AuditEntry]:
    """Entries about the draft and everything hanging off it, in chain order."""
    draft = drafts.visible_draft(session, principal=principal, draft_id=draft_id)
    ids = [draft.id]
    ids += session.exec(select(Assessment.id).where(Assessment.draft_id == draft.id)).all()
    ids += session.exec(select(SignOff.id).where(SignOff.draft_id == draft.id)).all()
    ids += session.exec(select(Comment.id).where(Comment.draft_id == draft.id)).all()
    return audit_repo.entries_for_entities(session, ids)
