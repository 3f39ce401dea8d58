"""The reviewer's inbox: drafts awaiting their sign-off across their organisations."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from app.drafts.models import DecisionDraft
from app.organisations import service as organisations
from app.reviews import inbox
from app.web.errors import WebRoute
from app.web.rendering import known, render
from app.web.session import Web

router = APIRouter(include_in_schema=False, route_class=WebRoute)


@dataclass(frozen=True)
class AwaitingRow:
    draft: DecisionDraft
    organisation: str
    requirement: str
    valid: int
    required: int
    due_date: Any


@router.get("/reviews")
def awaiting_reviews(web: Web) -> Response:
    """Awaiting my review, across every organisation the reviewer serves."""
    items = inbox.awaiting(web.session, principal=web.principal)
    names: dict[str, str] = {}
    rows = []
    for item in items:
        org_id = item.draft.organisation_id
        if org_id not in names:
            org = organisations.visible_organisation(
                web.session, principal=web.principal, organisation_id=org_id
            )
            names[org_id] = org.name_sv if web.lang == "sv" and org.name_sv else org.name
        rows.append(
            AwaitingRow(
                item.draft,
                names[org_id],
                known(web.lang, "requirement." + item.requirement.key, item.requirement.key),
                item.valid,
                item.requirement.count,
                item.due_date,
            )
        )
    rows.sort(key=lambda r: (r.due_date is None, str(r.due_date or ""), r.draft.title))
    return render(web.request, "web/reviews.html.j2", {"rows": rows, "nav": "reviews"})
