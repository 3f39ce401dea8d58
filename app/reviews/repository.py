"""Every query about sign-offs and comments."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, col, select

from app.reviews.models import Comment, SignOff


def signoffs(session: Session, draft_id: str, cycle: int) -> Sequence[SignOff]:
    """The sign-offs given in one review cycle, oldest first."""
    return session.exec(
        select(SignOff)
        .where(SignOff.draft_id == draft_id, SignOff.cycle == cycle)
        .order_by(col(SignOff.created_at))
    ).all()


def has_live_signoff(session: Session, draft_id: str) -> bool:
    """Whether any sign-off of the draft is not stale yet (a cheap check before hashing)."""
    found = session.exec(
        select(SignOff.id)
        .where(SignOff.draft_id == draft_id, col(SignOff.stale_at).is_(None))
        .limit(1)
    ).first()
    return found is not None


def signoff(session: Session, signoff_id: str) -> SignOff | None:
    return session.get(SignOff, signoff_id)


def signoff_ids(session: Session, draft_id: str) -> Sequence[str]:
    return session.exec(select(SignOff.id).where(SignOff.draft_id == draft_id)).all()


def comments(session: Session, draft_id: str, *, only_open: bool = False) -> Sequence[Comment]:
    """The draft's comments in the order they were written (unresolved ones alone if asked)."""
    query = select(Comment).where(Comment.draft_id == draft_id)
    if only_open:
        query = query.where(Comment.resolved == False)  # noqa: E712
    return session.exec(query.order_by(col(Comment.created_at))).all()


def comment(session: Session, comment_id: str) -> Comment | None:
    return session.get(Comment, comment_id)


def comment_ids(session: Session, draft_id: str) -> Sequence[str]:
    return session.exec(select(Comment.id).where(Comment.draft_id == draft_id)).all()
