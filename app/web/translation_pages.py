"""A draft's texts in one of its other languages: each source text beside its translation,
saved with one button (no script needed); a conflicting save keeps what was typed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from fastapi import APIRouter
from fastapi.responses import Response
from pydantic import ValidationError
from starlette.datastructures import FormData

from app.core.errors import InvalidState, PreconditionFailed, Unprocessable
from app.core.i18n import translate
from app.translations import service as translations
from app.translations.schemas import TranslationsWrite
from app.translations.service import Item, LanguageView
from app.web.access import may_edit
from app.web.draft_pages import service_errors
from app.web.errors import WebRoute, abandon
from app.web.forms import Errors, FieldError, form_text
from app.web.rendering import redirect, render, url_with
from app.web.session import PostedForm, Web, WebContext, require_csrf
from app.workflow.policy import Part

router = APIRouter(include_in_schema=False, route_class=WebRoute)
Lang = Literal["fi", "sv", "en"]
MESSAGES = frozenset({"saved", "unchanged"})
PARTS: tuple[Part, ...] = ("draft", "screening", "texts", "cells")


def text_translator(lang: str) -> Callable[..., str]:
    """The strings of the translations pages (app/locales/*/translations.json)."""

    def tr(key: str, **params: object) -> str:
        return translate(lang, "translations." + key, **params)

    return tr


@dataclass(frozen=True)
class Row:
    """One text on the page: its item, the form's index, what the box holds, whether the
    caller may change it now, and what is saved when a conflicting save showed other text."""

    index: int
    item: Item
    value: str
    editable: bool
    saved_now: str | None = None


def _show(web: WebContext, view: LanguageView) -> str:
    asked = web.request.query_params.get("show")
    if asked in ("open", "all"):
        return asked
    return "open" if any(i.state != "done" for i in view.items) else "all"


def _page(
    web: WebContext,
    view: LanguageView,
    *,
    show: str,
    posted: dict[str, str] | None = None,
    errors: Errors | None = None,
    conflict_by: str | None = None,
    status: int = 200,
) -> Response:
    editable = {p for p in PARTS if may_edit(web.session, web.principal, view.draft, p)}
    rows = []
    for index, item in enumerate(view.items):
        if show == "open" and item.state == "done" and not (posted and item.path in posted):
            continue
        saved = item.translation or ""
        value = posted.get(item.path, saved) if posted else saved
        rows.append(
            Row(
                index,
                item,
                value,
                item.part in editable,
                saved if conflict_by is not None and value != saved else None,
            )
        )
    tr = text_translator(web.lang)
    context = {
        "draft": view.draft,
        "view": view,
        "rows": rows,
        "show": show,
        "tr": tr,
        "target_name": tr(f"language.{view.lang}"),
        "source_name": tr(f"language.{view.source_lang}"),
        "counts": {s: view.count(s) for s in translations.STATES},
        "errors": errors or {},
        "conflict_by": conflict_by,
        "msg": _message(web) if not posted else None,
        "nav": "drafts",
        "tab": "draft",
    }
    return render(
        web.request,
        "web/translations.html.j2",
        context,
        status=status,
        page_url=url_with(f"/drafts/{view.draft.id}/translations/{view.lang}", show=show),
    )


def _message(web: WebContext) -> str | None:
    msg = web.request.query_params.get("msg")
    return msg if msg in MESSAGES else None


def _read(web: WebContext, draft_id: str, lang: str) -> LanguageView:
    return translations.read(
        web.session, principal=web.principal, draft_id=draft_id, lang=lang, label_lang=web.lang
    )


@router.get("/drafts/{draft_id}/translations/{lang}")
def show_translations(draft_id: str, lang: Lang, web: Web) -> Response:
    """Every source text beside its translation, with its state in words."""
    view = _read(web, draft_id, lang)
    return _page(web, view, show=_show(web, view))


def _posted_texts(form: FormData) -> dict[str, str]:
    texts: dict[str, str] = {}
    for key in form:
        if key.startswith("p-") and key[2:].isdigit():
            path = form_text(form, key)
            # browsers send line breaks as CR LF; the texts are stored with LF like the API's
            texts[path] = form_text(form, f"t-{key[2:]}").replace("\r\n", "\n")
    return texts


def _changes(form: FormData, view: LanguageView, posted: dict[str, str]) -> dict[str, str]:
    """What the form changes: texts that differ from the saved ones, and outdated ones the
    translator marked as checked (saving them binds them to the current source)."""
    confirmed = {form_text(form, k) for k in form if k.startswith("p-") and form.get(f"ok-{k[2:]}")}
    items = {i.path: i for i in view.items}
    changed = {}
    for path, text in posted.items():
        item = items.get(path)
        saved = item.translation or "" if item else None
        checked = item is not None and item.state == "outdated" and path in confirmed
        if text.strip() != saved or checked:
            changed[path] = text
    return changed


def _field_errors(exc: ValidationError, rows_of: dict[str, int]) -> Errors:
    errors: Errors = {}
    for error in exc.errors():
        loc = tuple(error.get("loc", ()))
        path = str(loc[1]) if len(loc) > 1 else ""
        name = f"t-{rows_of[path]}" if path in rows_of else "_form"
        message = str(error.get("msg", ""))
        errors.setdefault(name, []).append(FieldError("service", {"message": message}))
    return errors


@router.post("/drafts/{draft_id}/translations/{lang}")
def save_translations(draft_id: str, lang: Lang, web: Web, posted: PostedForm) -> Response:
    """Save the texts the form changed, on the translations the page showed (its ETag)."""
    require_csrf(web, posted)
    view = _read(web, draft_id, lang)
    show = form_text(posted, "show") if form_text(posted, "show") in ("open", "all") else "all"
    texts = _posted_texts(posted)
    rows_of = {item.path: n for n, item in enumerate(view.items)}
    try:
        data = TranslationsWrite.model_validate({"texts": _changes(posted, view, texts)})
    except ValidationError as exc:
        return _page(
            web, view, show=show, posted=texts, errors=_field_errors(exc, rows_of), status=422
        )
    if not data.texts:
        return redirect(
            url_with(f"/drafts/{draft_id}/translations/{lang}", show=show, msg="unchanged")
        )
    try:
        translations.save(
            web.session,
            principal=web.principal,
            draft_id=draft_id,
            lang=lang,
            expected_etag=form_text(posted, "etag"),
            texts=data.texts,
            label_lang=web.lang,
        )
    except PreconditionFailed as exc:
        abandon(web.session, exc)
        details = exc.details if isinstance(exc.details, dict) else {}
        who = str(details.get("changed_by") or "") or text_translator(web.lang)("page.someone")
        fresh = _read(web, draft_id, lang)
        return _page(web, fresh, show=show, posted=texts, conflict_by=who, status=412)
    except (Unprocessable, InvalidState) as exc:
        abandon(web.session, exc)
        return _page(
            web, view, show=show, posted=texts, errors=service_errors(exc), status=exc.status
        )
    return redirect(url_with(f"/drafts/{draft_id}/translations/{lang}", show=show, msg="saved"))
