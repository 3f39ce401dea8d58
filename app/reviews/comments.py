"""Comments anchored to a draft section or a cell, in threads that can be resolved."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, col, select

from app.auth.permissions import READ_DRAFTS, ensure
from app.auth.principal import Principal
from app.core.db import utcnow
from app.core.errors import Forbidden, NotFound, Unprocessable
from app.drafts import service as drafts
from app.reviews.models import Comment
from app.reviews.schemas import CommentCreate
from app.workflow import changes
from app.workflow.changes import Entity


def list_comments(
    session: Session, *, principal: Principal, draft_id: str, only_open: bool = False
) -> Sequence[Comment]:
    draft = drafts.visible_draft(session, principal=principal, draft_id=draft_id)
    return (
        open_comments(session, draft.id)
        if only_open
        else session.exec(
            select(Comment).where(Comment.draft_id == draft.id).order_by(col(Comment.created_at))
        ).all()
    )


def open_comments(session: Session, draft_id: str) -> Sequence[Comment]:
    return session.exec(
        select(Comment)
        .where(Comment.draft_id == draft_id, Comment.resolved == False)  # noqa: E712
        .order_by(col(Comment.created_at))
    ).all()


def add(session: Session, *, principal: Principal, draft_id: str, data: CommentCreate) -> Comment:
    """Comment on a section or a cell, or reply in a thread."""
    draft = drafts.visible_draft(session, principal=principal, draft_id=draft_id)
    ensure(principal, draft.organisation_id, READ_DRAFTS, "comment")
    anchor = data.anchor.model_dump(exclude_none=True)
    if data.parent_id is not None:
        parent = session.get(Comment, data.parent_id)
        if parent is None or parent.draft_id != draft.id:
            raise Unprocessable("The comment to reply to is not on this draft")
        anchor = parent.anchor
    comment = Comment(
        draft_id=draft.id,
        organisation_id=draft.organisation_id,
        parent_id=data.parent_id,
        anchor=anchor,
        author_id=principal.id,
        author_name=principal.name,
        body=data.body,
    )
    session.add(comment)
    session.flush()
    changes.record(
        session,
        actor=principal,
        draft=draft,
        action="comment.created",
        entity=Entity("comment", comment.id, None),
        data={"draft_id": draft.id, "anchor": anchor, "parent_id": data.parent_id},
    )
    return comment


def set_resolved(
    session: Session, *, principal: Principal, draft_id: str, comment_id: str, resolved: bool
) -> Comment:
    """Resolve or reopen a thread (its author, or anyone who may edit or review the draft)."""
    draft = drafts.visible_draft(session, principal=principal, draft_id=draft_id)
    comment = session.get(Comment, comment_id)
    if comment is None or comment.draft_id != draft.id:
        raise NotFound("Comment not found")
    if principal.kind.value == "client" and "reviews:write" not in principal.scopes:
        raise Forbidden("Your scopes do not allow resolving comments")
    comment.resolved = resolved
    comment.resolved_by = principal.name if resolved else None
    comment.resolved_at = utcnow() if resolved else None
    comment.version += 1
    session.add(comment)
    session.flush()
    changes.record(
        session,
        actor=principal,
        draft=draft,
        action="comment.resolved" if resolved else "comment.reopened",
        entity=Entity("comment", comment.id, comment.version),
        data={"draft_id": draft.id},
    )
    return comment
