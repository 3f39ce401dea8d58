"""The translations' part in the workflow: the guard that every source text has a current
translation in each of the draft's other languages. Registered by `register()`."""

from __future__ import annotations

from app.drafts import service as drafts
from app.translations import service as translations
from app.workflow import guards
from app.workflow.guards import GuardContext


def _translations_complete(ctx: GuardContext) -> str | None:
    counts = translations.untranslated_counts(ctx.session, drafts.as_draft(ctx.session, ctx.draft))
    missing = [f"{count} in {lang}" for lang, count in counts.items() if count]
    return f"texts not translated: {', '.join(missing)}" if missing else None


def register() -> None:
    guards.register("translations_complete", _translations_complete)
