"""A draft's timeline from the audit log."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session

from app.assessments import service as assessments
from app.audit import service as audit
from app.audit.models import AuditEntry
from app.auth.principal import Principal
from app.drafts import service as drafts
from app.reviews import repository as repo


def timeline(session: Session, *, principal: Principal, draft_id: str) -> Sequence[AuditEntry]:
    """Entries about the draft and everything hanging off it, in chain order."""
    draft = drafts.visible_draft(session, principal=principal, draft_id=draft_id)
    ids = [draft.id, *assessments.assessment_ids(session, draft.id)]
    ids += [*repo.signoff_ids(session, draft.id), *repo.comment_ids(session, draft.id)]
    return audit.entries_for_entities(session, ids)


def last_transition(session: Session, *, principal: Principal, draft_id: str) -> AuditEntry | None:
    """The newest workflow transition taken on the draft (who withdrew it, who approved it)."""
    draft = drafts.visible_draft(session, principal=principal, draft_id=draft_id)
    entries = audit.entries_for_entities(session, [draft.id])
    return next((e for e in reversed(entries) if e.action.startswith("workflow.")), None)
