"""Issuing annexes for an approved draft, serving them, and proving which one was approved."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from pydantic import ValidationError
from sqlmodel import Session

from app.annexes import repository as repo
from app.annexes.builder import AnnexSources, build_record
from app.annexes.models import Annex, AnnexFile
from app.annexes.render import render_html, render_pdf
from app.annexes.render.bundle import bundle_of, record_json
from app.assessments import service as assessments
from app.assessments.shape import EVERYTHING
from app.auth.permissions import ISSUE_ANNEXES, READ_ANNEXES, ensure, ensure_visible
from app.auth.principal import Principal
from app.core.config import get_settings
from app.core.db import utcnow
from app.core.errors import InvalidState, NotFound, Unprocessable
from app.drafts import service as drafts
from app.drafts.models import DecisionDraft
from app.integrations import record_push
from app.organisations import service as organisations
from app.organisations.models import Organisation
from app.reviews import service as reviews
from app.templates import service as templates
from app.translations import service as translations
from app.workflow import changes, machine
from app.workflow.changes import Entity
from app.workflow.states import DraftStatus
from app.workflow.store import policy_for

MEDIA_TYPES = {
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
    "json": "application/json",
    "zip": "application/zip",
}
FORMAT_NAMES = {"pdf": "PDF/A-2b", "html": "HTML", "json": "JSON", "zip": "ZIP"}


def _sources(session: Session, draft: DecisionDraft) -> AnnexSources:
    org = organisations.organisation(session, draft.organisation_id)
    screening = assessments.screening_of(session, draft.id)
    if org is None or screening is None:
        raise InvalidState("The draft has no screening", code="screening_required")
    assessment = assessments.active_assessment(session, draft.id)
    view = assessments.view_of(session, draft, assessment) if assessment else None
    preparer = organisations.user(session, draft.preparer_id) if draft.preparer_id else None
    policy = policy_for(session, draft.organisation_id)
    return AnnexSources(
        organisation=org,
        draft=draft,
        alternatives=drafts.alternatives(session, draft.id),
        preparer_name=preparer.full_name if preparer else draft.updated_by,
        screening=screening,
        screening_template=templates.definition_of(
            templates.get_any(session, screening.template_id)
        ),
        assessment=assessment,
        template=templates.definition_of(view.template) if view else None,
        shape=view.shape if view else None,
        cells=view.cells if view else [],
        summary=assessments.summary_of(view) if view else None,
        requirements=reviews.requirement_states(session, draft, policy),
        issued_at=utcnow(),
        scope=view.scope if view else EVERYTHING,
        translations=translations.current_texts(session, draft),
    )


# An annex is issued for an approved assessment, and issued again in another language later.
ISSUABLE = frozenset({DraftStatus.approved, DraftStatus.annex_issued})


def is_issuable(draft: DecisionDraft) -> bool:
    """Whether the draft is in a state an annex is issued in."""
    return draft.status in ISSUABLE


def _safe(text: str, limit: int) -> str:
    """ASCII letters, digits and . _ - only (ä → a, å → a): a name every system accepts."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9._-]+", "_", folded).strip("_.")[:limit].rstrip("_.")


def file_name(
    draft: DecisionDraft, number: int, lang: str, fmt: str, title: str | None = None
) -> str:
    """A name from the case id, the title (as the annex shows it: translated when it is) and the
    language, never the draft's id: HEL_2021-011830_Kirjastoverkon_uudistus_eva1_fi.pdf."""
    parts = [
        _safe(draft.external_case_id or "", 60),
        _safe(title or draft.title, 60),
        f"eva{number}",
    ]
    return "_".join(p for p in parts if p) + f"_{lang}.{fmt}"


def _files(
    draft: DecisionDraft,
    annex: Annex,
    title: str,
    record_json: bytes,
    pdf: bytes,
    html: bytes,
    bundle: bytes,
) -> list[AnnexFile]:
    contents = {"pdf": pdf, "html": html, "json": record_json, "zip": bundle}
    return [
        AnnexFile(
            annex_id=annex.id,
            format=fmt,
            media_type=MEDIA_TYPES[fmt],
            file_name=file_name(draft, annex.number, annex.language, fmt, title),
            sha256=hashlib.sha256(data).hexdigest(),
            size=len(data),
            content=data,
        )
        for fmt, data in contents.items()
    ]


def issue(
    session: Session, *, principal: Principal, draft_id: str, languages: Sequence[str] | None
) -> list[tuple[Annex, list[AnnexFile]]]:
    """Render and store the annex in each language; earlier issues are never overwritten."""
    draft = drafts.visible_draft(session, principal=principal, draft_id=draft_id)
    ensure(principal, draft.organisation_id, ISSUE_ANNEXES, "issue annexes")
    drafts.lock(session, draft)
    if not is_issuable(draft):
        raise InvalidState(
            "An annex is issued once the assessment is approved", code="not_approved"
        )
    org = organisations.organisation(session, draft.organisation_id)
    langs = list(dict.fromkeys(languages or (org.languages if org else ["fi"])))
    if not langs or not set(langs) <= {"fi", "sv", "en"}:
        raise Unprocessable("languages are fi, sv and en")
    sources = _sources(session, draft)
    number = repo.last_number(session, draft.id) + 1
    issued = [_render(session, principal, sources, number, lang) for lang in langs]
    session.flush()
    _record_issue(session, principal, sources.draft, org, issued)
    return issued


