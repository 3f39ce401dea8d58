"""Every query about stored templates."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.templates.models import AssessmentTemplate, TemplateStatus

SHIPPED = ""


def get(session: Session, template_id: str) -> AssessmentTemplate | None:
    return session.get(AssessmentTemplate, template_id)


def find(session: Session, *, owner: str, key: str, version: int) -> AssessmentTemplate | None:
    return session.exec(
        select(AssessmentTemplate).where(
            AssessmentTemplate.owner == owner,
            AssessmentTemplate.key == key,
            AssessmentTemplate.version == version,
        )
    ).first()


def latest_version(session: Session, *, owner: str, key: str) -> int:
    return int(
        session.exec(
            select(func.coalesce(func.max(AssessmentTemplate.version), 0)).where(
                AssessmentTemplate.owner == owner, AssessmentTemplate.key == key
            )
        ).one()
    )


def visible(
    session: Session,
    *,
    owners: frozenset[str],
    kind: str | None = None,
    status: TemplateStatus | None = None,
    key: str | None = None,
) -> Sequence[AssessmentTemplate]:
    query = select(AssessmentTemplate).where(col(AssessmentTemplate.owner).in_(owners))
    if kind is not None:
        query = query.where(AssessmentTemplate.kind == kind)
    if status is not None:
        query = query.where(AssessmentTemplate.status == status)
    if key is not None:
        query = query.where(AssessmentTemplate.key == key)
    order = (
        col(AssessmentTemplate.key),
        col(AssessmentTemplate.owner),
        col(AssessmentTemplate.version),
    )
    return session.exec(query.order_by(*order)).all()
