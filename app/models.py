"""Every table model, imported so that the metadata (and Alembic) knows them all."""

from app.annexes.models import Annex, AnnexFile
from app.assessments.models import Assessment, AssessmentCell, Screening
from app.audit.models import AuditChain, AuditEntry
from app.auth.models import FormStash, LoginThrottle
from app.core.idempotency_models import IdempotencyRecord
from app.drafts.models import DecisionDraft, DraftAlternative, DraftRevision
from app.followups.models import (
    CatalogueIndicator,
    FollowUp,
    FollowUpIndicator,
    FollowUpVerdict,
)
from app.integrations.models import (
    CaseSystemEndpoint,
    DeliveryAttempt,
    OutboxEvent,
    RecordPush,
    WebhookDelivery,
    WebhookSubscription,
    WorkerHeartbeat,
)
from app.meetings.models import MeetingItem
from app.organisations.models import ApiClient, Membership, Organisation, User
from app.reports.models import ReportApproval, ReportCell, ReportLedgerRow
from app.reviews.models import Comment, SignOff
from app.templates.models import AssessmentTemplate
from app.translations.models import ContentTranslation
from app.workflow.models import PolicyRecord

__all__ = [
    "Annex",
    "AnnexFile",
    "ApiClient",
    "Assessment",
    "AssessmentCell",
    "AssessmentTemplate",
    "AuditChain",
    "AuditEntry",
    "CaseSystemEndpoint",
    "CatalogueIndicator",
    "Comment",
    "ContentTranslation",
    "DecisionDraft",
    "DeliveryAttempt",
    "DraftAlternative",
    "DraftRevision",
    "FollowUp",
    "FollowUpIndicator",
    "FollowUpVerdict",
    "FormStash",
    "IdempotencyRecord",
    "LoginThrottle",
    "MeetingItem",
    "Membership",
    "Organisation",
    "OutboxEvent",
    "PolicyRecord",
    "RecordPush",
    "ReportApproval",
    "ReportCell",
    "ReportLedgerRow",
    "Screening",
    "SignOff",
    "User",
    "WebhookDelivery",
    "WebhookSubscription",
    "WorkerHeartbeat",
]
