"""Creating, viewing and editing a decision draft (with its alternatives and revisions)."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter
from fastapi.responses import Response

from app.auth.permissions import WRITE_DRAFTS
from app.core.errors import AppError, Conflict, Forbidden, InvalidState, Unprocessable
from app.core.i18n import translate
from app.drafts import service as drafts
from app.drafts.models import DecisionDraft
from app.organisations import service as organisations
from app.translations import service as translations
from app.web.access import may_edit
from app.web.errors import WebRoute, abandon, detail_messages
from app.web.forms import (
    DraftForm,
    Errors,
    FieldError,
    FormInvalid,
    draft_create,
    draft_field_names,
    draft_form_of,
    draft_update,
    empty_draft_form,
    form_text,
    posted_draft_form,
)
from app.web.rendering import redirect, render, translator
from app.web.session import PostedForm, Web, WebContext, require_csrf

router = APIRouter(include_in_schema=False, route_class=WebRoute)

# Messages a redirect may ask the next page to show (?msg=…); anything else is ignored.
MESSAGES = frozenset(
    {
        "created",
        "saved",
        "unchanged",
        "screened",
        "started",
        "cells_saved",
        "cells_unchanged",
        "scope_saved",
        "bulk_saved",
        "bulk_nothing",
    }
)
# Service error codes with their own explanation in the UI's languages.
KNOWN_CODES = frozenset(
    {
        "case_already_linked",
        "status_quo_required",
        "draft_not_editable",
        "screening_required",
        "assessment_exists",
        "template_not_published",
    }
)
FORM_ERRORS = (Unprocessable, InvalidState, Conflict)


def service_errors(exc: AppError) -> Errors:
    """A service refusal as messages at the top of the form."""
    if exc.code in KNOWN_CODES:
        return {"_form": [FieldError(f"code.{exc.code}")]}
    lines = detail_messages(exc.details) or [exc.message]
    return {"_form": [FieldError("service", {"message": line}) for line in lines]}


def flash(message: str | None) -> str | None:
    return message if message in MESSAGES else None


@dataclass(frozen=True)
class OrgChoice:
    id: str
    name: str
    languages: list[str]


def _org_name(web: WebContext, organisation_id: str) -> OrgChoice:
    org = organisations.visible_organisation(
        web.session, principal=web.principal, organisation_id=organisation_id
    )
    name = org.name_sv if web.lang == "sv" and org.name_sv else org.name
    return OrgChoice(org.id, name, list(org.languages))


def writable_organisations(web: WebContext) -> list[OrgChoice]:
    """Where the caller may create drafts."""
    return [
        _org_name(web, org_id)
        for org_id in sorted(web.principal.organisation_ids)
        if web.principal.may(org_id, WRITE_DRAFTS)
    ]


def _new_page(
    web: WebContext, form: DraftForm, orgs: list[OrgChoice], errors: Errors, status: int = 200
) -> Response:
    names = draft_field_names(form, translator(web.lang))
    context = {"form": form, "orgs": orgs, "errors": errors, "names": names, "nav": "new"}
    return render(
        web.request, "web/draft_new.html.j2", context, status=status, page_url="/drafts/new"
    )


@router.get("/drafts/new")
def new_draft(web: Web) -> Response:
    """An empty draft form with the status quo and two alternatives."""
    orgs = writable_organisations(web)
    if not orgs:
        raise Forbidden("Your role does not allow you to create drafts")
    languages = orgs[0].languages if len(orgs) == 1 else ["fi"]
    form = empty_draft_form(translator(web.lang)("alt.status_quo_default"), languages)
    return _new_page(web, form, orgs, {})


@router.post("/drafts/new")
def create_draft(web: Web, posted: PostedForm) -> Response:
    """Create the draft (or add an empty alternative row and show the form again)."""
    require_csrf(web, posted)
    form = posted_draft_form(posted, web.lang)
    orgs = writable_organisations(web)
    if form_text(posted, "action") == "add_row":
        form.add_blank_row()
        return _new_page(web, form, orgs, {})
    try:
        view = drafts.create(web.session, principal=web.principal, data=draft_create(form))
    except FormInvalid as exc:
        return _new_page(web, form, orgs, exc.errors, 422)
    except FORM_ERRORS as exc:
        abandon(web.session, exc)
        return _new_page(web, form, orgs, service_errors(exc), exc.status)
    return redirect(f"/drafts/{view.draft.id}?msg=created")


@dataclass(frozen=True)
class LanguageStatus:
    """How far the draft's texts are translated into one of its other languages."""

    lang: str
    missing: int
    message: str
    link: str


def language_statuses(web: WebContext, draft: DecisionDraft) -> list[LanguageStatus]:
    def tr(key: str, **params: object) -> str:
        return translate(web.lang, "translations." + key, **params)

    return [
        LanguageStatus(
            lang,
            count,
            tr("draft.missing" if count else "draft.complete", count=count, language=name),
            tr("draft.open", language=name),
        )
        for lang, count in translations.untranslated_counts(web.session, draft).items()
        for name in [tr(f"language.{lang}")]
    ]


def draft_page(
    web: WebContext,
    draft_id: str,
    *,
    form: DraftForm | None = None,
    errors: Errors | None = None,
    status: int = 200,
) -> Response:
    """The draft's page: its form (or read-only text), revisions and what comes next."""
    view = drafts.get_view(web.session, principal=web.principal, draft_id=draft_id)
    draft = view.draft
    can_edit = may_edit(web.session, web.principal, draft, "draft")
    shown = form or draft_form_of(draft, view.alternatives, web.lang)
    context = {
        "draft": draft,
        "alternatives": view.alternatives,
        "form": shown,
        "names": draft_field_names(shown, translator(web.lang)),
        "errors": errors or {},
        "can_edit": can_edit,
        "writer": web.principal.may(draft.organisation_id, WRITE_DRAFTS),
        "revisions": list(
            reversed(drafts.revisions(web.session, principal=web.principal, draft_id=draft_id))
        ),
        "organisation": _org_name(web, draft.organisation_id),
        "languages": language_statuses(web, draft),
        "languages_title": translate(web.lang, "translations.draft.title"),
        "msg": flash(web.request.query_params.get("msg")),
        "nav": "drafts",
        "tab": "draft",
    }
    return render(
        web.request, "web/draft.html.j2", context, status=status, page_url=f"/drafts/{draft_id}"
    )


@router.get("/drafts/{draft_id}")
def show_draft(draft_id: str, web: Web) -> Response:
    """View and edit one draft."""
    return draft_page(web, draft_id)


@router.post("/drafts/{draft_id}")
def save_draft(draft_id: str, web: Web, posted: PostedForm) -> Response:
    """Save the whole form as a new revision, guarded by the version the form showed."""
    require_csrf(web, posted)
    form = posted_draft_form(posted, web.lang)
    if form_text(posted, "action") == "add_row":
        form.add_blank_row()
        return draft_page(web, draft_id, form=form)
    try:
        view = drafts.update(
            web.session,
            principal=web.principal,
            draft_id=draft_id,
            expected_version=form.version,
            data=draft_update(form),
        )
    except FormInvalid as exc:
        return draft_page(web, draft_id, form=form, errors=exc.errors, status=422)
    except FORM_ERRORS as exc:
        abandon(web.session, exc)
        return draft_page(web, draft_id, form=form, errors=service_errors(exc), status=exc.status)
    message = "saved" if view.draft.version != form.version else "unchanged"
    return redirect(f"/drafts/{draft_id}?msg={message}")
