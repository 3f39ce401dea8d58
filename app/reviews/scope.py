"""What a sign-off covers: the proposal and alternatives, the cells in its scope and the
template version, hashed; and the diff between what was signed and what is there now."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from app.assessments.models import AssessmentCell
from app.assessments.shape import EVERYTHING, MatrixScope
from app.audit.service import canonical_json
from app.drafts.models import DecisionDraft, DraftAlternative
from app.templates.models import AssessmentTemplate
from app.workflow.policy import Scope

_CELL_FIELDS = (
    "value",
    "cannot_assess",
    "horizon",
    "certainty",
    "justification",
    "evidence",
    "mitigation",
)


def _cell_row(cell: AssessmentCell) -> list[Any]:
    """A cell as signed: its coordinates, then its fields in _CELL_FIELDS order (diff reads it)."""
    return [
        cell.alternative,
        cell.area,
        cell.grp,
        cell.gender,
        *(getattr(cell, name) for name in _CELL_FIELDS),
    ]


def in_scope(cell: AssessmentCell, scope: Scope) -> bool:
    return (not scope.areas or cell.area in scope.areas) and (
        not scope.groups or cell.grp in scope.groups
    )


def scope_content(
    *,
    draft: DecisionDraft,
    alternatives: Sequence[DraftAlternative],
    template: AssessmentTemplate | None,
    cells: Sequence[AssessmentCell],
    scope: Scope,
    matrix_scope: MatrixScope = EVERYTHING,
) -> dict[str, Any]:
    """The exact content a sign-off with this scope approves; the assessment's scoping (the
    part of it inside this scope, and its reason) once one was chosen."""
    alternative_keys = {a.key for a in alternatives}
    content = {
        "proposal": draft.proposal,
        "alternatives": [
            {
                "key": a.key,
                "name": a.name,
                "description": a.description,
                "is_status_quo": a.is_status_quo,
            }
            for a in alternatives
        ],
        "template": None
        if template is None
        else {"id": template.id, "key": template.key, "version": template.version},
        "cells": sorted(
            (
                _cell_row(c)
                for c in cells
                if c.alternative in alternative_keys and in_scope(c, scope)
            ),
            key=lambda row: (str(row[0]), str(row[1]), str(row[2]), str(row[3])),
        ),
    }
    if matrix_scope.is_set:
        # Absent until a scope is chosen, so that sign-offs given before scoping existed
        # keep their hashes.
        content["matrix_scope"] = _scoping(matrix_scope, scope)
    return content


def _scoping(matrix_scope: MatrixScope, scope: Scope) -> dict[str, Any]:
    def within(chosen: frozenset[str] | None, covered: Sequence[str]) -> list[str] | None:
        if chosen is None:
            return None
        return sorted(k for k in chosen if not covered or k in covered)

    return {
        "areas": within(matrix_scope.areas, scope.areas),
        "groups": within(matrix_scope.groups, scope.groups),
        "reason": matrix_scope.reason,
    }


def content_hash(content: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_json(content).encode()).hexdigest()


def diff(signed: dict[str, Any], current: dict[str, Any]) -> list[dict[str, Any]]:
    """What changed since signing, one entry per changed item."""
    changes: list[dict[str, Any]] = []
    for part in ("proposal", "alternatives", "template", "matrix_scope"):
        if signed.get(part) != current.get(part):
            changes.append({"part": part, "before": signed.get(part), "after": current.get(part)})
    before = {tuple(row[:4]): row[4:] for row in signed.get("cells", [])}
    after = {tuple(row[:4]): row[4:] for row in current.get("cells", [])}
    for key in sorted(set(before) | set(after), key=lambda k: tuple(str(x) for x in k)):
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        cell = dict(zip(("alternative", "area", "group", "gender"), key, strict=True))
        changes.append(
            {
                "part": "cell",
                "cell": cell,
                "before": None if old is None else dict(zip(_CELL_FIELDS, old, strict=True)),
                "after": None if new is None else dict(zip(_CELL_FIELDS, new, strict=True)),
            }
        )
    return changes
