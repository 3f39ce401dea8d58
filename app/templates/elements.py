"""The parts a template is built of: keys and texts, the matrix's rows, columns and scale, and
the screening's questions and rules. `TemplateDefinition` (definition.py) puts them together."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

from annotated_types import MinLen
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StringConstraints,
    model_validator,
)
from pydantic_core import PydanticCustomError

LANGUAGES = ("fi", "sv", "en")
ALL_GENDERS = "all"
YES, NO = "yes", "no"
_KEY = re.compile(r"[a-z0-9]+(?:[_-][a-z0-9]+)*")


def _key(value: object) -> object:
    if isinstance(value, bool):
        raise PydanticCustomError(
            "key_bool", "YAML reads yes/no/on/off as true/false: quote the key"
        )
    if isinstance(value, str) and not _KEY.fullmatch(value):
        raise PydanticCustomError(
            "key_pattern", f"{value!r} is not a key: use lowercase letters, digits, '_' and '-'"
        )
    return value


def _answers(value: object) -> object:
    # YAML 1.1 reads an unquoted yes/no as a boolean; in an answer it can only mean the answer.
    items = value if isinstance(value, list | tuple) else [value]
    return tuple(YES if item is True else NO if item is False else item for item in items)


Key = Annotated[str, StringConstraints(strict=True, max_length=64), BeforeValidator(_key)]
Text = Annotated[
    str, StringConstraints(strict=True, strip_whitespace=True, min_length=1, max_length=4000)
]
Symbol = Annotated[
    str, StringConstraints(strict=True, strip_whitespace=True, min_length=1, max_length=4)
]
Answers = Annotated[
    tuple[Annotated[str, StringConstraints(strict=True)], ...], MinLen(1), BeforeValidator(_answers)
]
# question key -> accepted answers; every question must have one of its answers
Match = Annotated[dict[str, Answers], MinLen(1)]


class FrozenModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TemplateKind(StrEnum):
    screening = "screening"
    matrix = "matrix"


class PublicationStatus(StrEnum):
    draft = "draft"
    published = "published"
    retired = "retired"


class Direction(StrEnum):
    positive = "positive"
    neutral = "neutral"
    negative = "negative"


class Outcome(StrEnum):
    full = "full"
    light = "light"
    not_needed = "not_needed"


class AnswerType(StrEnum):
    yes_no = "yes_no"
    choice = "choice"


class QuestionTopic(StrEnum):
    exemption = "exemption"
    trigger = "trigger"
    gender = "gender"


class LocalizedText(FrozenModel):
    fi: Text
    sv: Text
    en: Text

    @model_validator(mode="before")
    @classmethod
    def _every_language(cls, data: Any) -> Any:
        if isinstance(data, LocalizedText):
            return data
        if not isinstance(data, Mapping):
            raise PydanticCustomError("translations", "give the text in fi, sv and en")
        missing = [
            lang
            for lang in LANGUAGES
            if data.get(lang) is None
            or (isinstance(data.get(lang), str) and not data[lang].strip())
        ]
        if missing:
            plural = "s" if len(missing) > 1 else ""
            raise PydanticCustomError(
                "missing_translation", f"missing {', '.join(missing)} translation{plural}"
            )
        return data

    def text(self, language: str) -> str:
        """The text in `language` (fi, sv or en)."""
        return str(getattr(self, language if language in LANGUAGES else "fi"))


class Choice(FrozenModel):
    key: Key
    name: LocalizedText
    help: LocalizedText | None = None


class AreaGroup(Choice):
    pass


class Horizon(Choice):
    pass


class Gender(Choice):
    # the shared vocabulary's gender (app/templates/vocabulary.py) that reports count this in
    canonical: Key | None = None


class Option(Choice):
    pass


class CertaintyLevel(Choice):
    pass


class PopulationGroup(Choice):
    parent: Key | None = None
    # the shared vocabulary's group (app/templates/vocabulary.py); a leaf inherits its parent's
    canonical: Key | None = None


class ImpactArea(FrozenModel):
    key: Key
    area_group: Key
    name: LocalizedText
    help: LocalizedText
    # population groups (leaf or parent) the area is assessed for; None means every leaf group
    groups: tuple[Key, ...] | None = Field(default=None, min_length=1)


class ScaleValue(FrozenModel):
    value: StrictInt
    symbol: Symbol
    direction: Direction
    label: LocalizedText


class CannotAssess(FrozenModel):
    symbol: Symbol = "?"
    label: LocalizedText


class Scale(FrozenModel):
    values: tuple[ScaleValue, ...] = Field(min_length=2)
    neutral: StrictInt
    cannot_assess: CannotAssess
    justification_required_for_non_neutral: StrictBool = True


class GenderBreakdown(FrozenModel):
    enabled: StrictBool = False
    genders: tuple[Gender, ...] = ()
    # the two genders compared for gender gaps; default women and men when both exist
    gap_between: tuple[Key, Key] | None = None


class CellFields(FrozenModel):
    certainty: StrictBool = False
    evidence: StrictBool = False
    mitigation: StrictBool = False


def holds(match: Mapping[str, tuple[str, ...]], answers: Mapping[str, str]) -> bool:
    return all(answers.get(question) in accepted for question, accepted in match.items())


class Question(FrozenModel):
    key: Key
    text: LocalizedText
    help: LocalizedText | None = None
    topic: QuestionTopic = QuestionTopic.trigger
    answer: AnswerType
    options: tuple[Option, ...] = ()
    ask_if: Match | None = None

    def answer_keys(self) -> tuple[str, ...]:
        """The answers this question accepts."""
        if self.answer is AnswerType.yes_no:
            return (YES, NO)
        return tuple(option.key for option in self.options)


class Rule(FrozenModel):
    key: Key
    outcome: Outcome
    reason: LocalizedText
    when: Match | None = None
    any: tuple[Match, ...] = ()
    all: tuple[Match, ...] = ()

    def matches(self, answers: Mapping[str, str]) -> bool:
        """`when` holds, at least one `any` mapping holds and every `all` mapping holds."""
        return (
            (self.when is None or holds(self.when, answers))
            and (not self.any or any(holds(m, answers) for m in self.any))
            and all(holds(m, answers) for m in self.all)
        )


class Screening(FrozenModel):
    questions: tuple[Question, ...] = Field(min_length=1)
    rules: tuple[Rule, ...] = ()
    default_outcome: Outcome
    default_reason: LocalizedText


class SuggestWhen(FrozenModel):
    outcomes: tuple[Outcome, ...] = ()
    decision_bodies: tuple[Text, ...] = ()
    decision_types: tuple[Text, ...] = ()
    min_budget_eur: StrictInt | None = Field(default=None, ge=0)

    def matches(
        self,
        *,
        decision_body: str,
        decision_type: str,
        budget_eur: Decimal | int | None,
        outcome: str | None,
    ) -> bool:
        """Every criterion given here holds (names compare case-insensitively)."""
        if self.outcomes and outcome not in self.outcomes:
            return False
        if self.decision_bodies and not _named(decision_body, self.decision_bodies):
            return False
        if self.decision_types and not _named(decision_type, self.decision_types):
            return False
        return self.min_budget_eur is None or (
            budget_eur is not None and budget_eur >= self.min_budget_eur
        )


def _named(value: str, names: Sequence[str]) -> bool:
    return value.strip().casefold() in {name.casefold() for name in names}
