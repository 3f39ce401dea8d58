"""The annex record: a typed, versioned JSON document from which every annex format is rendered.

Names and labels inside the record are already in the annex's language; the renderers only
translate their own fixed labels.
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from app.core.glyphs import drawable_error, undrawable_character

SCHEMA_ID = "ennakko.annex/1"
SCHEMA_PATH = Path(__file__).with_name("annex-record.schema.json")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

Lang = Literal["fi", "sv", "en"]
# The case system of a draft that has no case in a case-management system (its id is then
# the draft's own, which the annex never prints).
INTERNAL_SYSTEM = "ennakko"
Key = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[a-z0-9_.-]+$")]


def _drawable(value: str) -> str:
    """Text the PDF fonts can draw whole: a character they lack is named, never dropped."""
    char = undrawable_character(value)
    if char is not None:
        raise drawable_error(char)
    return value


Text = Annotated[str, StringConstraints(min_length=1, max_length=500), AfterValidator(_drawable)]
LongText = Annotated[
    str, StringConstraints(min_length=1, max_length=20_000), AfterValidator(_drawable)
]
Sha256 = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
Count = Annotated[int, Field(ge=0)]
Direction = Literal["positive", "neutral", "negative"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CaseRef(_Model):
    id: Text
    label: Text
    system: Text


class TemplateRef(_Model):
    key: Key
    name: Text
    version: Text


class Proposal(_Model):
    """The decision proposal and its background as the draft states them, abridged at a
    sentence when long (the decision document carries the full text)."""

    text: LongText | None = None
    background: LongText | None = None
    abridged: bool = False


class Identification(_Model):
    organisation_name: Text
    organisation_logo_png: str | None = Field(None, description="Base64 PNG, at most ~200 kB")
    title: Text
    case: CaseRef
    decision_body: Text
    meeting_date: date | None = None
    preparer: Text
    presenting_official: Text | None = None
    template: TemplateRef

    @field_validator("organisation_logo_png")
    @classmethod
    def _png(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if len(value) > 300_000:
            raise ValueError("logo is larger than 200 kB")
        try:
            raw = base64.b64decode(value, validate=True)
        except binascii.Error as exc:
            raise ValueError("logo is not valid base64") from exc
        if not raw.startswith(PNG_SIGNATURE):
            raise ValueError("logo is not a PNG image")
        return value


class RecordsManagement(_Model):
    """JHS 191 records-management metadata."""

    document_type: Text
    publicity_class: Literal["public", "partly_secret", "secret", "non_public"]
    publicity_reason: Text | None = Field(None, description="Legal ground for secrecy")
    personal_data_class: Literal[
        "no_personal_data", "personal_data", "special_categories", "criminal_records"
    ]
    retention_years: Annotated[int, Field(ge=1, le=200)] | None = Field(
        None, description="Retention period in years; null means kept permanently"
    )


class ScreeningAnswer(_Model):
    question: Text
    answer: Literal["yes", "no", "unknown"] = Field(
        description="The chosen option, if any, is in note"
    )
    note: LongText | None = None


class Screening(_Model):
    outcome: Literal["full", "light", "not_needed"]
    reason: LongText
    answers: list[ScreeningAnswer] = []


class Alternative(_Model):
    key: Key
    name: Text
    description: LongText | None = None
    is_status_quo: bool = False


class ScaleValue(_Model):
    value: Annotated[int, Field(ge=-3, le=3)]
    symbol: Annotated[str, StringConstraints(min_length=1, max_length=4)]
    direction: Direction
    label: Text


class Scale(_Model):
    values: Annotated[list[ScaleValue], Field(min_length=2)]
    cannot_assess_symbol: Literal["?"] = "?"

    @model_validator(mode="after")
    def _consistent(self) -> Scale:
        values = [v.value for v in self.values]
        if len(set(values)) != len(values):
            raise ValueError("scale values must be unique")
        for v in self.values:
            expected = "positive" if v.value > 0 else "negative" if v.value < 0 else "neutral"
            if v.direction != expected:
                raise ValueError(f"scale value {v.value} must have direction {expected}")
        return self


class Area(_Model):
    key: Key
    name: Text
    group_name: Text | None = None
    groups: list[Key] | None = Field(
        None,
        description="The groups assessed in this area (absent: every group); the others, and "
        "parent groups, are not applicable to it rather than unassessed",
    )


class Group(_Model):
    key: Key
    name: Text
    parent: Key | None = None


class Gender(_Model):
    key: Key = Field(description='"all" means the group as a whole')
    name: Text


class Cell(_Model):
    area: Key
    group: Key
    gender: Key
    status: Literal["assessed", "cannot_assess", "not_assessed"]
    value: Annotated[int, Field(ge=-3, le=3)] | None = None
    horizon: Key | None = None
    certainty: Literal["low", "medium", "high"] | None = None
    justification: LongText | None = None
    evidence: LongText | None = None
    mitigation: LongText | None = None

    @model_validator(mode="after")
    def _value_iff_assessed(self) -> Cell:
        if (self.status == "assessed") != (self.value is not None):
            raise ValueError("value is required exactly when status is 'assessed'")
        return self


class AlternativeMatrix(_Model):
    alternative: Key
    cells: list[Cell]


class AlternativeSummary(_Model):
    alternative: Key
    positive: Count
    neutral: Count
    negative: Count
    cannot_assess: Count
    not_assessed: Count
    scoped_out: Count = Field(0, description="Cells outside the assessment's scope")
    completeness_percent: Annotated[float, Field(ge=0, le=100)] = Field(
        description="Of the cells in scope"
    )


class Scoping(_Model):
    """The areas and groups judged relevant (absent: every one); the cells outside are
    *scoped out*: stated not significantly affected, for the one reason given."""

    areas: list[Key] | None = None
    groups: list[Key] | None = None
    reason: LongText


class CumulativeImpact(_Model):
    group: Key
    alternative: Key
    negative_areas: Annotated[list[Key], Field(min_length=1)]


class GenderGap(_Model):
    area: Key
    group: Key
    alternative: Key
    women: Annotated[int, Field(ge=-3, le=3)] | None
    men: Annotated[int, Field(ge=-3, le=3)] | None


class MissingJustification(_Model):
    alternative: Key
    area: Key
    group: Key
    gender: Key


class Findings(_Model):
    cumulative: list[CumulativeImpact] = []
    gender_gaps: list[GenderGap] = []
    missing_justifications: list[MissingJustification] = []


class Comparison(_Model):
    text: LongText | None = None
    recommended_alternative: Key | None = None


class Statement(_Model):
    body: Text
    given_on: date
    summary: LongText
    url: Text | None = None


class Participation(_Model):
    description: LongText | None = None
    statements: list[Statement] = []


class DataSource(_Model):
    title: Text
    publisher: Text | None = None
    year: Annotated[int, Field(ge=1800, le=2200)] | None = None
    url: Text | None = None


class Indicator(_Model):
    name: Text
    baseline: Text | None = None
    target: Text | None = None
    data_source: Text | None = None
    review_on: date | None = None
    responsible: Text | None = None


class Approval(_Model):
    reviewer_name: Text
    role: Text
    decision: Literal["approved", "changes_requested"]
    decided_at: AwareDatetime
    content_hash: Sha256
    stale: bool = False
    comment: LongText | None = None


class AnnexRecord(_Model):
    """Everything an annex shows, in DOMAIN.md's section order."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, title="Ennakko annex record (ennakko.annex/1)"
    )

    schema_version: Literal["ennakko.annex/1"]
    language: Lang
    identification: Identification
    records_management: RecordsManagement
    draft_version: Annotated[int, Field(ge=1)]
    content_hash: Sha256
    proposal: Proposal = Proposal()
    text_language: Lang | None = Field(
        None,
        description="The language the texts people wrote are in, when some are shown in it "
        "rather than in the annex's language (they are marked with that language)",
    )
    untranslated: list[Annotated[str, StringConstraints(min_length=1, max_length=300)]] | None = (
        Field(
            None,
            description="The texts (by path, e.g. `title`, `alternative/reform/name`) shown in "
            "text_language because they have no current translation; absent in records made "
            "before translations, where every text people wrote is in text_language",
        )
    )
    screening: Screening
    alternatives: list[Alternative] = []
    scale: Scale
    areas: list[Area] = []
    groups: list[Group] = []
    genders: list[Gender] = []
    scoping: Scoping | None = None
    matrix: list[AlternativeMatrix] = []
    summary: list[AlternativeSummary] = []
    findings: Findings = Findings()
    comparison: Comparison = Comparison()
    mitigation: LongText | None = None
    participation: Participation = Participation()
    data_sources: list[DataSource] = []
    follow_up_indicators: list[Indicator] = []
    approvals: list[Approval] = []
    issued_at: AwareDatetime

    @model_validator(mode="after")
    def _references_resolve(self) -> AnnexRecord:
        _check_references(self)
        return self


