"""Failed-login bookkeeping for throttling."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from app.core.models import created_at_field, timestamp_field


class LoginThrottle(SQLModel, table=True):
    __tablename__ = "login_throttle"

    key: str = Field(primary_key=True, max_length=300)
    failures: int = 0
    first_failure_at: datetime = created_at_field()
    locked_until: datetime | None = timestamp_field(nullable=True)
