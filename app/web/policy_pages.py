"""An organisation's workflow policy: shown as tables, edited as JSON by administrators."""

from __future__ import annotations

import json
from typing import get_args

from fastapi import APIRouter
from fastapi.responses import Response
from pydantic import ValidationError

from app.auth.permissions import ADMINISTER, ensure
from app.core.errors import Unprocessable
from app.organisations import service as organisations
from app.web.errors import WebRoute, abandon, detail_messages
from app.web.forms import form_int, form_text
from app.web.rendering import known, redirect, render, translator
from app.web.session import PostedForm, Web, WebContext, require_csrf
from app.workflow import store as policies
from app.workflow.policy import Part, WorkflowPolicy
from app.workflow.states import DraftStatus

router = APIRouter(include_in_schema=False, route_class=WebRoute)
PARTS: tuple[str, ...] = get_args(Part)
MAX_POLICY_CHARS = 200_000


def _pretty(policy: WorkflowPolicy) -> str:
    return json.dumps(policy.model_dump(mode="json"), ensure_ascii=False, indent=2)


def _transition_rows(policy: WorkflowPolicy, lang: str) -> list[dict[str, object]]:
    """Each transition as a table row, its name in the page's language."""
    return [
        {
            "name": t.name,
            "label": known(lang, "transition." + t.name, t.name),
            "from": [s.value for s in t.from_states],
            "to": t.to.value,
            "roles": [r.value for r in t.roles],
            "guards": list(t.guards),
        }
        for t in policy.transitions
    ]


def policy_page(
    web: WebContext,
    organisation_id: str,
    *,
    text: str | None = None,
    problems: list[str] | None = None,
    status: int = 200,
) -> Response:
    """The policy as tables, and its JSON in a form."""
    record, policy = policies.get(
        web.session, principal=web.principal, organisation_id=organisation_id
    )
    ensure(web.principal, organisation_id, ADMINISTER, "change the workflow policy")
    org = organisations.visible_organisation(
        web.session, principal=web.principal, organisation_id=organisation_id
    )
    context = {
        "organisation": org.name_sv if web.lang == "sv" and org.name_sv else org.name,
        "organisation_id": organisation_id,
        "version": record.version if record else 0,
        "is_default": record is None,
        "updated_by": record.updated_by if record else "",
        "updated_at": record.updated_at if record else None,
        "states": [s.value for s in DraftStatus],
        "parts": PARTS,
        "edit": {
            s.value: {p: [r.value for r in rs] for p, rs in e.items()}
            for s, e in policy.edit.items()
        },
        "transitions": _transition_rows(policy, web.lang),
        "requirements": policy.requirements,
        "separation": policy.separation_of_duties,
        "text": _pretty(policy) if text is None else text,
        "problems": problems or [],
        "msg": "policy_saved" if web.request.query_params.get("msg") == "policy_saved" else None,
        "nav": "policy",
    }
    return render(
        web.request,
        "web/policy.html.j2",
        context,
        status=status,
        page_url=f"/organisations/{organisation_id}/policy",
    )


@router.get("/organisations/{organisation_id}/policy")
def show_policy(organisation_id: str, web: Web) -> Response:
    """The organisation's workflow (administrators)."""
    return policy_page(web, organisation_id)


def _json_problem(web: WebContext, exc: json.JSONDecodeError) -> str:
    t = translator(web.lang)
    return t("policy.json_error", message=exc.msg, line=exc.lineno, column=exc.colno)


@router.post("/organisations/{organisation_id}/policy")
def save_policy(organisation_id: str, web: Web, posted: PostedForm) -> Response:
    """Validate and save the edited JSON, guarded by the version the page showed."""
    require_csrf(web, posted)
    text = form_text(posted, "policy")
    if len(text) > MAX_POLICY_CHARS:
        return policy_page(
            web,
            organisation_id,
            text="",
            problems=[translator(web.lang)("policy.too_long")],
            status=422,
        )
    try:
        parsed = json.loads(text)
        if isinstance(parsed, dict) and isinstance(parsed.get("policy"), dict):
            parsed = parsed["policy"]  # the API's PolicyRead body pasted as it is
        policy = WorkflowPolicy.model_validate(parsed)
    except json.JSONDecodeError as exc:
        return policy_page(
            web, organisation_id, text=text, problems=[_json_problem(web, exc)], status=422
        )
    except ValidationError as exc:
        lines = [
            f"{'.'.join(map(str, e.get('loc', ()))) or '–'}: {e.get('msg', '')}"
            for e in exc.errors()
        ]
        return policy_page(web, organisation_id, text=text, problems=lines[:50], status=422)
    try:
        policies.put(
            web.session,
            principal=web.principal,
            organisation_id=organisation_id,
            expected_version=form_int(posted, "version"),
            policy=policy,
        )
    except Unprocessable as exc:
        abandon(web.session, exc)
        return policy_page(
            web, organisation_id, text=text, problems=detail_messages(exc.details), status=422
        )
    return redirect(f"/organisations/{organisation_id}/policy?msg=policy_saved")
