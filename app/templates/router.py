"""Templates API: list, read, import, edit drafts, publish, copy, retire, export YAML."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response
from fastapi.responses import PlainTextResponse

from app.auth.dependencies import CurrentPrincipal, DbSession, RequireScope
from app.auth.permissions import MANAGE_TEMPLATES, READ_TEMPLATES
from app.core.errors import error_responses
from app.core.idempotency import IDEMPOTENT, CapturingRoute
from app.core.versioning import VERSIONED_WRITE_ERRORS, Versioned, VersionedWrite, set_etag
from app.templates import service
from app.templates.models import TemplateStatus
from app.templates.schemas import TemplateCreate, TemplateRead, TemplateSummary, TemplateUpdate

router = APIRouter(prefix="/api/v1", tags=["templates"], route_class=CapturingRoute)


class YamlResponse(PlainTextResponse):
    media_type = "application/yaml"


def _read(template: object, response: Response) -> TemplateRead:
    """The template, its edit revision as the response's ETag."""
    read = TemplateRead.model_validate(template)
    set_etag(response, read.revision)
    return read


@router.get(
    "/templates",
    response_model=list[TemplateSummary],
    summary="List templates",
    responses=error_responses(401, 403, 422),
    dependencies=[RequireScope(READ_TEMPLATES)],
)
def list_templates(
    session: DbSession,
    principal: CurrentPrincipal,
    kind: Literal["screening", "matrix"] | None = None,
    status: TemplateStatus | None = None,
    key: Annotated[str | None, Query(max_length=80)] = None,
) -> list[TemplateSummary]:
    """Shipped templates, the caller's organisations' own and their regions' shared ones."""
    items = service.list_templates(session, principal=principal, kind=kind, status=status, key=key)
    return [TemplateSummary.model_validate(t) for t in items]


@router.get(
    "/templates/{template_id}",
    response_model=TemplateRead,
    summary="Get a template",
    responses=error_responses(401, 403, 404),
    dependencies=[RequireScope(READ_TEMPLATES)],
)
def get_template(
    template_id: str, session: DbSession, principal: CurrentPrincipal, response: Response
) -> TemplateRead:
    """The full definition; the ETag is the edit revision."""
    template = service.visible_template(session, principal=principal, template_id=template_id)
    return _read(template, response)


@router.get(
    "/templates/{template_id}/yaml",
    response_class=YamlResponse,
    summary="Export a template as YAML",
    responses=error_responses(401, 403, 404),
    dependencies=[RequireScope(READ_TEMPLATES)],
)
def export_template(
    template_id: str, session: DbSession, principal: CurrentPrincipal
) -> YamlResponse:
    """The template as a YAML file for assessment_templates/."""
    template = service.visible_template(session, principal=principal, template_id=template_id)
    return YamlResponse(
        service.export_yaml(template),
        headers={
            "Content-Disposition": f'attachment; filename="{template.key}.v{template.version}.yaml"'
        },
    )


@router.post(
    "/templates",
    status_code=201,
    response_model=TemplateRead,
    summary="Create or import a template",
    responses=error_responses(401, 403, 404, 409, 422),
    dependencies=[RequireScope(MANAGE_TEMPLATES), *IDEMPOTENT],
)
def create_template(
    data: TemplateCreate, session: DbSession, principal: CurrentPrincipal, response: Response
) -> TemplateRead:
    """A draft version of the organisation's own template, from JSON or YAML."""
    template = service.create(
        session,
        principal=principal,
        organisation_id=data.organisation_id,
        definition=data.definition,
        yaml_text=data.yaml,
    )
    return _read(template, response)


@router.put(
    "/templates/{template_id}",
    response_model=TemplateRead,
    summary="Edit a draft template",
    responses=VERSIONED_WRITE_ERRORS,
    dependencies=[RequireScope(MANAGE_TEMPLATES)],
)
def update_template(
    template_id: str,
    data: TemplateUpdate,
    session: DbSession,
    principal: CurrentPrincipal,
    write: Versioned,
) -> TemplateRead:
    """Replace a draft's definition; published versions are immutable."""
    template = service.update(
        session,
        principal=principal,
        template_id=template_id,
        expected_revision=write.expected,
        definition=data.definition,
        yaml_text=data.yaml,
    )
    return _read(template, write.response)


def _set_status(
    session: DbSession,
    principal: CurrentPrincipal,
    template_id: str,
    write: VersionedWrite[int],
    status: TemplateStatus,
) -> TemplateRead:
    template = service.set_status(
        session,
        principal=principal,
        template_id=template_id,
        expected_revision=write.expected,
        status=status,
    )
    return _read(template, write.response)


@router.post(
    "/templates/{template_id}/publish",
    response_model=TemplateRead,
    summary="Publish a draft template",
    responses=error_responses(401, 403, 404, 409, 412, 428),
    dependencies=[RequireScope(MANAGE_TEMPLATES), *IDEMPOTENT],
)
def publish_template(
    template_id: str,
    session: DbSession,
    principal: CurrentPrincipal,
    write: Versioned,
) -> TemplateRead:
    """Make the version usable and immutable."""
    return _set_status(session, principal, template_id, write, TemplateStatus.published)


@router.post(
    "/templates/{template_id}/retire",
    response_model=TemplateRead,
    summary="Retire a template version",
    responses=error_responses(401, 403, 404, 409, 412, 428),
    dependencies=[RequireScope(MANAGE_TEMPLATES), *IDEMPOTENT],
)
def retire_template(
    template_id: str,
    session: DbSession,
    principal: CurrentPrincipal,
    write: Versioned,
) -> TemplateRead:
    """No new assessments start on it; pinned assessments keep it."""
    return _set_status(session, principal, template_id, write, TemplateStatus.retired)


@router.post(
    "/templates/{template_id}/copy",
    status_code=201,
    response_model=TemplateRead,
    summary="Copy to a new draft version",
    responses=error_responses(401, 403, 404, 409, 422),
    dependencies=[RequireScope(MANAGE_TEMPLATES), *IDEMPOTENT],
)
def copy_template(
    template_id: str,
    session: DbSession,
    principal: CurrentPrincipal,
    response: Response,
    organisation_id: Annotated[str, Query(max_length=36)],
) -> TemplateRead:
    """A new draft version owned by the organisation."""
    template = service.copy(
        session, principal=principal, template_id=template_id, organisation_id=organisation_id
    )
    return _read(template, response)
