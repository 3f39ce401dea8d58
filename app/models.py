"""Every table model, imported so that the metadata (and Alembic) knows them all."""

from app.assessments.models import Assessment, AssessmentCell, Screening
from app.audit.models import AuditEntry, AuditHead
from app.auth.models import LoginThrottle
from app.core.idempotency_models import IdempotencyRecord
from app.drafts.models import DecisionDraft, DraftAlternative, DraftRevision
from app.integrations.models import (
    DeliveryAttempt,
    OutboxEvent,
    WebhookDelivery,
    WebhookSubscription,
)
from app.organisations.models import ApiClient, Membership, Organisation, User
from app.reviews.models import Comment, PolicyRecord, SignOff
from app.templates.models import AssessmentTemplate

__all__ = [
    "ApiClient",
    "Assessment",
    "AssessmentCell",
    "AssessmentTemplate",
    "AuditEntry",
    "AuditHead",
    "Comment",
    "DecisionDraft",
    "DeliveryAttempt",
    "DraftAlternative",
    "DraftRevision",
    "IdempotencyRecord",
    "LoginThrottle",
    "Membership",
    "Organisation",
    "OutboxEvent",
    "PolicyRecord",
    "Screening",
    "SignOff",
    "User",
    "WebhookDelivery",
    "WebhookSubscription",
]
