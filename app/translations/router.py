"""Translations API: a draft's texts in one of its other languages."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Response

from app.auth.dependencies import CurrentPrincipal, DbSession, RequireScope
from app.auth.permissions import EDIT_DRAFTS, READ_DRAFTS
from app.core.errors import error_responses
from app.core.i18n import LANGUAGES
from app.core.idempotency import CapturingRoute
from app.core.versioning import (
    VERSIONED_WRITE_ERRORS,
    VersionedWrite,
    matching_if_match,
    set_strong_etag,
)
from app.translations import service
from app.translations.schemas import Lang, TranslationItem, TranslationsRead, TranslationsWrite

router = APIRouter(prefix="/api/v1", tags=["translations"], route_class=CapturingRoute)
_ETAG = re.compile(r'^"[0-9a-f]{40}"$')
DEFAULT_LABEL_LANG = "en"


def label_language(accept_language: str | None) -> str:
    """The first of fi, sv and en that Accept-Language names (quality order), else English."""
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        code = tag.strip().lower()[:2]
        if code in LANGUAGES and quality > 0:
            ranked.append((-quality, index, code))
    return min(ranked)[2] if ranked else DEFAULT_LABEL_LANG


AcceptLanguage = Annotated[
    str | None,
    Header(max_length=200, description="The language of the labels: fi, sv or en (default en)"),
]


def _write(
    response: Response,
    if_match: Annotated[
        str | None,
        Header(description="The ETag of this language's translations you read. Required."),
    ] = None,
) -> VersionedWrite[str]:
    """If-Match names a content hash here, not a version number."""
    return VersionedWrite(
        matching_if_match(if_match, _ETAG, what="these translations").group(0), response
    )


EtagWrite = Annotated[VersionedWrite[str], Depends(_write)]


def to_read(view: service.LanguageView) -> TranslationsRead:
    return TranslationsRead(
        draft_id=view.draft.id,
        lang=view.lang,
        source_language=view.source_lang,
        missing=view.count("missing"),
        outdated=view.count("outdated"),
        done=view.count("done"),
        items=[
            TranslationItem(
                path=i.path,
                label=i.label,
                source=i.source,
                translation=i.translation,
                state=i.state,
            )
            for i in view.items
        ],
    )


@router.get(
    "/drafts/{draft_id}/translations/{lang}",
    response_model=TranslationsRead,
    summary="A draft's texts in one of its other languages",
    responses=error_responses(401, 403, 404, 422),
    dependencies=[RequireScope(READ_DRAFTS)],
)
def get_translations(
    draft_id: str,
    lang: Lang,
    session: DbSession,
    principal: CurrentPrincipal,
    response: Response,
    accept_language: AcceptLanguage = None,
) -> TranslationsRead:
    """Every source text with its translation and state (missing, outdated, done); the ETag
    is a hash of this language's translations. 422 when `lang` is not one of the draft's
    other languages."""
    view = service.read(
        session,
        principal=principal,
        draft_id=draft_id,
        lang=lang,
        label_lang=label_language(accept_language),
    )
    set_strong_etag(response, view.etag)
    return to_read(view)


@router.put(
    "/drafts/{draft_id}/translations/{lang}",
    response_model=TranslationsRead,
    summary="Save translations of a draft's texts",
    responses=VERSIONED_WRITE_ERRORS,
    dependencies=[RequireScope(EDIT_DRAFTS)],
)
def put_translations(
    draft_id: str,
    lang: Lang,
    data: TranslationsWrite,
    session: DbSession,
    principal: CurrentPrincipal,
    write: EtagWrite,
    accept_language: AcceptLanguage = None,
) -> TranslationsRead:
    """All texts land or none does (If-Match: the ETag you read). An unknown path is a 422
    naming it; who may translate a text is who may edit it now (the workflow policy)."""
    view = service.save(
        session,
        principal=principal,
        draft_id=draft_id,
        lang=lang,
        expected_etag=write.expected,
        texts=data.texts,
        label_lang=label_language(accept_language),
    )
    write.answer_tag(view.etag)
    return to_read(view)
