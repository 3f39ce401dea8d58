"""The field types of the annex record: keys, hashes and text the PDF fonts can draw whole."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field, StringConstraints

from app.core.glyphs import check_drawable_text

Lang = Literal["fi", "sv", "en"]
# The case system of a draft that has no case in a case-management system (its id is then
# the draft's own, which the annex never prints).
INTERNAL_SYSTEM = "ennakko"
Key = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[a-z0-9_.-]+$")]


# Text the PDF fonts can draw whole: a character they lack is named, never dropped.
Text = Annotated[
    str, StringConstraints(min_length=1, max_length=500), AfterValidator(check_drawable_text)
]
LongText = Annotated[
    str, StringConstraints(min_length=1, max_length=20_000), AfterValidator(check_drawable_text)
]
Sha256 = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
Count = Annotated[int, Field(ge=0)]
Direction = Literal["positive", "neutral", "negative"]
