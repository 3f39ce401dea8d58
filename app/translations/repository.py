"""Every query of translations; each is scoped to one draft (and so to its organisation)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete
from sqlmodel import Session, col, select

from app.translations.models import ContentTranslation


def of_draft(
    session: Session, draft_id: str, lang: str | None = None
) -> Sequence[ContentTranslation]:
    """The draft's translations (in one language when `lang` is given), by path."""
    query = select(ContentTranslation).where(ContentTranslation.draft_id == draft_id)
    if lang is not None:
        query = query.where(ContentTranslation.lang == lang)
    return session.exec(query.order_by(col(ContentTranslation.path))).all()


def remove(session: Session, draft_id: str, lang: str, paths: Sequence[str]) -> None:
    if paths:
        session.execute(
            delete(ContentTranslation).where(
                col(ContentTranslation.draft_id) == draft_id,
                col(ContentTranslation.lang) == lang,
                col(ContentTranslation.path).in_(list(paths)),
            )
        )
