"""Wiring the domains into the workflow floor: the guards they own and the content changes
they listen for. Called once by every entry point (the application, the command line)."""

from __future__ import annotations

from app.assessments import guards as assessment_guards
from app.reports import snapshots as report_snapshots
from app.reviews import guards as review_guards
from app.translations import guards as translation_guards
from app.workflow import guards, listeners


def install() -> None:
    """Register every domain's guards and listeners; refuse to run with a guard unowned."""
    assessment_guards.register()
    review_guards.register()
    translation_guards.register()
    report_snapshots.register()
    listeners.wired()
    unowned = guards.missing()
    if unowned:
        raise RuntimeError(f"workflow guards nobody registered: {', '.join(unowned)}")
