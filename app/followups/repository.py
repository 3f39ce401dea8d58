"""Every query of the follow-up loop, always filtered by organisation."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import delete
from sqlmodel import Session, col, select

from app.followups.models import CatalogueIndicator, FollowUp, FollowUpIndicator, FollowUpVerdict


def catalogue(session: Session, organisation_ids: Sequence[str]) -> Sequence[CatalogueIndicator]:
    return session.exec(
        select(CatalogueIndicator)
        .where(col(CatalogueIndicator.organisation_id).in_(list(organisation_ids)))
        .order_by(
            col(CatalogueIndicator.source),
            col(CatalogueIndicator.code),
            col(CatalogueIndicator.organisation_id),
        )
    ).all()


def catalogue_entry(session: Session, entry_id: str) -> CatalogueIndicator | None:
    return session.get(CatalogueIndicator, entry_id)


def of_draft(session: Session, draft_id: str) -> FollowUp | None:
    return session.exec(select(FollowUp).where(FollowUp.draft_id == draft_id)).first()


def indicators(session: Session, follow_up_id: str) -> Sequence[FollowUpIndicator]:
    return session.exec(
        select(FollowUpIndicator)
        .where(FollowUpIndicator.follow_up_id == follow_up_id)
        .order_by(col(FollowUpIndicator.position))
    ).all()


def verdicts(session: Session, follow_up_id: str) -> Sequence[FollowUpVerdict]:
    return session.exec(
        select(FollowUpVerdict)
        .where(FollowUpVerdict.follow_up_id == follow_up_id)
        .order_by(
            col(FollowUpVerdict.alternative),
            col(FollowUpVerdict.area),
            col(FollowUpVerdict.grp),
            col(FollowUpVerdict.gender),
        )
    ).all()


def drop_verdicts(session: Session, follow_up_id: str, keys: Sequence[tuple[str, ...]]) -> None:
    for alternative, area, grp, gender in keys:
        session.execute(
            delete(FollowUpVerdict).where(
                col(FollowUpVerdict.follow_up_id) == follow_up_id,
                col(FollowUpVerdict.alternative) == alternative,
                col(FollowUpVerdict.area) == area,
                col(FollowUpVerdict.grp) == grp,
                col(FollowUpVerdict.gender) == gender,
            )
        )


def of_organisations(
    session: Session,
    organisation_ids: Sequence[str],
    *,
    due_by: date | None = None,
    open_only: bool = False,
    limit: int = 500,
) -> Sequence[FollowUp]:
    query = select(FollowUp).where(col(FollowUp.organisation_id).in_(list(organisation_ids)))
    if open_only or due_by is not None:
        query = query.where(col(FollowUp.completed_at).is_(None))
    if due_by is not None:
        query = query.where(col(FollowUp.next_review_on) <= due_by)
    return session.exec(
        query.order_by(col(FollowUp.next_review_on), col(FollowUp.id)).limit(limit)
    ).all()


def verdicts_of(session: Session, follow_up_ids: Sequence[str]) -> Sequence[FollowUpVerdict]:
    if not follow_up_ids:
        return []
    return session.exec(
        select(FollowUpVerdict).where(col(FollowUpVerdict.follow_up_id).in_(list(follow_up_ids)))
    ).all()
