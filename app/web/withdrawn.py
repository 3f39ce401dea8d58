""" "Withdrawn by the preparer": a draft back with its preparer because they withdrew it from
review shows so wherever its status shows (header of every draft page, lists), not as
"changes requested" (which a reviewer asks for)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlmodel import Session

from app.auth.principal import Principal
from app.drafts.models import DecisionDraft
from app.reviews import history
from app.workflow.states import DraftStatus


def withdrawn_by(session: Session, principal: Principal, draft: DecisionDraft) -> str | None:
    """Who withdrew the draft from review, when that is why it is back with the preparer."""
    if draft.status != DraftStatus.changes_requested:
        return None
    last = history.last_transition(session, principal=principal, draft_id=draft.id)
    if last is None or last.action != "workflow.withdraw":
        return None
    return last.actor_name or "–"


def withdrawn_of(
    session: Session, principal: Principal, drafts: Iterable[DecisionDraft]
) -> dict[str, str]:
    """Draft id → who withdrew it, for the drafts of a list that were withdrawn (one look-up
    per draft back with its preparer; a list page holds few)."""
    found = {}
    for draft in drafts:
        who = withdrawn_by(session, principal, draft)
        if who is not None:
            found[draft.id] = who
    return found


def page_withdrawn(state: Any, context: dict[str, Any]) -> str | None:
    """For `render`: the withdrawal of the page's draft, unless the page said already."""
    if "withdrawn_by" in context:
        value = context["withdrawn_by"]
        return value if isinstance(value, str) else None
    draft = context.get("draft")
    session = getattr(state, "web_db", None)
    principal = getattr(state, "principal", None)
    if not isinstance(draft, DecisionDraft) or not isinstance(session, Session):
        return None
    if not isinstance(principal, Principal):
        return None
    return withdrawn_by(session, principal, draft)