def _unique(kind: str, keys: list[str]) -> set[str]:
    if len(set(keys)) != len(keys):
        raise ValueError(f"{kind} keys must be unique")
    return set(keys)


def _known(kind: str, key: str | None, known: set[str]) -> None:
    if key is not None and key not in known:
        raise ValueError(f"unknown {kind} {key!r}")


def _check_references(record: AnnexRecord) -> None:
    alts = _unique("alternative", [a.key for a in record.alternatives])
    areas = _unique("area", [a.key for a in record.areas])
    groups = _unique("group", [g.key for g in record.groups])
    genders = _unique("gender", [g.key for g in record.genders])
    scale = {v.value for v in record.scale.values}
    for group in record.groups:
        _known("group", group.parent, groups)
    for area in record.areas:
        for key in area.groups or ():
            _known("group", key, groups)
    if record.scoping is not None:
        for key in record.scoping.areas or ():
            _known("area", key, areas)
        for key in record.scoping.groups or ():
            _known("group", key, groups)
    for matrix in record.matrix:
        _known("alternative", matrix.alternative, alts)
        seen: set[tuple[str, str, str]] = set()
        for cell in matrix.cells:
            _known("area", cell.area, areas)
            _known("group", cell.group, groups)
            _known("gender", cell.gender, genders)
            if cell.value is not None and cell.value not in scale:
                raise ValueError(f"value {cell.value} is not on the scale")
            if (cell.area, cell.group, cell.gender) in seen:
                raise ValueError(f"duplicate cell {cell.area}/{cell.group}/{cell.gender}")
            seen.add((cell.area, cell.group, cell.gender))
    for summary in record.summary:
        _known("alternative", summary.alternative, alts)
    _check_findings(record.findings, alts, areas, groups, genders)
    _known("alternative", record.comparison.recommended_alternative, alts)


