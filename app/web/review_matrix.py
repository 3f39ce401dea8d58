"""The matrix on the review page: read-only, one alternative and one area at a time, with the
comment threads at their cells and what changed since the reviewer's last sign-off marked."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import urlencode

from app.assessments import service as assessments
from app.core.errors import NotFound
from app.drafts import service as drafts
from app.drafts.models import DecisionDraft
from app.reviews import service as reviews
from app.reviews.models import SignOff
from app.templates import service as templates
from app.templates.definition import TemplateDefinition
from app.web.comment_threads import Thread
from app.web.matrix import CellKey, labels_for
from app.web.matrix_view import MatrixView, build_matrix
from app.web.my_scope import my_scope
from app.web.rendering import translator
from app.web.session import WebContext

MATRIX_PARTS = frozenset({"cell"})


def review_url(draft_id: str, alternative: str, area: str, show: str = "all") -> str:
    query = {"alternative": alternative, "area": area}
    if show != "all":
        query["show"] = show
    return f"/drafts/{draft_id}/review?{urlencode(query)}"


@dataclass
class ReviewMatrix:
    """The matrix page of the review, and what changed since the reviewer signed."""

    matrix: MatrixView
    option_labels: dict[str, str]
    threads: dict[CellKey, list[Thread]]
    changed: set[CellKey]
    since: SignOff | None
    changed_parts: list[str] = field(default_factory=list)
    changed_elsewhere: int = 0
    details: dict[CellKey, list[tuple[str, str]]] = field(default_factory=dict)


def _cell_key(thread: Thread) -> CellKey | None:
    a = thread.root.anchor
    keys = ("alternative", "area", "group", "gender")
    if not all(a.get(k) for k in keys):
        return None
    return (str(a["alternative"]), str(a["area"]), str(a["group"]), str(a["gender"]))


def last_signoff(states: Sequence[reviews.RequirementState], reviewer_id: str) -> SignOff | None:
    """The reviewer's newest sign-off on this draft, on any requirement."""
    mine = [s for state in states for s in state.signoffs if s.reviewer_id == reviewer_id]
    return max(mine, key=lambda s: s.created_at, default=None)


def review_matrix(
    web: WebContext,
    draft: DecisionDraft,
    threads: Sequence[Thread],
    since: SignOff | None,
    *,
    alternative: str | None,
    area: str | None,
    show: str,
) -> ReviewMatrix | None:
    """None before the draft has a matrix."""
    try:
        av = assessments.get_assessment(web.session, principal=web.principal, draft_id=draft.id)
    except NotFound:
        return None
    t = translator(web.lang)
    definition = templates.definition_of(av.template)
    labels = labels_for(definition, drafts.alternatives(web.session, draft.id), web.lang, t)
    by_cell: dict[CellKey, list[Thread]] = {}
    for thread in threads:
        key = _cell_key(thread)
        if key is not None:
            by_cell.setdefault(key, []).append(thread)
    commented = {k for k, items in by_cell.items() if any(not th.root.resolved for th in items)}
    changed: set[CellKey] = set()
    parts: list[str] = []
    if since is not None:
        diff = reviews.signoff_diff(
            web.session, principal=web.principal, draft_id=draft.id, signoff_id=since.id
        )
        for change in diff.changes:
            if change["part"] == "cell":
                c = change["cell"]
                changed.add((c["alternative"], c["area"], c["group"], c["gender"]))
            else:
                parts.append(t("diff.part." + change["part"]))
    matrix = build_matrix(
        draft.id,
        av,
        labels,
        assessments.summary_of(av),
        t,
        alternative=alternative,
        area=area,
        show=show,
        commented=commented,
        link=review_url,
        mine=my_scope(web.session, web.principal, draft, av) if show == "mine" else None,
    )
    here = (matrix.alternative, matrix.area)
    return ReviewMatrix(
        matrix=matrix,
        option_labels={o.value: o.label for o in labels.options},
        threads=by_cell,
        changed=changed,
        since=since,
        changed_parts=parts,
        changed_elsewhere=sum(1 for k in changed if k[:2] != here),
        details=_details(av, definition, web.lang, here),
    )


def _details(
    av: assessments.AssessmentView, definition: TemplateDefinition, lang: str, here: tuple[str, str]
) -> dict[CellKey, list[tuple[str, str]]]:
    """Per cell of the page shown: its time horizon, certainty, evidence and mitigation."""
    t = translator(lang)
    horizons = {h.key: h.name.text(lang) for h in definition.horizons}
    certainties = {c.key: c.name.text(lang) for c in definition.certainty_levels}
    found = {}
    for c in av.cells:
        if (c.alternative, c.area) != here:
            continue
        rows = [
            (t("cell.horizon"), horizons.get(c.horizon or "", c.horizon or "")),
            (t("cell.certainty"), certainties.get(c.certainty or "", c.certainty or "")),
            (t("cell.evidence"), c.evidence),
            (t("cell.mitigation"), c.mitigation),
        ]
        shown = [(label, text) for label, text in rows if text]
        if shown:
            found[(c.alternative, c.area, c.grp, c.gender)] = shown
    return found
