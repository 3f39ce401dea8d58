"""Tenants, people, their roles, and the systems that call the API."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.core.models import created_at_field, enum_field, fk, id_field


class OrganisationKind(StrEnum):
    municipality = "municipality"
    wellbeing_services_county = "wellbeing_services_county"
    regional_council = "regional_council"
    joint_authority = "joint_authority"


class Role(StrEnum):
    preparer = "preparer"
    expert = "expert"
    secretary = "secretary"
    admin = "admin"


class Organisation(SQLModel, table=True):
    __tablename__ = "organisation"

    id: str = id_field()
    slug: str = Field(max_length=64, unique=True)
    name: str = Field(max_length=200)
    name_sv: str | None = Field(default=None, max_length=200)
    kind: OrganisationKind = enum_field(OrganisationKind)
    languages: list[str] = Field(sa_column=Column(JSON, nullable=False))
    parent_id: str | None = fk("organisation.id", nullable=True)
    # Addresses in these domains are this organisation's people (set by platform operators).
    email_domains: list[str] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False, server_default="[]")
    )
    records_settings: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column(JSON, nullable=False)
    )
    version: int = Field(default=1, nullable=False)
    created_at: datetime = created_at_field()
    updated_at: datetime = created_at_field()


class User(SQLModel, table=True):
    __tablename__ = "user_account"

    id: str = id_field()
    email: str = Field(max_length=254, unique=True)
    full_name: str = Field(max_length=200)
    password_hash: str | None = Field(default=None, max_length=200)
    is_active: bool = Field(default=True, nullable=False)
    is_superuser: bool = Field(default=False, nullable=False)
    # Every token carries the epoch it was issued in; raising it ends every session at once.
    session_epoch: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    # Raised by database triggers whenever the person's roles may change (a membership is
    # added, removed or changed, or a region gains or loses a member organisation): every
    # worker keys its cache of the person's roles by it (app/auth/access.py).
    access_version: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    version: int = Field(default=1, nullable=False)
    created_at: datetime = created_at_field()


class Membership(SQLModel, table=True):
    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("user_id", "organisation_id", "role"),)

    id: str = id_field()
    user_id: str = fk("user_account.id", cascade=True)
    organisation_id: str = fk("organisation.id", cascade=True)
    role: Role = enum_field(Role)
    created_at: datetime = created_at_field()


class ApiClient(SQLModel, table=True):
    __tablename__ = "api_client"

    id: str = id_field()
    client_id: str = Field(max_length=80, unique=True)
    name: str = Field(max_length=200)
    organisation_id: str = fk("organisation.id", cascade=True)
    secret_hash: str = Field(max_length=200)
    scopes: list[str] = Field(sa_column=Column(JSON, nullable=False))
    is_active: bool = Field(default=True, nullable=False)
    session_epoch: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    version: int = Field(default=1, nullable=False)
    created_at: datetime = created_at_field()
