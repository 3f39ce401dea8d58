"""Issuing annexes and serving their files at stable URLs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any, Literal, get_args

from fastapi import APIRouter, Header, Query, Request, Response
from starlette.convertors import Convertor, register_url_convertor

from app.annexes import service
from app.annexes.models import Annex, AnnexFile
from app.annexes.schemas import AnnexFileRead, AnnexIssue, AnnexRead, VerificationRead
from app.auth.dependencies import CurrentPrincipal, DbSession, RequireScope
from app.auth.permissions import ISSUE_ANNEXES, READ_ANNEXES
from app.core.errors import error_responses
from app.core.idempotency import IDEMPOTENT, CapturingRoute
from app.core.middleware import ANNEX_FILE_CSP
from app.core.versioning import names_tag

router = APIRouter(prefix="/api/v1", tags=["annexes"], route_class=CapturingRoute)
Format = Literal["pdf", "html", "json", "zip"]


class _FormatConvertor(Convertor[str]):
    """Only a format that exists makes a file URL: `/annexes/{id}.docx` names no file (404),
    it is not a malformed request (422)."""

    regex = "|".join(get_args(Format))

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("annex_format", _FormatConvertor())
FILE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {t.split(";")[0]: {} for t in service.MEDIA_TYPES.values()},
        "description": "The file",
    },
    304: {"description": "Not modified"},
    **error_responses(401, 403, 404, 422),
}


def _read(request: Request, annex: Annex, files: Sequence[AnnexFile]) -> AnnexRead:
    base = str(request.base_url).rstrip("/")
    return AnnexRead(
        id=annex.id,
        draft_id=annex.draft_id,
        number=annex.number,
        language=annex.language,
        draft_version=annex.draft_version,
        content_hash=annex.content_hash,
        issued_at=annex.issued_at,
        issued_by=annex.issued_by,
        files=[
            AnnexFileRead(
                format=f.format,
                format_name=service.FORMAT_NAMES[f.format],
                media_type=f.media_type,
                file_name=f.file_name,
                sha256=f.sha256,
                size=f.size,
                uri=f"{base}/api/v1/annexes/{annex.id}.{f.format}",
            )
            for f in files
        ],
    )


@router.post(
    "/drafts/{draft_id}/annexes",
    status_code=201,
    response_model=list[AnnexRead],
    summary="Issue the annex",
    responses=error_responses(401, 403, 404, 409, 422),
    dependencies=[RequireScope(ISSUE_ANNEXES), *IDEMPOTENT],
)
def issue_annex(
    draft_id: str,
    data: AnnexIssue,
    request: Request,
    session: DbSession,
    principal: CurrentPrincipal,
) -> list[AnnexRead]:
    """Render PDF/A, HTML, JSON and a bundle per language; re-issuing makes a new number."""
    issued = service.issue(
        session, principal=principal, draft_id=draft_id, languages=data.languages
    )
    return [_read(request, annex, files) for annex, files in issued]


@router.get(
    "/drafts/{draft_id}/annexes",
    response_model=list[AnnexRead],
    summary="List a draft's annexes",
    responses=error_responses(401, 403, 404),
    dependencies=[RequireScope(READ_ANNEXES)],
)
def list_annexes(
    draft_id: str, request: Request, session: DbSession, principal: CurrentPrincipal
) -> list[AnnexRead]:
    """Every issued annex, oldest first, with file names, sizes, sha256 sums and URIs."""
    return [
        _read(request, a, f)
        for a, f in service.list_for_draft(session, principal=principal, draft_id=draft_id)
    ]


@router.get(
    "/annexes/verify",
    response_model=VerificationRead,
    summary="Verify an annex by its sha256",
    responses=error_responses(401, 422),
    dependencies=[RequireScope(READ_ANNEXES)],
)
def verify_annex(
    session: DbSession,
    principal: CurrentPrincipal,
    sha256: Annotated[str, Query(pattern=r"^[0-9a-fA-F]{64}$")],
) -> VerificationRead:
    """Whether a file with this sha256 is an issued annex (of an organisation the caller sees)."""
    found = service.verify(session, principal=principal, sha256=sha256)
    if not found:
        return VerificationRead(match=False)
    hit = found[0]
    return VerificationRead(
        match=True,
        annex_id=hit.annex.id,
        draft_id=hit.annex.draft_id,
        format=hit.file.format,
        language=hit.annex.language,
        number=hit.annex.number,
        issued_at=hit.annex.issued_at,
    )


def _file_response(file: AnnexFile, if_none_match: str | None) -> Response:
    etag = f'"{file.sha256}"'
    headers = {
        "ETag": etag,
        "Cache-Control": "private, max-age=31536000, immutable",
        "Content-Disposition": f'attachment; filename="{file.file_name}"',
        "Digest": f"sha-256={file.sha256}",
        "Content-Security-Policy": ANNEX_FILE_CSP,
    }
    if names_tag(if_none_match, etag):
        return Response(status_code=304, headers=headers)
    return Response(file.content, media_type=file.media_type, headers=headers)


@router.get(
    "/annexes/{annex_id}.{fmt:annex_format}",
    summary="Download an annex file",
    response_class=Response,
    responses=FILE_RESPONSES,
    dependencies=[RequireScope(READ_ANNEXES)],
)
def annex_file(
    annex_id: str,
    fmt: Format,
    session: DbSession,
    principal: CurrentPrincipal,
    if_none_match: Annotated[str | None, Header()] = None,
) -> Response:
    """The immutable file; its ETag is its sha256."""
    return _file_response(
        service.annex_file(session, principal=principal, annex_id=annex_id, fmt=fmt), if_none_match
    )


_NEGOTIATED = {"application/pdf": "pdf", "text/html": "html", "application/zip": "zip"}


@router.get(
    "/annexes/{annex_id}",
    summary="Get an annex",
    response_model=AnnexRead,
    responses={
        200: {"content": {"application/pdf": {}, "text/html": {}, "application/zip": {}}},
        304: {"description": "Not modified"},
        **error_responses(401, 403, 404),
    },
    dependencies=[RequireScope(READ_ANNEXES)],
)
def get_annex(
    annex_id: str,
    request: Request,
    session: DbSession,
    principal: CurrentPrincipal,
    accept: Annotated[str | None, Header()] = None,
    if_none_match: Annotated[str | None, Header()] = None,
) -> Response | AnnexRead:
    """The annex's metadata as JSON, or a file when Accept asks for PDF, HTML or ZIP."""
    wanted = next((fmt for media, fmt in _NEGOTIATED.items() if accept and media in accept), None)
    if wanted is not None:
        return _file_response(
            service.annex_file(session, principal=principal, annex_id=annex_id, fmt=wanted),
            if_none_match,
        )
    annex = service.visible_annex(session, principal=principal, annex_id=annex_id)
    files = [
        f
        for a, fs in service.list_for_draft(session, principal=principal, draft_id=annex.draft_id)
        if a.id == annex.id
        for f in fs
    ]
    return _read(request, annex, files)
