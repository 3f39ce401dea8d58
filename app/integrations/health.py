"""Whether deliveries flow: what `/readyz` tells an operator about the outbox and its workers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from app.integrations import repository as repo


@dataclass(frozen=True)
class DeliveryHealth:
    oldest_due_seconds: float | None  # how long the longest-waiting due delivery has waited
    heartbeat_seconds: float | None  # since the last sign of life of any worker
    stall_after: float

    @property
    def stalled(self) -> bool:
        """A delivery is overdue and no worker has shown life for as long: nobody delivers."""
        if self.oldest_due_seconds is None or self.oldest_due_seconds < self.stall_after:
            return False
        return self.heartbeat_seconds is None or self.heartbeat_seconds >= self.stall_after

    def as_dict(self) -> dict[str, object]:
        return {
            "stalled": self.stalled,
            "oldest_due_seconds": self.oldest_due_seconds,
            "worker_heartbeat_seconds": self.heartbeat_seconds,
        }


def delivery_health(session: Session, *, now: datetime, stall_after: float) -> DeliveryHealth:
    """The age of the oldest due delivery and of the last worker heartbeat."""
    due_at = repo.oldest_due_at(session, now=now)
    beat_at = repo.last_heartbeat_at(session)
    return DeliveryHealth(
        oldest_due_seconds=None if due_at is None else round((now - due_at).total_seconds(), 1),
        heartbeat_seconds=None if beat_at is None else round((now - beat_at).total_seconds(), 1),
        stall_after=stall_after,
    )
