"""The guards whose facts the reviews own: the required sign-offs and separation of duties.
Registered into the workflow by `register()`, together with the staleness listener."""

from __future__ import annotations

from sqlmodel import Session

from app.auth.principal import Principal
from app.drafts import service as drafts
from app.reviews import service as reviews
from app.workflow import guards, listeners
from app.workflow.guards import GuardContext
from app.workflow.listeners import ContentScope, Loaded
from app.workflow.states import Subject


def _signoffs_valid(ctx: GuardContext) -> str | None:
    draft = drafts.as_draft(ctx.session, ctx.draft)
    unmet = [
        r.requirement.key
        for r in reviews.requirement_states(ctx.session, draft, ctx.policy)
        if r.valid < r.requirement.count
    ]
    return f"required sign-offs missing: {', '.join(unmet)}" if unmet else None


def _not_own_draft(ctx: GuardContext) -> str | None:
    if ctx.policy.separation_of_duties and ctx.principal.id == ctx.draft.preparer_id:
        return "the preparer cannot approve their own draft"
    return None


def _content_changed(
    session: Session,
    draft: Subject,
    actor: Principal,
    _scopes: frozenset[ContentScope],
    loaded: Loaded,
) -> None:
    if loaded.live_signoffs is False:
        return  # the writer read, under its lock, that no sign-off is live: none goes stale
    reviews.refresh_staleness(
        session, draft=drafts.as_draft(session, draft), actor=actor, loaded=loaded
    )


def register() -> None:
    guards.register("signoffs_valid", _signoffs_valid)
    guards.register("not_own_draft", _not_own_draft)
    listeners.listen(_content_changed)
