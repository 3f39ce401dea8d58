"""Annex queries."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.annexes.models import Annex, AnnexFile


def get(session: Session, annex_id: str) -> Annex | None:
    return session.get(Annex, annex_id)


def last_number(session: Session, draft_id: str) -> int:
    return int(
        session.exec(
            select(func.coalesce(func.max(Annex.number), 0)).where(Annex.draft_id == draft_id)
        ).one()
    )


def of_draft(session: Session, draft_id: str) -> Sequence[Annex]:
    return session.exec(
        select(Annex)
        .where(Annex.draft_id == draft_id)
        .order_by(col(Annex.number), col(Annex.language))
    ).all()


def file(session: Session, annex_id: str, fmt: str) -> AnnexFile | None:
    return session.exec(
        select(AnnexFile).where(AnnexFile.annex_id == annex_id, AnnexFile.format == fmt)
    ).first()


def files_of(session: Session, annex_ids: Sequence[str]) -> Sequence[AnnexFile]:
    if not annex_ids:
        return []
    return session.exec(
        select(AnnexFile)
        .where(col(AnnexFile.annex_id).in_(annex_ids))
        .order_by(col(AnnexFile.format))
    ).all()


def by_sha256(session: Session, sha256: str) -> Sequence[tuple[AnnexFile, Annex]]:
    return session.exec(
        select(AnnexFile, Annex)
        .join(Annex, col(Annex.id) == col(AnnexFile.annex_id))
        .where(AnnexFile.sha256 == sha256)
    ).all()
