"""Every query about meeting items."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, col, select

from app.meetings.models import MeetingItem


def items(session: Session, draft_id: str) -> Sequence[MeetingItem]:
    """The draft's meeting items in the order they were attached."""
    return session.exec(
        select(MeetingItem)
        .where(MeetingItem.draft_id == draft_id)
        .order_by(col(MeetingItem.attached_at))
    ).all()
