"""Every audit action code the service writes, so the history shows each one in words.

tests/web/test_history_words.py checks that this list holds every code the source writes and
that each has words in every language (`action.<code with _ for .>` in the web catalogue).
"""

from __future__ import annotations

from app.web.rendering import known

_WORKFLOW = (
    "submit_for_review",
    "request_changes",
    "withdraw",
    "approve",
    "reopen",
    "issue_annex",
    "attach_to_meeting",
    "record_outcome",
)
AUDIT_ACTIONS: tuple[str, ...] = (
    "draft.created",
    "draft.updated",
    "draft.screened",
    "assessment.started",
    "assessment.cells_written",
    "assessment.cells_bulk_written",
    "assessment.scope_set",
    "assessment.texts_updated",
    "assessment.template_migrated",
    "assessment.new_cycle",
    "signoff.approved",
    "signoff.changes_requested",
    "signoff.stale",
    "comment.created",
    "comment.resolved",
    "comment.reopened",
    *(f"workflow.{name}" for name in _WORKFLOW),
    "meeting.tabled",
    "annex.issued",
    "template.created",
    "template.updated",
    "template.draft",
    "template.published",
    "template.retired",
    "template.vocabulary_updated",
    "translations.updated",
    "policy.updated",
    "organisation.created",
    "organisation.updated",
    "organisation.region_changed",
    "user.created",
    "user.password_changed",
    "membership.created",
    "membership.deleted",
    "api_client.created",
    "api_client.secret_rotated",
    "api_client.deactivated",
    "case_system.created",
    "case_system.updated",
    "record_push.queued",
    "record_push.pending",
    "record_push.sent",
    "record_push.acknowledged",
    "record_push.rejected",
    "record_push.failed",
    "webhook.created",
    "webhook.updated",
    "webhook.deleted",
    "webhook.secret_rotated",
    "webhook.redelivery_requested",
)


def message_key(code: str) -> str:
    return "action." + code.replace(".", "_")


def action_words(lang: str, code: str) -> str:
    """The event in words; an unknown code (from a newer release) shows itself."""
    return known(lang, message_key(code), code)
