"""Verifying tokens, turning them into a Principal, ending sessions and changing passwords.

Sign-in and token issue are in `app/auth/login.py`."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import Row, Select, bindparam, func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from app.audit import service as audit
from app.auth import throttle
from app.auth.access import access_of
from app.auth.principal import Principal, PrincipalKind
from app.core import tokens
from app.core.cache import LruCache
from app.core.config import Settings
from app.core.errors import Forbidden, Unauthorized
from app.core.passwords import hash_secret, verify_secret
from app.organisations import repository as org_repo
from app.organisations.models import ApiClient, Role, User

T = TypeVar("T")

# Verified tokens of ours remembered per worker: a few hundred bytes each, so a few MB at most.
VERIFIED_TOKENS = 10_000


@dataclass
class SecurityContext:
    """Keys loaded once at start-up."""

    settings: Settings
    signer: tokens.LocalSigner
    local_keys: dict[str, tokens.VerificationKey]
    jwks: tokens.JwksCache | None
    # Our own tokens never change once signed, so a verified one is remembered, keyed by its
    # exact text, until it expires (see `verify_bearer`). Revocation needs no eviction here:
    # the session epoch is compared after this cache, with the user's or client's row that
    # every request reads anyway.
    verified: LruCache[str, dict[str, Any]] = field(
        default_factory=lambda: LruCache(VERIFIED_TOKENS)
    )

    def remember(self, token: str, claims: dict[str, Any]) -> None:
        self.verified.put(token, claims)

    def recalled(self, token: str, now: float) -> dict[str, Any] | None:
        """The claims of a token of ours verified before and not expired since (None if it
        must be verified): only when no external issuer shares our issuer name, so the cache
        never answers for a token the external path would have checked."""
        settings = self.settings
        if self.jwks is not None and settings.oidc_issuer == settings.jwt_issuer:
            return None
        claims = self.verified.get(token)
        if claims is None or not claims["exp"] > now:
            return None
        return claims

    @classmethod
    def from_settings(cls, settings: Settings) -> SecurityContext:
        signer = tokens.settings_signer(settings)
        jwks = None
        if settings.oidc_issuer and settings.oidc_jwks_url:
            jwks = tokens.JwksCache(
                url=settings.oidc_jwks_url,
                algorithms=tuple(settings.oidc_algorithms),
                ttl_s=settings.oidc_jwks_cache_seconds,
            )
        return cls(settings, signer, {signer.kid: signer.verification_key()}, jwks)


# The claim naming the session epoch a token was issued in (see `check_epoch`).
EPOCH_CLAIM = "gen"


def check_epoch(claims: dict[str, Any], current: int) -> None:
    """A token of ours is good only in the epoch it was issued in: logging out, changing the
    password, losing a membership or deactivating a client raise the epoch. The row is read
    for every request anyway, so revocation costs one integer comparison."""
    if claims.get("_external"):
        return
    if type(claims.get(EPOCH_CLAIM)) is not int or claims[EPOCH_CLAIM] != current:
        raise Unauthorized("The session has ended; sign in again", code="invalid_token")


def verify_bearer(ctx: SecurityContext, token: str) -> dict[str, Any]:
    """Claims of a token issued by us or, when configured, by the external OIDC issuer.

    A token of ours verified before is recalled by its exact text without decoding it again
    (its signature, algorithm, issuer, audience and times were checked then; only `exp` can
    turn, and it is compared here)."""
    recalled = ctx.recalled(token, time.time())
    if recalled is not None:
        return recalled
    settings = ctx.settings
    try:
        issuer = tokens.unverified_issuer(token)
        if ctx.jwks is not None and issuer is not None and issuer == settings.oidc_issuer:
            kid = tokens.unverified_header(token).get("kid")
            keys = ctx.jwks.keys_for(kid if isinstance(kid, str) else None)
            audience = settings.oidc_audience or settings.jwt_audience
            claims = tokens.verify_token(
                token,
                keys=keys,
                issuer=issuer,
                audience=audience,
                max_lifetime_s=settings.oidc_max_token_minutes * 60,
                leeway_s=tokens.EXTERNAL_LEEWAY_S,
            )
            return claims | {"_external": True}
        claims = tokens.verify_token(
            token,
            keys=ctx.local_keys,
            issuer=settings.jwt_issuer,
            audience=settings.jwt_audience,
            max_lifetime_s=settings.access_token_minutes * 60,
        )
        ctx.remember(token, claims)
        return claims
    except tokens.TokenError as exc:
        raise Unauthorized("Invalid or expired token", code="invalid_token") from exc


def end_sessions(session: Session, principal: Principal) -> None:
    """Sign out: every token of this person or system stops working, the caller's included."""
    model: type[User] | type[ApiClient] = (
        ApiClient if principal.kind is PrincipalKind.client else User
    )
    if principal.kind is not PrincipalKind.system:
        org_repo.end_sessions(session, model, principal.id)


