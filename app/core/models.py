"""Column helpers shared by every table."""

from __future__ import annotations

import uuid
from enum import StrEnum
from typing import Any

from sqlalchemy import Enum as SAEnum
from sqlmodel import Field

from app.core.db import UTCDateTime, utcnow


def new_id() -> str:
    return str(uuid.uuid4())


def id_field() -> Any:
    return Field(default_factory=new_id, primary_key=True, max_length=36)


def created_at_field() -> Any:
    return Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


def timestamp_field(*, nullable: bool = False, index: bool = False) -> Any:
    return Field(default=None, sa_type=UTCDateTime, nullable=nullable, index=index)


def fk(target: str, *, nullable: bool = False, index: bool = True, cascade: bool = False) -> Any:
    if cascade:
        return Field(
            default=None,
            foreign_key=target,
            nullable=nullable,
            index=index,
            max_length=36,
            ondelete="CASCADE",
        )
    return Field(default=None, foreign_key=target, nullable=nullable, index=index, max_length=36)


def enum_field(enum_type: type[StrEnum], **kwargs: Any) -> Any:
    """A StrEnum stored as its value in a VARCHAR (no native enum types to migrate)."""
    sa_enum = SAEnum(
        enum_type,
        native_enum=False,
        length=40,
        validate_strings=True,
        values_callable=lambda members: [m.value for m in members],
    )
    return Field(sa_type=sa_enum, nullable=False, **kwargs)
