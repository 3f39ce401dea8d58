"""The FastAPI application."""

from __future__ import annotations

import gc
from datetime import timedelta

from fastapi import Depends, FastAPI
from fastapi.routing import APIRoute
from starlette.middleware.gzip import GZipMiddleware

from app.annexes.router import router as annexes_router
from app.apidocs import install_docs
from app.assessments.router import router as assessments_router
from app.audit.router import router as audit_router
from app.auth.dependencies import document_scopes
from app.auth.middleware import CallerMiddleware
from app.auth.router import router as auth_router
from app.auth.service import SecurityContext
from app.core.allocator import tune_malloc
from app.core.config import Settings, get_settings
from app.core.db_errors import install_database_error_handlers
from app.core.errors import document_body_errors, document_busy, install_error_handlers
from app.core.idempotency import IdempotencyMiddleware, IdempotentReplay, replay_handler
from app.core.logging import configure_logging
from app.core.middleware import (
    BodySizeLimitMiddleware,
    RequestContextMiddleware,
    SecurityHeadersMiddleware,
)
from app.core.ratelimit import ClientRateLimitMiddleware
from app.core.route_state import release_served_state
from app.core.text_params import parameters_under_text_rule
from app.drafts.router import router as drafts_router
from app.followups.router import router as followups_router
from app.health.router import router as health_router
from app.integrations.case_router import router as case_system_router
from app.integrations.router import router as integrations_router
from app.meetings.router import router as meetings_router
from app.organisations.router import router as organisations_router
from app.reports.router import router as reports_router
from app.reviews.router import router as reviews_router
from app.templates.router import router as templates_router
from app.translations.router import router as translations_router
from app.web import mount_static
from app.web import router as web_router
from app.web.errors import install_page_errors
from app.wiring import install as install_workflow

# The API documentation's sections, in this order (whatever the routers' order below).
SECTIONS = (
    ("auth", "Tokens (OAuth2 password and client credentials), the caller."),
    ("organisations", "Organisations, their people and roles, API clients."),
    ("drafts", "Decision drafts: create, find by case id, revisions."),
    ("assessments", "Screening, the impact matrix and its summary."),
    ("reviews", "Reviews, sign-offs (stale when what they covered changes), comments, workflow."),
    ("translations", "A draft's texts in its organisation's other languages."),
    ("annexes", "The annex (PDF/A and accessible HTML): issue, list, verify."),
    ("meetings", "A draft's meeting items: the annex attached, the outcome."),
    ("templates", "Impact matrix templates and their versions."),
    ("audit", "The audit log and the verification of its chains."),
    (
        "integrations",
        "The case-management system's endpoint, webhook subscriptions and deliveries.",
    ),
    ("reports", "Coverage register, impact ledger, region dashboard and annual report."),
    ("followups", "Indicators and the follow-up of decided drafts."),
    ("health", "Liveness and readiness."),
)
TAGS = [{"name": name, "description": text} for name, text in SECTIONS]

# The routers in the order a request's path is matched against them, route by route (FastAPI
# tries each in turn, and a matched router's routes twice): the busiest first (the matrix and
# its cells, the caller, the drafts), so that their requests do not pay for matching every
# other router's routes first; liveness and readiness next, before the rest of the API.
ROUTERS = (
    assessments_router,
    auth_router,
    drafts_router,
    health_router,
    organisations_router,
    reviews_router,
    translations_router,
    annexes_router,
    meetings_router,
    templates_router,
    audit_router,
    integrations_router,
    case_system_router,
    reports_router,
    followups_router,
)
API_ROUTERS = tuple(router for router in ROUTERS if router is not health_router)


def _operation_id(route: APIRoute) -> str:
    tag = str(route.tags[0]) if route.tags else "default"
    return f"{tag}-{route.name}"


_DESCRIPTION = (
    "Decision drafts, screening, impact matrices by population group and gender, "
    "reviews and sign-offs, and the assessment annex. Every error has the body "
    '`{"error": {"code", "message", "details"}}`.\n\n'
    "Any route can also answer **413** (request body over the size limit) and **429** "
    "(an API client over its rate limit: a token bucket per client, see "
    "`Retry-After`), and **503** `busy` with `Retry-After` when it waited too long for "
    "its turn at the database (a few sessions at once per server process, one write at "
    "a time on SQLite). "
    "Creating and state-changing POSTs accept `Idempotency-Key`: the key is spent in the "
    "same transaction as the work, so a retry (also after a crash) replays the committed "
    "answer byte for byte (`Idempotent-Replayed: true`), or runs a request whose work "
    "never committed; an error spends no key.\n\n"
    "Text: control characters other than tab, line feed and carriage return, and unpaired "
    "surrogates, are refused in every body, path and query value with a 422 "
    "(`text_character`) naming the field and the character; nothing is normalised."
)


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the application: routers, middleware, error handlers and keys."""
    settings = settings or get_settings()
    configure_logging(settings.log_level)
    # before the server's threads start: they take their malloc arenas from these settings
    tune_malloc()
    install_workflow()
    app = FastAPI(
        title="Ennakko API",
        version="1.0.0",
        summary="Ex-ante impact assessment (EVA) workflow for Finnish public bodies.",
        description=_DESCRIPTION,
        generate_unique_id_function=_operation_id,
        openapi_tags=TAGS,
        dependencies=[Depends(parameters_under_text_rule)],
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    # Everything imported and built so far lives as long as the process: keeping it out of
    # the collector's generations makes full collections, and the pauses they cause, short.
    gc.collect()
    gc.freeze()
    app.state.security = SecurityContext.from_settings(settings)
    _install_routes(app)
    _install_middleware(app, settings)
    return app


def _install_routes(app: FastAPI) -> None:
    """Routers, their documentation and the error handlers."""
    install_error_handlers(app)
    install_database_error_handlers(app)
    for router in ROUTERS:
        app.include_router(router)
    app.include_router(web_router)
    document_scopes(app, API_ROUTERS)
    # the app serves each route through its inclusion's own copy of the route's state
    release_served_state((*ROUTERS, web_router))
    document_body_errors(app)
    document_busy(app)
    install_docs(app)
    mount_static(app)
    app.add_exception_handler(IdempotentReplay, replay_handler)
    install_page_errors(app)


def _install_middleware(app: FastAPI, settings: Settings) -> None:
    # Outermost last. Compression wraps everything inside it, so what the idempotency layer
    # stores is the route's own bytes, and each request gets the encoding it accepts.
    app.add_middleware(IdempotencyMiddleware, ttl=timedelta(hours=settings.idempotency_hours))
    app.add_middleware(ClientRateLimitMiddleware, rate_per_minute=settings.client_rate_per_minute)
    app.add_middleware(CallerMiddleware)
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=settings.max_request_bytes)
    # Level 6 (zlib's default) rather than Starlette's 9: about twice as fast for ~1 % more
    # bytes; the largest bodies (matrix, summary) come precompressed from their cache anyway.
    app.add_middleware(GZipMiddleware, minimum_size=2048, compresslevel=6)
    app.add_middleware(RequestContextMiddleware)
    app.add_middleware(SecurityHeadersMiddleware)