def change_password(
    session: Session,
    ctx: SecurityContext,
    *,
    principal: Principal,
    current_password: str,
    new_password: str,
) -> None:
    """A person's new password; every session, this one too, ends with the old password."""
    user = (
        org_repo.get_user(session, principal.id) if principal.kind is PrincipalKind.user else None
    )
    if user is None:
        raise Forbidden("Only a person signed in with a password can change it")
    key = f"password-change:{user.id}"
    throttle.refuse_if_waiting(session, [key])
    if not verify_secret(user.password_hash, current_password):
        throttle.record_failure(session, [(key, throttle.pair_rule(ctx.settings))])
        raise Forbidden("The current password is wrong", code="wrong_password", keep_changes=True)
    throttle.forget(session, key)
    user.password_hash = hash_secret(new_password)
    session.add(user)
    session.flush()
    end_sessions(session, principal)
    audit.record(
        session,
        actor=principal,
        action="user.password_changed",
        entity_type="user",
        entity_id=user.id,
        organisation_id=None,
        version=user.version,
    )


def principal_from_claims(
    session: Session, ctx: SecurityContext, claims: dict[str, Any]
) -> Principal:
    """The caller behind verified claims, with roles read fresh from the database."""
    if claims.get("_external"):
        value = claims.get(ctx.settings.oidc_user_claim)
        user = org_repo.user_by_email(session, value) if isinstance(value, str) else None
        if user is None or not user.is_active:
            raise Unauthorized("No active user for this identity", code="invalid_token")
        return user_principal(session, user.id)
    user_id = own_user_id(claims)
    if user_id is not None:
        return user_principal(session, user_id, claims)
    kind, _, ident = str(claims["sub"]).partition(":")
    if kind == "client":
        client = org_repo.get_client(session, ident)
        if client is None or not client.is_active:
            raise Unauthorized("Client is not active", code="invalid_token")
        check_epoch(claims, client.session_epoch)
        scopes = frozenset(str(claims.get("scope", "")).split()) & frozenset(client.scopes)
        return Principal(
            kind=PrincipalKind.client,
            id=client.id,
            name=client.name,
            roles={client.organisation_id: frozenset()},
            scopes=scopes,
        )
    raise Unauthorized("Unknown subject", code="invalid_token")


def user_principal(
    session: Session, user_id: str, claims: dict[str, Any] | None = None
) -> Principal:
    """A person's roles, including the expert role a region's expert holds in its members
    (one row read per request; the roles come from the worker's cache, see `access`)."""
    return principal_of_user(session, org_repo.user_access(session, user_id), claims)


def principal_of_user(
    session: Session, user: org_repo.UserAccess | None, claims: dict[str, Any] | None
) -> Principal:
    """The person behind `user`, the row just read (401 when it is gone or inactive, or when
    `claims` are of an ended session)."""
    if user is None or not user.is_active:
        raise Unauthorized("User is not active", code="invalid_token")
    if claims is not None:
        check_epoch(claims, user.session_epoch)
    return Principal(
        kind=PrincipalKind.user,
        id=user.id,
        name=user.full_name,
        roles=access_of(session, user).roles,
        is_superuser=user.is_superuser,
    )


# The person's row as every request reads it (organisations' repository type).
UserAccess = org_repo.UserAccess


