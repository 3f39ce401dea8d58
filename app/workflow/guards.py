"""The guard registry: each domain registers the guards it owns the facts for.

A guard answers None when it holds, or why it does not. The workflow names guards in its
policies but knows none of their facts; `missing()` lets the application refuse to start when
a guard a policy may name has no owner.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session

from app.auth.principal import Principal
from app.workflow.policy import DEFAULT_POLICY, GUARD_NAMES, WorkflowPolicy
from app.workflow.states import Subject


@dataclass
class GuardContext:
    """What a guard may look at; `facts` keeps what one guard computed for the next one."""

    session: Session
    principal: Principal
    draft: Subject
    policy: WorkflowPolicy
    facts: dict[str, Any] = field(default_factory=dict)

    def fact(self, name: str, compute: Callable[[], Any]) -> Any:
        """`compute()` once per evaluation: two guards over one summary share it."""
        if name not in self.facts:
            self.facts[name] = compute()
        return self.facts[name]


GuardCheck = Callable[[GuardContext], str | None]
_REGISTRY: dict[str, GuardCheck] = {}


def register(name: str, check: GuardCheck) -> None:
    """Register the check behind guard `name` (a second owner for one name is a bug)."""
    if name not in GUARD_NAMES:
        raise ValueError(f"'{name}' is not a guard a policy can name")
    if _REGISTRY.get(name, check) is not check:
        raise ValueError(f"guard '{name}' is registered twice")
    _REGISTRY[name] = check


def missing(policy: WorkflowPolicy = DEFAULT_POLICY) -> list[str]:
    """Guards that a policy can name (or that `policy` names) with no registered check."""
    named = set(GUARD_NAMES) | {g for t in policy.transitions for g in t.guards}
    return sorted(name for name in named if name not in _REGISTRY)


def failures(ctx: GuardContext, names: list[str]) -> list[tuple[str, str]]:
    """(guard, why) for each named guard that does not hold, in the policy's order."""
    unowned = [name for name in names if name not in _REGISTRY]
    if unowned:
        raise RuntimeError(f"no domain registered the guards {unowned}")
    return [(name, message) for name in names if (message := _REGISTRY[name](ctx))]
