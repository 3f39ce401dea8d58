"""What changed in a sign-off's scope since it was given, in the page's language."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from app.reviews import service as reviews
from app.templates import service as templates
from app.web.comment_threads import anchor_label, draft_labels
from app.web.errors import WebRoute
from app.web.matrix import Labels
from app.web.rendering import known, render, translator
from app.web.session import Web, WebContext
from app.web.template_view import template_name

router = APIRouter(include_in_schema=False, route_class=WebRoute)


@dataclass(frozen=True)
class Change:
    part: str
    label: str
    before: list[tuple[str, str]]
    after: list[tuple[str, str]]


def _alternatives_text(value: Any) -> list[tuple[str, str]]:
    rows = value if isinstance(value, list) else []
    return [(str(a.get("name", "")), str(a.get("description", ""))) for a in rows]


def _cell_fields(value: Any, labels: Labels | None, lang: str) -> list[tuple[str, str]]:
    if value is None:
        return [(translator(lang)("diff.field.value"), translator(lang)("diff.not_assessed"))]
    t = translator(lang)
    shown = []
    for name, item in value.items():
        if item in (None, "", False) and name != "value":
            continue
        text = str(item)
        if name == "value":
            if value.get("cannot_assess"):
                text = t("diff.cannot_assess")
            elif item is None:
                text = t("diff.not_assessed")
            elif labels is not None:
                names = {o.value: o.label for o in labels.options}
                text = names.get(str(item), str(item))
        if name == "cannot_assess":
            continue
        shown.append((t("diff.field." + name), text))
    return shown


def _scope_text(value: Any, labels: Labels | None, t: Callable[..., str]) -> list[tuple[str, str]]:
    """The areas and groups in scope and the reason, by name."""
    if not value:
        return [("", t("scope.everything"))]

    def names(keys: Any, known_names: dict[str, str]) -> str:
        if keys is None:
            return t("scope.all")
        return ", ".join(known_names.get(k, k) for k in keys)

    return [
        (t("scope.areas"), names(value.get("areas"), labels.areas if labels else {})),
        (t("scope.groups"), names(value.get("groups"), labels.groups if labels else {})),
        (t("scope.reason"), str(value.get("reason", ""))),
    ]


def diff_view(
    changes: list[dict[str, Any]], labels: Labels | None, web: WebContext
) -> list[Change]:
    """The service's diff as before → after lines in the page's language."""
    t = translator(web.lang)
    views = []
    for change in changes:
        part = change["part"]
        before, after = change.get("before"), change.get("after")
        if part == "proposal":
            views.append(
                Change(
                    part,
                    t("diff.part.proposal"),
                    [("", str(before or ""))],
                    [("", str(after or ""))],
                )
            )
        elif part == "alternatives":
            views.append(
                Change(
                    part,
                    t("diff.part.alternatives"),
                    _alternatives_text(before),
                    _alternatives_text(after),
                )
            )
        elif part == "template":

            def version(v: Any) -> list[tuple[str, str]]:
                if not v:
                    return [("", "–")]
                return [("", t("diff.template", key=v.get("key", ""), version=v.get("version")))]

            views.append(Change(part, t("diff.part.template"), version(before), version(after)))
        elif part == "matrix_scope":
            views.append(
                Change(
                    part,
                    t("diff.part.matrix_scope"),
                    _scope_text(before, labels, t),
                    _scope_text(after, labels, t),
                )
            )
        else:
            label = anchor_label(change.get("cell", {}), labels, web.lang)
            views.append(
                Change(
                    part,
                    label,
                    _cell_fields(before, labels, web.lang),
                    _cell_fields(after, labels, web.lang),
                )
            )
    return views


@router.get("/drafts/{draft_id}/review/signoffs/{signoff_id}")
def show_signoff_diff(draft_id: str, signoff_id: str, web: Web) -> Response:
    """What changed in a sign-off's scope since it was given."""
    diff = reviews.signoff_diff(
        web.session, principal=web.principal, draft_id=draft_id, signoff_id=signoff_id
    )
    draft, signoff, changes, state = diff.draft, diff.signoff, diff.changes, diff.state
    labels = draft_labels(web, draft)
    template = None
    found = templates.get_any(web.session, signoff.template_id) if signoff.template_id else None
    if found is not None:
        template = template_name(templates.definition_of(found), web.lang)
    context = {
        "draft": draft,
        "signoff": signoff,
        "stale": state is not None and signoff.content_hash != state.content_hash,
        "current_hash": state.content_hash if state else "",
        "requirement": known(web.lang, "requirement." + signoff.requirement, signoff.requirement),
        "template": template,
        "changes": diff_view(changes, labels, web),
        "nav": "drafts",
        "tab": "review",
    }
    return render(web.request, "web/signoff_diff.html.j2", context)
