"""Request and response bodies of the translations API."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints

from app.core.schemas import InputModel
from app.translations.models import PATH_LENGTH

Lang = Literal["fi", "sv", "en"]
State = Literal["missing", "outdated", "done"]
Path = Annotated[str, StringConstraints(min_length=1, max_length=PATH_LENGTH)]
TranslationText = Annotated[str, StringConstraints(max_length=100_000)]
# A matrix has at most 3,000 cells per alternative with three texts each; a request that
# translates more than this is split by the caller.
MAX_TEXTS = 10_000


class TranslationItem(BaseModel):
    path: str = Field(
        description="Which text, e.g. `title` or `cell/reform/health/0-6/all/justification`"
    )
    label: str = Field(description="What the text is, in the caller's language (Accept-Language)")
    source: str = Field(description="The text in the draft's first language")
    translation: str | None = Field(description="The text in this language, if written")
    state: State = Field(
        description="missing: no translation; outdated: the source changed since it was "
        "translated; done: translated from the current source"
    )


class TranslationsRead(BaseModel):
    draft_id: str
    lang: Lang
    source_language: Lang
    missing: int
    outdated: int
    done: int
    items: list[TranslationItem]


class TranslationsWrite(InputModel):
    texts: dict[Path, TranslationText] = Field(
        max_length=MAX_TEXTS,
        description="Translations by path; an empty text removes the translation. Paths not "
        "sent are left as they are.",
    )