def person_beside(*columns: Any) -> Select[Any]:
    """A statement for the person's row (by `:user_id`, UserAccess's columns first) with
    `columns` beside it: the caller outer-joins where they come from, so that one round trip
    reads both (`person_of` splits the row)."""
    return (
        sa_select(*org_repo.USER_ACCESS_COLUMNS, *columns)
        .select_from(User)
        .where(col(User.id) == bindparam("user_id"))
    )


def person_of(row: Row[Any]) -> tuple[UserAccess, tuple[Any, ...]]:
    """The person and the other columns of a `person_beside` row."""
    width = len(org_repo.USER_ACCESS_COLUMNS)
    return org_repo.UserAccess(*row[:width]), tuple(row[width:])


def person_returning() -> tuple[Any, ...]:
    """The person's row (by `:user_id`, UserAccess's columns after the id) as scalar
    subqueries, for a write's RETURNING to read it in the write's own round trip (SQLite's
    RETURNING names no other table); `person_returned` makes the values a UserAccess."""
    return tuple(_of_person(column) for column in org_repo.USER_ACCESS_COLUMNS[1:])


def person_name() -> Any:
    """The person's name (by `:user_id`) for a write to stamp in its own statement: empty
    when there is no such person, whose write the 401 then rolls back."""
    return func.coalesce(_of_person(col(User.full_name)), "")


def _of_person(column: Any) -> Any:
    return sa_select(column).where(col(User.id) == bindparam("user_id")).scalar_subquery()


def person_returned(user_id: str, values: tuple[Any, ...]) -> UserAccess | None:
    """The person of `person_returning`'s values (None: there is no such person)."""
    return None if values[0] is None else org_repo.UserAccess(user_id, *values)


def user_row(session: Session, user_id: str) -> UserAccess | None:
    """The person's row alone (the `user_and` of a route that needs nothing beside it)."""
    return org_repo.user_access(session, user_id)


def principal_with(
    session: Session,
    ctx: SecurityContext,
    claims: dict[str, Any],
    *,
    user_and: Callable[[str], tuple[org_repo.UserAccess | None, T]],
    alone: Callable[[], T],
) -> tuple[Principal, T]:
    """The caller behind verified claims and a second answer a route needs, e.g. the row it
    reads: for a person with a token of ours both come from one query (`user_and(user id)`
    reads the person's row beside it, with the same checks as `principal_from_claims`);
    for any other caller the principal as usual, then `alone()`."""
    user_id = own_user_id(claims)
    if user_id is not None:
        user, found = user_and(user_id)
        return principal_of_user(session, user, claims), found
    return principal_from_claims(session, ctx, claims), alone()


def own_user_id(claims: dict[str, Any]) -> str | None:
    """The person a token of ours names (`sub` "user:<id>"); None for an API client or an
    external identity."""
    kind, _, ident = str(claims["sub"]).partition(":")
    return ident if kind == "user" and not claims.get("_external") else None


@dataclass(frozen=True)
class OrganisationRolesView:
    organisation_id: str
    name: str
    roles: list[Role]
    via_region: bool


@dataclass(frozen=True)
class CallerView:
    email: str | None
    organisations: list[OrganisationRolesView]


def describe(
    session: Session, principal: Principal, user: org_repo.UserAccess | None = None
) -> CallerView:
    """The caller's e-mail and, per organisation, its roles and whether they come via a region
    (`user`: the person's row if it was read with the principal)."""
    email, direct = None, frozenset[tuple[str, Role]]()
    if principal.kind is PrincipalKind.user:
        if user is None or user.id != principal.id:
            user = org_repo.user_access(session, principal.id)
        if user is not None:
            email, direct = user.email, access_of(session, user).direct
    names = org_repo.organisation_names(session, sorted(principal.roles))
    return CallerView(
        email,
        [
            OrganisationRolesView(
                organisation_id=org_id,
                name=names.get(org_id, org_id),
                roles=sorted(principal.roles[org_id]),
                via_region=principal.kind is PrincipalKind.user
                and not any((org_id, role) in direct for role in principal.roles[org_id]),
            )
            for org_id in sorted(principal.roles)
        ],
    )