def _check_findings(
    findings: Findings, alts: set[str], areas: set[str], groups: set[str], genders: set[str]
) -> None:
    for cum in findings.cumulative:
        _known("alternative", cum.alternative, alts)
        _known("group", cum.group, groups)
        for area in cum.negative_areas:
            _known("area", area, areas)
    for gap in findings.gender_gaps:
        _known("alternative", gap.alternative, alts)
        _known("area", gap.area, areas)
        _known("group", gap.group, groups)
    for missing in findings.missing_justifications:
        _known("alternative", missing.alternative, alts)
        _known("area", missing.area, areas)
        _known("group", missing.group, groups)
        _known("gender", missing.gender, genders)


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the annex record."""
    schema = AnnexRecord.model_json_schema(mode="validation")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"urn:ennakko:schema:{SCHEMA_ID}",
        **schema,
    }


def json_schema_text() -> str:
    """The JSON Schema as the exact text committed beside this module."""
    return json.dumps(json_schema(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def write_json_schema(path: Path = SCHEMA_PATH) -> Path:
    """Write the JSON Schema next to this module (documentation; a test checks for drift)."""
    path.write_text(json_schema_text(), encoding="utf-8")
    return path


def load_record(path: Path) -> AnnexRecord:
    """Read and validate an annex record from a JSON file."""
    return AnnexRecord.model_validate_json(path.read_bytes())


if __name__ == "__main__":
    print(write_json_schema())
