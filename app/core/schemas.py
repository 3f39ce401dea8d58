"""Base classes for request and response bodies."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, field_validator

from app.core.text import check_texts

T = TypeVar("T")


class TextRuleModel(BaseModel):
    """Every string of every field, however deep, under the text rule (app.core.text)."""

    @field_validator("*", mode="after")
    @classmethod
    def _text_rule(cls, value: Any) -> Any:
        return check_texts(value)


class InputModel(TextRuleModel):
    """Request bodies: unknown fields are an error, strings are trimmed, the text rule holds."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ReadModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class Page(ReadModel, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int
