"""Translations of a draft's texts into its other languages, one row per text and language."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel

from app.core.models import created_at_field, fk

# cell/{alternative 40}/{area 80}/{group 80}/{gender 40}/justification fits with room to spare
PATH_LENGTH = 300


class ContentTranslation(SQLModel, table=True):
    """The text at `path` of a draft in `lang`, and the hash of the source text it translates:
    when the source changes, the hashes differ and the translation is outdated."""

    __tablename__ = "content_translation"

    draft_id: str = Field(
        foreign_key="decision_draft.id", primary_key=True, max_length=36, ondelete="CASCADE"
    )
    lang: str = Field(primary_key=True, max_length=8)
    path: str = Field(primary_key=True, max_length=PATH_LENGTH)
    organisation_id: str = fk("organisation.id")
    text: str = Field(sa_column=Column(Text, nullable=False))
    source_hash: str = Field(max_length=64)
    updated_at: datetime = created_at_field()
    updated_by: str = Field(default="", max_length=200)
