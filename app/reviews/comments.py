"""Comments anchored to a draft section or a cell, in threads that can be resolved."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session

from app.assessments import service as assessments
from app.auth.permissions import COMMENT, ensure
from app.auth.principal import Principal
from app.core.db import utcnow
from app.core.errors import NotFound, Unprocessable
from app.drafts import service as drafts
from app.drafts.models import DecisionDraft
from app.reviews import repository as repo
from app.reviews.models import Comment
from app.reviews.schemas import CommentAnchor, CommentCreate
from app.workflow import changes
from app.workflow.changes import Entity


def list_comments(
    session: Session, *, principal: Principal, draft_id: str, only_open: bool = False
) -> Sequence[Comment]:
    draft = drafts.visible_draft(session, principal=principal, draft_id=draft_id)
    return repo.comments(session, draft.id, only_open=only_open)


def open_comments(session: Session, draft_id: str) -> Sequence[Comment]:
    return repo.comments(session, draft_id, only_open=True)


def may_comment(principal: Principal, draft: DecisionDraft) -> bool:
    return principal.may(draft.organisation_id, COMMENT)


def add(session: Session, *, principal: Principal, draft_id: str, data: CommentCreate) -> Comment:
    """Comment on a section or a cell, or reply in a thread."""
    draft = drafts.visible_draft(session, principal=principal, draft_id=draft_id)
    ensure(principal, draft.organisation_id, COMMENT, "comment")
    anchor = data.anchor.model_dump(exclude_none=True)
    if data.parent_id is None and data.anchor.section is None:
        _ensure_cell(session, draft, data.anchor)
    if data.parent_id is not None:
        parent = repo.comment(session, data.parent_id)
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


def _ensure_cell(session: Session, draft: DecisionDraft, anchor: CommentAnchor) -> None:
    """A comment on a cell needs the cell to exist in the draft's matrix."""
    key = (
        str(anchor.alternative),
        str(anchor.area),
        str(anchor.group),
        str(anchor.gender),
    )
    problem = assessments.cell_problem(session, draft, key)
    if problem is not None:
        raise Unprocessable(
            f"The comment's anchor is no cell of the matrix: {problem}",
            code="no_such_cell",
            details={"anchor": anchor.model_dump(exclude_none=True)},
        )


def set_resolved(
    session: Session, *, principal: Principal, draft_id: str, comment_id: str, resolved: bool
) -> Comment:
    """Resolve or reopen a thread (its author, or anyone who may edit or review the draft)."""
    draft = drafts.visible_draft(session, principal=principal, draft_id=draft_id)
    comment = repo.comment(session, comment_id)
    if comment is None or comment.draft_id != draft.id:
        raise NotFound("Comment not found")
    ensure(principal, draft.organisation_id, COMMENT, "resolve comments")
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
