"""Annex bodies: what a case system needs to fetch and verify each file (Ahjo-style)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from app.core.schemas import InputModel, ReadModel


class AnnexIssue(InputModel):
    languages: list[Literal["fi", "sv", "en"]] | None = Field(
        default=None,
        min_length=1,
        max_length=3,
        description="Default: the organisation's official languages (fi and sv for bilingual ones)",
    )


class AnnexFileRead(ReadModel):
    format: str
    format_name: str
    media_type: str
    file_name: str
    hash_algorithm: str = "sha256"
    sha256: str
    size: int
    uri: str = Field(description="Stable, authenticated URL of the file")


class AnnexRead(ReadModel):
    id: str
    draft_id: str
    number: int
    language: str
    draft_version: int
    content_hash: str
    issued_at: datetime
    issued_by: str
    files: list[AnnexFileRead]


class VerificationRead(ReadModel):
    match: bool
    annex_id: str | None = None
    draft_id: str | None = None
    format: str | None = None
    language: str | None = None
    number: int | None = None
    issued_at: datetime | None = None
