"""The workflow as data: states, who may edit which part in each, transitions with roles and
guards, and the sign-offs an assessment needs. Validated before it is saved."""

from __future__ import annotations

from collections import deque
from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from app.core.text import check_document
from app.organisations.models import Role
from app.workflow.states import DraftStatus

Part = Literal["draft", "screening", "cells", "texts"]
# The guards a policy may name; the domains that own their facts register them (see guards.py).
Guard = Literal[
    "screening_done",
    "matrix_complete",
    "justifications_present",
    "signoffs_valid",
    "not_own_draft",
    "translations_complete",
]
GUARD_NAMES: tuple[Guard, ...] = get_args(Guard)
Name = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{1,40}$")]


class PolicyModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# Every review status, inbox and guard walks the requirements over the matrix: the lists are
# bounded like the templates they refer to (app/templates/limits.py: 40 areas, 60 groups).
MAX_TRANSITIONS = 50
MAX_REQUIREMENTS = 50


class Transition(PolicyModel):
    name: Name
    from_states: list[DraftStatus] = Field(min_length=1, max_length=len(DraftStatus))
    to: DraftStatus
    roles: list[Role] = Field(max_length=len(Role))
    guards: list[Guard] = Field(default_factory=list, max_length=20)


class Scope(PolicyModel):
    """Which cells a requirement covers; empty lists mean all."""

    areas: list[str] = Field(default_factory=list, max_length=40)
    groups: list[str] = Field(default_factory=list, max_length=60)


class Requirement(PolicyModel):
    key: Name
    role: Role = Role.expert
    count: int = Field(default=1, ge=1, le=10)
    template_keys: list[str] = Field(
        default_factory=list, max_length=50, description="Empty: every template"
    )
    scope: Scope = Field(default_factory=Scope)
    allow_region: bool = Field(default=True, description="Reviewers of the region count too")
    due_days: int | None = Field(default=None, ge=1, le=365)


class WorkflowPolicy(PolicyModel):
    @model_validator(mode="before")
    @classmethod
    def _text_rule(cls, data: Any) -> Any:
        """YAML escapes (such as \0) can put any character in a document: the rule holds."""
        return check_document(data)

    edit: dict[DraftStatus, dict[Part, list[Role]]]
    transitions: list[Transition] = Field(max_length=MAX_TRANSITIONS)
    requirements: list[Requirement] = Field(default_factory=list, max_length=MAX_REQUIREMENTS)
    separation_of_duties: bool = True

    def transition(self, name: str) -> Transition | None:
        return next((t for t in self.transitions if t.name == name), None)

    def may_edit(self, status: DraftStatus, part: Part, roles: frozenset[Role]) -> bool:
        return bool(set(self.edit.get(status, {}).get(part, [])) & roles)


_WRITERS = [Role.preparer, Role.admin]
_SCORERS = [Role.preparer, Role.expert]


def _editing(*, draft: bool, cells: bool) -> dict[Part, list[Role]]:
    parts: dict[Part, list[Role]] = {}
    if draft:
        parts |= {"draft": list(_WRITERS), "screening": list(_WRITERS), "texts": list(_SCORERS)}
    if cells:
        parts["cells"] = list(_SCORERS)
    return parts


DEFAULT_POLICY = WorkflowPolicy(
    edit={
        DraftStatus.draft: _editing(draft=True, cells=True),
        DraftStatus.screening: _editing(draft=True, cells=True),
        DraftStatus.assessment: _editing(draft=True, cells=True),
        DraftStatus.in_review: {"cells": [Role.expert], "texts": [Role.expert]},
        DraftStatus.changes_requested: _editing(draft=True, cells=True),
    },
    transitions=[
        Transition(
            name="submit_for_review",
            from_states=[
                DraftStatus.screening,
                DraftStatus.assessment,
                DraftStatus.changes_requested,
            ],
            to=DraftStatus.in_review,
            roles=[Role.preparer, Role.admin],
            guards=["screening_done", "matrix_complete", "justifications_present"],
        ),
        Transition(
            name="request_changes",
            from_states=[DraftStatus.in_review],
            to=DraftStatus.changes_requested,
            roles=[Role.expert, Role.admin],
        ),
        Transition(
            name="withdraw",
            from_states=[DraftStatus.in_review],
            to=DraftStatus.changes_requested,
            roles=[Role.preparer, Role.admin],
        ),
        Transition(
            name="approve",
            from_states=[DraftStatus.in_review],
            to=DraftStatus.approved,
            roles=[Role.expert, Role.admin],
            guards=["signoffs_valid", "not_own_draft", "translations_complete"],
        ),
        Transition(
            name="reopen",
            from_states=[DraftStatus.approved],
            to=DraftStatus.changes_requested,
            roles=[Role.preparer, Role.admin],
        ),
        Transition(
            name="issue_annex",
            from_states=[DraftStatus.approved, DraftStatus.annex_issued],
            to=DraftStatus.annex_issued,
            roles=[Role.secretary, Role.preparer, Role.admin],
        ),
        Transition(
            name="attach_to_meeting",
            from_states=[DraftStatus.annex_issued, DraftStatus.attached],
            to=DraftStatus.attached,
            roles=[Role.secretary],
        ),
        Transition(
            name="record_outcome",
            from_states=[DraftStatus.attached],
            to=DraftStatus.decided,
            roles=[Role.secretary],
        ),
    ],
    requirements=[Requirement(key="hyte_expert", role=Role.expert, count=1)],
)

# Moves the services make themselves (screening, starting the matrix) join the graph here.
IMPLICIT_MOVES = {
    DraftStatus.draft: [DraftStatus.screening],
    DraftStatus.screening: [DraftStatus.assessment],
    DraftStatus.decided: [DraftStatus.assessment],
    DraftStatus.attached: [DraftStatus.assessment],
}


def problems(policy: WorkflowPolicy) -> list[str]:
    """Every reason the policy cannot be used; empty when it is sound."""
    found = []
    names = [t.name for t in policy.transitions]
    found += [
        f"transition '{n}' is defined twice" for n in sorted(set(names)) if names.count(n) > 1
    ]
    for t in policy.transitions:
        if not t.roles:
            found.append(f"transition '{t.name}' has no role that may take it")
        if t.to is DraftStatus.approved and "signoffs_valid" not in t.guards:
            found.append(f"transition '{t.name}' reaches approved without the signoffs_valid guard")
    reachable = _reachable(policy)
    if DraftStatus.approved not in reachable:
        found.append("approved cannot be reached from draft")
    elif DraftStatus.decided not in reachable:
        found.append("decided cannot be reached from draft")
    for status, parts in policy.edit.items():
        found += [
            f"edit.{status.value}.{part} names no role"
            for part, roles in parts.items()
            if not roles
        ]
    keys = [r.key for r in policy.requirements]
    found += [f"requirement '{k}' is defined twice" for k in sorted(set(keys)) if keys.count(k) > 1]
    return found


def _reachable(policy: WorkflowPolicy) -> set[DraftStatus]:
    seen, queue = {DraftStatus.draft}, deque([DraftStatus.draft])
    while queue:
        state = queue.popleft()
        targets = [t.to for t in policy.transitions if state in t.from_states and t.roles]
        for target in [*targets, *IMPLICIT_MOVES.get(state, [])]:
            if target not in seen:
                seen.add(target)
                queue.append(target)
    return seen