def _render(
    session: Session, principal: Principal, sources: AnnexSources, number: int, lang: str
) -> tuple[Annex, list[AnnexFile]]:
    """One language's annex: its record, its rendered files, stored beside the earlier ones."""
    draft = sources.draft
    try:
        record = build_record(sources, lang)
    except ValidationError as exc:
        raise InvalidState(
            "The assessment cannot be turned into an annex record",
            code="annex_record_invalid",
            details=[{"loc": list(e["loc"]), "msg": e["msg"]} for e in exc.errors()],
        ) from exc
    annex = Annex(
        draft_id=draft.id,
        organisation_id=draft.organisation_id,
        assessment_id=sources.assessment.id if sources.assessment else None,
        number=number,
        language=lang,
        draft_version=draft.version,
        content_hash=draft.content_hash,
        approvals=[a.model_dump(mode="json") for a in record.approvals],
        issued_at=sources.issued_at,
        issued_by=principal.name,
    )
    session.add(annex)
    session.flush()
    pdf, html = render_pdf(record), render_html(record).encode()
    title = record.identification.title
    files = _files(
        draft, annex, title, record_json(record), pdf, html, bundle_of(record, pdf=pdf, html=html)
    )
    session.add_all(files)
    return annex, files


def _record_issue(
    session: Session,
    principal: Principal,
    draft: DecisionDraft,
    org: Organisation | None,
    issued: list[tuple[Annex, list[AnnexFile]]],
) -> None:
    """The workflow moves on, each annex is audited and announced, and queued for the case
    system's record push."""
    machine.take(
        session,
        principal=principal,
        draft=draft,
        name="issue_annex",
        data={
            "annexes": [
                {"id": a.id, "language": a.language, "sha256": {f.format: f.sha256 for f in fs}}
                for a, fs in issued
            ]
        },
    )
    for annex, files in issued:
        changes.record(
            session,
            actor=principal,
            draft=draft,
            action="annex.issued",
            entity=Entity("annex", annex.id, draft.version),
            data={
                "draft_id": draft.id,
                "number": annex.number,
                "language": annex.language,
                "files": {f.format: {"sha256": f.sha256, "size": f.size} for f in files},
            },
            event="annex.issued",
            resource=Entity("annex", annex.id, annex.number),
        )
        record_push.enqueue(session, annex=_pushable(draft, annex, files, org))


@dataclass
class PushableAnnex:
    """An issued annex as the case-system record push describes it."""

    id: str
    organisation_id: str
    draft_id: str
    title: str
    language: str
    publicity_class: str
    personal_data_class: str
    files: Sequence[tuple[str, str, str, str]]


def _pushable(
    draft: DecisionDraft, annex: Annex, files: Sequence[AnnexFile], org: Organisation | None
) -> PushableAnnex:
    base = get_settings().public_base_url.rstrip("/")
    settings = org.records_settings if org else {}
    return PushableAnnex(
        id=annex.id,
        organisation_id=annex.organisation_id,
        draft_id=draft.id,
        title=draft.title,
        language=annex.language,
        publicity_class=settings.get("publicity_class", "public"),
        personal_data_class=settings.get("personal_data_class", "no_personal_data"),
        files=[
            (
                f.file_name,
                FORMAT_NAMES[f.format],
                f.sha256,
                f"{base}/api/v1/annexes/{annex.id}.{f.format}",
            )
            for f in files
            if f.format in ("pdf", "html", "json")
        ],
    )


def visible_annex(session: Session, *, principal: Principal, annex_id: str) -> Annex:
    annex = repo.get(session, annex_id)
    if annex is None:
        raise NotFound("Annex not found")
    ensure_visible(principal, annex.organisation_id, "Annex")
    ensure(principal, annex.organisation_id, READ_ANNEXES, "read annexes")
    return annex


def annex_file(session: Session, *, principal: Principal, annex_id: str, fmt: str) -> AnnexFile:
    annex = visible_annex(session, principal=principal, annex_id=annex_id)
    found = repo.file(session, annex.id, fmt)
    if found is None:
        raise NotFound(f"No {fmt} file for this annex")
    return found


def list_for_draft(
    session: Session, *, principal: Principal, draft_id: str
) -> list[tuple[Annex, Sequence[AnnexFile]]]:
    draft = drafts.visible_draft(session, principal=principal, draft_id=draft_id)
    ensure(principal, draft.organisation_id, READ_ANNEXES, "read annexes")
    annexes = repo.of_draft(session, draft.id)
    files = repo.files_of(session, [a.id for a in annexes])
    return [(a, [f for f in files if f.annex_id == a.id]) for a in annexes]


@dataclass(frozen=True)
class Verification:
    file: AnnexFile
    annex: Annex


def verify(session: Session, *, principal: Principal, sha256: str) -> list[Verification]:
    """Which issued annex files, among those the caller may read, have this sha256."""
    found = []
    for file, annex in repo.by_sha256(session, sha256.lower()):
        if principal.sees(annex.organisation_id) and principal.may(
            annex.organisation_id, READ_ANNEXES
        ):
            found.append(Verification(file, annex))
    return found


def last_number(session: Session, draft_id: str) -> int:
    """The number of the draft's latest annex (0 before the first one)."""
    return repo.last_number(session, draft_id)
