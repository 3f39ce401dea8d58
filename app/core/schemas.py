"""Base classes for request and response bodies."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator

from app.core.glyphs import check_drawable
from app.core.text import check_texts

T = TypeVar("T")


class TextRuleModel(BaseModel):
    """Every string of every field, however deep, under the text rule (app.core.text)."""

    @field_validator("*", mode="after")
    @classmethod
    def _text_rule(cls, value: Any) -> Any:
        return check_texts(value)


class InputModel(TextRuleModel):
    """Request bodies: unknown fields are an error, strings are trimmed, the text rule holds,
    and text holds only characters the annex can show (app.core.glyphs), secrets excepted."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="after")
    @classmethod
    def _annex_can_show(cls, value: Any, info: ValidationInfo) -> Any:
        name = info.field_name or ""
        if "password" in name or "secret" in name:
            return value
        return check_drawable(value)


class ReadModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class Page(ReadModel, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int
