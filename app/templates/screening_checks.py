"""The screening checks of a template: every question an `ask_if` or a rule names is asked
before it, with answers it can have, and each question's options fit its kind of answer."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from app.templates.elements import NO, YES
from app.templates.issues import Issue, Loc, as_str, get_in, items_at, keys_of


def _answer_list(value: object) -> list[str]:
    items = value if isinstance(value, list) else [value]
    return [
        YES if item is True else NO if item is False else item
        for item in items
        if isinstance(item, str | bool)
    ]


def _check_match(
    match: object, loc: Loc, answers: Mapping[str, tuple[str, ...]], later: Iterable[str] = ()
) -> list[Issue]:
    if not isinstance(match, dict):
        return []
    issues = []
    for question, accepted in match.items():
        if question not in answers:
            problem = f"question {question!r} is asked later" if question in later else None
            issues.append(Issue((*loc, str(question)), problem or f"unknown question {question!r}"))
            continue
        expected = ", ".join(answers[question])
        issues += [
            Issue(
                (*loc, question),
                f"unknown answer {answer!r} for question {question!r} (expected {expected})",
            )
            for answer in _answer_list(accepted)
            if answer not in answers[question]
        ]
    return issues


def _question_answers(loc: Loc, question: Mapping[str, Any]) -> tuple[tuple[str, ...], list[Issue]]:
    options = question.get("options")
    if question.get("answer") == "yes_no":
        problem = "a yes/no question has the fixed options yes and no" if options else None
        return (YES, NO), [Issue((*loc, "options"), problem)] if problem else []
    keys = tuple(keys_of(items_at(options, (*loc, "options"))))
    if question.get("answer") == "choice" and (not isinstance(options, list) or len(options) < 2):
        return keys, [Issue((*loc, "options"), "a choice question needs at least two options")]
    return keys, []


def check_screening(data: Mapping[str, Any]) -> list[Issue]:
    answers: dict[str, tuple[str, ...]] = {}
    questions = items_at(get_in(data, "screening", "questions"), ("screening", "questions"))
    issues = []
    for loc, question in questions:
        # ask_if may only look at questions asked before this one
        later = set(keys_of(questions)) - set(answers)
        issues += _check_match(question.get("ask_if"), (*loc, "ask_if"), answers, later)
        accepted, problems = _question_answers(loc, question)
        issues += problems
        if (key := as_str(question.get("key"))) is not None:
            answers[key] = accepted
    for loc, rule in items_at(get_in(data, "screening", "rules"), ("screening", "rules")):
        if not any(rule.get(clause) for clause in ("when", "any", "all")):
            issues.append(Issue(loc, "a rule needs at least one of when, any and all"))
        issues += _check_match(rule.get("when"), (*loc, "when"), answers)
        for clause in ("any", "all"):
            matches = rule.get(clause)
            for index, match in enumerate(matches if isinstance(matches, list) else []):
                issues += _check_match(match, (*loc, clause, index), answers)
    return issues
