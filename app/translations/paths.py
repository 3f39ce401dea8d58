"""The names of the texts that reach the annex, as translations and the annex record use them.

`title`, `proposal`, `background`, `decision_body`, `screening/reason`,
`alternative/{key}/name|description`, `assessment/comparison|mitigation|participation` and
`cell/{alternative}/{area}/{group}/{gender}/justification|evidence|mitigation`.
"""

from __future__ import annotations

import hashlib
from typing import Literal

TITLE = "title"
PROPOSAL = "proposal"
BACKGROUND = "background"
DECISION_BODY = "decision_body"
SCREENING_REASON = "screening/reason"
AlternativeField = Literal["name", "description"]
AssessmentField = Literal["comparison", "mitigation", "participation"]
CellField = Literal["justification", "evidence", "mitigation"]
CELL_FIELDS: tuple[CellField, ...] = ("justification", "evidence", "mitigation")
ASSESSMENT_FIELDS: tuple[AssessmentField, ...] = ("comparison", "mitigation", "participation")


def alternative(key: str, field: AlternativeField) -> str:
    return f"alternative/{key}/{field}"


def assessment(field: AssessmentField) -> str:
    return f"assessment/{field}"


def cell(alternative: str, area: str, group: str, gender: str, field: CellField) -> str:
    return f"cell/{alternative}/{area}/{group}/{gender}/{field}"


def source_hash(text: str) -> str:
    """What a translation remembers of its source: a changed source is a different hash."""
    return hashlib.sha256(text.encode()).hexdigest()


def counts(text: str | None) -> bool:
    """Only a source text with something in it is translated (and shown in the annex)."""
    return bool((text or "").strip())


def max_length(path: str) -> int:
    """The longest translation of the text at `path`: as long as its source may be."""
    if path == DECISION_BODY:
        return 200
    if path == TITLE or (path.startswith("alternative/") and path.endswith("/name")):
        return 300
    if path in (PROPOSAL, BACKGROUND):
        return 100_000
    return 20_000
