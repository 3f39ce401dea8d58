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


class FormStash(SQLModel, table=True):
    """A form posted after the browser session lapsed, kept until the person signs in again.

    Tied to the browser by a short-lived signed cookie naming `id`; `subject` is who the lapsed
    session belonged to, and only that person gets the form back."""

    __tablename__ = "form_stash"

    id: str = Field(primary_key=True, max_length=64)
    subject: str = Field(max_length=200)
    path: str = Field(max_length=300)
    body: str  # the posted fields as a JSON list of [name, value] pairs
    created_at: datetime = created_at_field()
