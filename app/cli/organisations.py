"""`ennakko org|user|client create`."""

from __future__ import annotations

from typing import Annotated

import typer

from app.auth.permissions import Scope
from app.auth.principal import SYSTEM
from app.core.db import transaction
from app.organisations import clients as org_clients
from app.organisations import service as org_service
from app.organisations.models import OrganisationKind, Role
from app.organisations.schemas import (
    ApiClientCreate,
    Language,
    OrganisationCreate,
    UserCreate,
)

org_app = typer.Typer(help="Manage organisations (tenants).", no_args_is_help=True)
user_app = typer.Typer(help="Manage users.", no_args_is_help=True)
client_app = typer.Typer(help="Manage API clients (case-management systems).", no_args_is_help=True)


@org_app.command("create")
def org_create(
    slug: str,
    name: str,
    kind: Annotated[
        OrganisationKind, typer.Option(help="Kind of public body")
    ] = OrganisationKind.municipality,
    language: Annotated[
        list[Language], typer.Option(help="Official language (repeat for both)")
    ] = [Language.fi],  # noqa: B006
    parent: Annotated[str | None, typer.Option(help="Id of the region it belongs to")] = None,
    name_sv: Annotated[str | None, typer.Option(help="Swedish name")] = None,
    email_domain: Annotated[
        list[str] | None,
        typer.Option(help="E-mail domain of its people; its admins create accounts in these"),
    ] = None,
) -> None:
    """Create an organisation."""
    with transaction() as session:
        org = org_service.create_organisation(
            session,
            principal=SYSTEM,
            data=OrganisationCreate(
                slug=slug,
                name=name,
                name_sv=name_sv,
                kind=kind,
                languages=language,
                parent_id=parent,
                email_domains=email_domain or [],
            ),
        )
        typer.echo(org.id)


@user_app.command("create")
def user_create(
    email: str,
    full_name: str,
    organisation: Annotated[str, typer.Option(help="Organisation id")],
    role: Annotated[list[Role], typer.Option(help="Role (repeatable)")],
    password: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)],
) -> None:
    """Create a user with roles in an organisation."""
    with transaction() as session:
        user = org_service.create_user(
            session,
            principal=SYSTEM,
            data=UserCreate(
                email=email,
                full_name=full_name,
                password=password,
                organisation_id=organisation,
                roles=role,
            ),
        )
        typer.echo(user.id)


@client_app.command("create")
def client_create(
    client_id: str,
    name: str,
    organisation: Annotated[str, typer.Option(help="Organisation id")],
    scope: Annotated[list[Scope], typer.Option(help="Scope (repeatable)")],
) -> None:
    """Register an API client; prints its secret once."""
    with transaction() as session:
        issued = org_clients.create_client(
            session,
            principal=SYSTEM,
            organisation_id=organisation,
            data=ApiClientCreate(client_id=client_id, name=name, scopes=scope),
        )
        typer.echo(f"client_id={issued.client.client_id}\nclient_secret={issued.secret}")
