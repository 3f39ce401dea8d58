"""What the pages read from a template definition, in one place and in one language."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from app.assessments import screening
from app.assessments.shape import ALL_GENDERS
from app.templates.definition import TemplateDefinition
from app.templates.elements import AnswerType, LocalizedText, Question


def text(value: LocalizedText | None, lang: str) -> str:
    return value.text(lang) if value is not None else ""


@dataclass(frozen=True)
class QuestionView:
    key: str
    number: int
    label: str
    help: str
    options: list[tuple[str, str]]
    condition: str


def _options(question: Question, lang: str, t: Callable[..., str]) -> list[tuple[str, str]]:
    if question.answer is AnswerType.yes_no:
        return [("yes", t("answer.yes")), ("no", t("answer.no"))]
    return [(option.key, option.name.text(lang)) for option in question.options]


def questions(
    definition: TemplateDefinition, lang: str, t: Callable[..., str]
) -> list[QuestionView]:
    """The screening questions with their answer options, and when a question applies."""
    if definition.screening is None:
        return []
    found = definition.screening.questions
    numbers = {q.key: n for n, q in enumerate(found, start=1)}
    labels = {q.key: dict(_options(q, lang, t)) for q in found}
    views = []
    for q in found:
        condition = ""
        if q.ask_if:
            parts = [
                t(
                    "screening.ask_if_part",
                    number=numbers.get(key, "?"),
                    answers=" / ".join(labels.get(key, {}).get(a, a) for a in accepted),
                )
                for key, accepted in q.ask_if.items()
            ]
            condition = t("screening.ask_if", parts="; ".join(parts))
        views.append(
            QuestionView(
                q.key,
                numbers[q.key],
                q.text.text(lang),
                text(q.help, lang),
                _options(q, lang, t),
                condition,
            )
        )
    return views


def answer_keys(definition: TemplateDefinition) -> dict[str, tuple[str, ...]]:
    if definition.screening is None:
        return {}
    return {q.key: q.answer_keys() for q in definition.screening.questions}


def applicable_answers(
    definition: TemplateDefinition, answers: Mapping[str, str]
) -> dict[str, str]:
    """Only the answers to questions that apply (an answer left in a skipped one is dropped)."""
    return dict(definition.asked_answers(answers)) if definition.screening else dict(answers)


@dataclass(frozen=True)
class Outcome:
    outcome: str
    rule: str | None
    reason: str


def outcome_of(definition: TemplateDefinition, answers: Mapping[str, str], lang: str) -> Outcome:
    """What the rules give for these answers, with the rule's own explanation."""
    outcome, rule = screening.evaluate(definition, dict(answers))
    return Outcome(outcome.value, rule, rule_reason(definition, rule, lang))


def rule_reason(definition: TemplateDefinition, rule: str | None, lang: str) -> str:
    if definition.screening is None:
        return ""
    if rule is None:
        return definition.screening.default_reason.text(lang)
    try:
        return definition.rule(rule).reason.text(lang)
    except KeyError:
        return ""


@dataclass(frozen=True)
class ScaleOption:
    value: str
    symbol: str
    label: str
    direction: str


@dataclass(frozen=True)
class MatrixNames:
    areas: dict[str, str]
    area_help: dict[str, str]
    groups: dict[str, str]
    genders: dict[str, str]
    scale: list[ScaleOption]
    cannot_assess: ScaleOption | None


def matrix_names(definition: TemplateDefinition, lang: str, all_genders: str) -> MatrixNames:
    """Areas, groups, genders and the scale (highest value first) by key, in `lang`."""
    scale, cannot = [], None
    if definition.scale is not None:
        for v in sorted(definition.scale.values, key=lambda item: -item.value):
            scale.append(ScaleOption(str(v.value), v.symbol, v.label.text(lang), v.direction.value))
        c = definition.scale.cannot_assess
        cannot = ScaleOption("", c.symbol, c.label.text(lang), "cannot")
    genders = {g.key: g.name.text(lang) for g in definition.gender_breakdown.genders}
    return MatrixNames(
        areas={a.key: a.name.text(lang) for a in definition.areas},
        area_help={a.key: text(a.help, lang) for a in definition.areas},
        groups={g.key: g.name.text(lang) for g in definition.population_groups},
        genders=genders | {ALL_GENDERS: all_genders},
        scale=scale,
        cannot_assess=cannot,
    )


def template_name(definition: TemplateDefinition, lang: str) -> str:
    return definition.name.text(lang)


def template_description(definition: TemplateDefinition, lang: str) -> str:
    return definition.description.text(lang)
