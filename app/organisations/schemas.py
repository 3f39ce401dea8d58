"""Request and response bodies for organisations, users, memberships and API clients."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import EmailStr, Field, StringConstraints, field_validator

from app.auth.permissions import Scope
from app.core.schemas import InputModel, ReadModel
from app.organisations.models import OrganisationKind, Role

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{1,62}$")]
Name = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Password = Annotated[str, StringConstraints(min_length=12, max_length=200)]
EmailDomain = Annotated[
    str,
    StringConstraints(
        to_lower=True,
        max_length=253,
        pattern=r"^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]{2,63}$",
    ),
]
EmailDomains = Annotated[list[EmailDomain], Field(max_length=20)]


class Language(StrEnum):
    fi = "fi"
    sv = "sv"
    en = "en"


class PublicityClass(StrEnum):
    public = "public"
    partly_secret = "partly_secret"  # noqa: S105 (a publicity class)
    secret = "secret"  # noqa: S105 (a publicity class)
    non_public = "non_public"


class PersonalDataClass(StrEnum):
    no_personal_data = "no_personal_data"
    personal_data = "personal_data"
    special_categories = "special_categories"
    criminal_records = "criminal_records"


class RecordsSettings(InputModel):
    """JHS 191 records-management defaults written into every annex record."""

    document_type: Annotated[str, StringConstraints(min_length=1, max_length=100)] = (
        "impact_assessment_annex"
    )
    publicity_class: PublicityClass = PublicityClass.public
    publicity_reason: Annotated[str, StringConstraints(min_length=1, max_length=300)] | None = None
    personal_data_class: PersonalDataClass = PersonalDataClass.no_personal_data
    retention_years: int | None = Field(default=None, ge=1, le=200, description="null: permanent")
    logo_png_base64: Annotated[str, StringConstraints(max_length=300_000)] | None = None


def _official_languages(value: list[Language]) -> list[Language]:
    if not value or len(set(value)) != len(value) or not set(value) <= {Language.fi, Language.sv}:
        raise ValueError("official languages are fi, sv or both, each once")
    return sorted(value, key=lambda lang: lang.value)


def _distinct_domains(value: list[str] | None) -> list[str] | None:
    return None if value is None else sorted(set(value))


class OrganisationCreate(InputModel):
    slug: Slug
    name: Name
    name_sv: Name | None = None
    kind: OrganisationKind
    languages: list[Language] = Field(default_factory=lambda: [Language.fi])
    parent_id: str | None = None
    email_domains: EmailDomains = Field(
        default_factory=list,
        description="Addresses in these domains are the organisation's people: its admins "
        "create accounts only for them.",
    )
    records_settings: RecordsSettings = Field(default_factory=RecordsSettings)

    _languages = field_validator("languages")(_official_languages)
    _domains = field_validator("email_domains")(_distinct_domains)


class OrganisationUpdate(InputModel):
    name: Name | None = None
    name_sv: Name | None = None
    languages: list[Language] | None = None
    parent_id: str | None = Field(
        default=None, description="The region; only a platform operator changes it."
    )
    email_domains: EmailDomains | None = Field(
        default=None, description="Only a platform operator changes these."
    )
    records_settings: RecordsSettings | None = None

    _domains = field_validator("email_domains")(_distinct_domains)

    @field_validator("languages")
    @classmethod
    def _check_languages(cls, value: list[Language] | None) -> list[Language] | None:
        return None if value is None else _official_languages(value)


class OrganisationRead(ReadModel):
    id: str
    slug: str
    name: str
    name_sv: str | None
    kind: OrganisationKind
    languages: list[Language]
    parent_id: str | None
    email_domains: list[str]
    records_settings: RecordsSettings
    version: int
    created_at: datetime
    updated_at: datetime


class MembershipRead(ReadModel):
    id: str
    user_id: str
    organisation_id: str
    role: Role
    created_at: datetime


class MembershipCreate(InputModel):
    user_id: str = Field(min_length=1, max_length=36)
    role: Role


class UserCreate(InputModel):
    email: EmailStr
    full_name: Name
    password: Password | None = None
    organisation_id: str = Field(min_length=1, max_length=36)
    roles: list[Role] = Field(min_length=1)


class UserRead(ReadModel):
    id: str
    email: str
    full_name: str
    is_active: bool
    memberships: list[MembershipRead]


class ApiClientCreate(InputModel):
    client_id: Annotated[
        str,
        StringConstraints(pattern=r"^[a-z0-9][a-z0-9._-]{2,79}$"),
        Field(
            description="The system's name within the organisation. It logs in as "
            "`<organisation slug>.<client_id>` (an id that already starts with the slug and a "
            "dot is kept as given); the answer's client_id is that login id."
        ),
    ]
    name: Name
    scopes: list[Scope] = Field(min_length=1)


class ApiClientRead(ReadModel):
    id: str
    client_id: str = Field(description="The id to log in with (client-credentials grant)")
    name: str
    organisation_id: str
    scopes: list[Scope]
    is_active: bool
    created_at: datetime


class ApiClientWithSecret(ApiClientRead):
    client_secret: str = Field(description="Shown once; only its hash is stored.")
