"""Every table model, imported so that the metadata (and Alembic) knows them all."""

from app.audit.models import AuditEntry, AuditHead
from app.auth.models import LoginThrottle
from app.core.idempotency_models import IdempotencyRecord
from app.organisations.models import ApiClient, Membership, Organisation, User

__all__ = [
    "ApiClient",
    "AuditEntry",
    "AuditHead",
    "IdempotencyRecord",
    "LoginThrottle",
    "Membership",
    "Organisation",
    "User",
]
