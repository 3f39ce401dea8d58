"""Whether to offer a form: asked of the same workflow rules the services enforce."""

from __future__ import annotations

from sqlmodel import Session

from app.auth.principal import Principal
from app.core.errors import Forbidden, InvalidState
from app.drafts.models import DecisionDraft
from app.workflow import machine
from app.workflow.policy import Part


def may_edit(session: Session, principal: Principal, draft: DecisionDraft, part: Part) -> bool:
    """True when the organisation's policy lets this caller change `part` of the draft now."""
    try:
        machine.ensure_can_edit(session, principal, draft, part)
    except (Forbidden, InvalidState):
        return False
    return True
