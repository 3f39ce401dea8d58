"""Bodies for stored templates."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field, model_validator

from app.core.schemas import InputModel, ReadModel
from app.templates.models import TemplateStatus


class TemplateCreate(InputModel):
    organisation_id: str = Field(max_length=36)
    definition: dict[str, Any] | None = Field(default=None, description="The template as JSON")
    yaml: str | None = Field(default=None, max_length=1_000_000, description="Or as YAML text")

    @model_validator(mode="after")
    def _one_source(self) -> TemplateCreate:
        if (self.definition is None) == (self.yaml is None):
            raise ValueError("give exactly one of definition or yaml")
        return self


class TemplateUpdate(InputModel):
    definition: dict[str, Any] | None = None
    yaml: str | None = Field(default=None, max_length=1_000_000)

    @model_validator(mode="after")
    def _one_source(self) -> TemplateUpdate:
        if (self.definition is None) == (self.yaml is None):
            raise ValueError("give exactly one of definition or yaml")
        return self


class TemplateSummary(ReadModel):
    id: str
    organisation_id: str | None
    key: str
    version: int
    kind: str
    status: TemplateStatus
    name: str
    content_hash: str
    revision: int
    updated_at: datetime


class TemplateRead(TemplateSummary):
    definition: dict[str, Any]


class TemplateIssueRead(ReadModel):
    path: str
    message: str
