"""Content-change listeners: a domain that changes a draft's content announces which parts
changed; the domains that keep facts about that content (staleness of sign-offs, the matrix
version) listen. The announcer never imports its listeners."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from sqlmodel import Session

from app.auth.principal import Principal
from app.workflow.states import DraftStatus, Subject

# What changed: the draft's fields, its alternatives, the matrix cells, the matrix's template,
# the matrix's scope (which areas and groups are assessed).
ContentScope = Literal["draft", "alternatives", "cells", "template", "scope"]


@dataclass(frozen=True)
class Loaded:
    """What the announcer already holds for this change (None: not loaded), so that a listener
    need not read it again. The workflow knows no domain model: a listener checks the types."""

    assessment: object | None = None
    template: object | None = None
    alternatives: tuple[object, ...] | None = None
    # Whether the draft may have a live sign-off, as read under the writer's lock on what it
    # changed (so a sign-off given concurrently is seen); None: not read, a listener asks.
    live_signoffs: bool | None = None


NOTHING_LOADED = Loaded()
Listener = Callable[[Session, Subject, Principal, frozenset[ContentScope], Loaded], None]

# A transition taken: (session, draft, actor, transition name, from state, to state).
TransitionListener = Callable[[Session, Subject, Principal, str, DraftStatus, DraftStatus], None]

_LISTENERS: list[Listener] = []
_TRANSITION_LISTENERS: list[TransitionListener] = []
_WIRED = False


def listen(listener: Listener) -> None:
    """Call `listener` after every announced content change (in registration order)."""
    if listener not in _LISTENERS:
        _LISTENERS.append(listener)


def on_transition(listener: TransitionListener) -> None:
    """Call `listener` after every transition taken (read models kept on state changes)."""
    if listener not in _TRANSITION_LISTENERS:
        _TRANSITION_LISTENERS.append(listener)


def transitioned(
    session: Session,
    *,
    draft: Subject,
    actor: Principal,
    name: str,
    previous: DraftStatus,
    to: DraftStatus,
) -> None:
    """Tell every transition listener, in the caller's transaction, that `name` was taken."""
    if not _WIRED:
        raise RuntimeError("the workflow's listeners are not wired: call app.wiring.install()")
    for listener in _TRANSITION_LISTENERS:
        listener(session, draft, actor, name, previous, to)


def wired() -> None:
    """Mark the listeners as complete; announcing before that is a wiring bug, not a no-op."""
    global _WIRED
    _WIRED = True


def announce(
    session: Session,
    *,
    draft: Subject,
    actor: Principal,
    scopes: frozenset[ContentScope],
    loaded: Loaded = NOTHING_LOADED,
) -> None:
    """Tell every listener, in the caller's transaction, that `scopes` of the draft changed."""
    if not _WIRED:
        raise RuntimeError("the workflow's listeners are not wired: call app.wiring.install()")
    for listener in _LISTENERS:
        listener(session, draft, actor, scopes, loaded)
