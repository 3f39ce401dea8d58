"""What is missing, across every alternative and area: the cells in scope not yet assessed and
the scores still without their justification, each a link to the cell on its area's page
(the editor shows one alternative and one area at a time)."""

from __future__ import annotations

from dataclasses import dataclass, field

from fastapi import APIRouter
from fastapi.responses import Response

from app.assessments import service as assessments
from app.assessments.service import AssessmentView
from app.drafts import service as drafts
from app.templates import service as templates
from app.web.errors import WebRoute
from app.web.matrix import CellKey, Labels, labels_for
from app.web.matrix_view import cell_id, page_url
from app.web.rendering import render, translator
from app.web.session import Web

router = APIRouter(include_in_schema=False, route_class=WebRoute)

# Links listed per area; the rest are reached through the area's "only missing" page.
CELLS_PER_AREA = 24


@dataclass
class MissingCell:
    label: str
    href: str
    justification: bool = False


@dataclass
class MissingArea:
    label: str
    href: str
    count: int = 0
    cells: list[MissingCell] = field(default_factory=list)


@dataclass
class MissingAlternative:
    key: str
    name: str
    count: int = 0
    areas: list[MissingArea] = field(default_factory=list)


def _unassessed(av: AssessmentView) -> list[CellKey]:
    """The cells inside the scope that have neither a score nor "cannot be assessed"."""
    stored = {(c.alternative, c.area, c.grp, c.gender): c for c in av.cells}
    found = []
    for key in av.shape.cell_keys():
        if not av.scope.covers(key[1], key[2]):
            continue
        cell = stored.get(key)
        if cell is None or (cell.value is None and not cell.cannot_assess):
            found.append(key)
    return found


def missing_by_alternative(
    draft_id: str, av: AssessmentView, labels: Labels
) -> list[MissingAlternative]:
    """Per alternative and area, what is missing, in the matrix's order."""
    unassessed = [(k, False) for k in _unassessed(av)]
    unjustified = [(k, True) for k in assessments.summary_of(av).missing_justification]
    order = {k: i for i, k in enumerate(av.shape.cell_keys())}
    found: dict[str, MissingAlternative] = {}
    areas: dict[tuple[str, str], MissingArea] = {}
    for key, justification in sorted(unassessed + unjustified, key=lambda x: order.get(x[0], 0)):
        alternative, area = key[0], key[1]
        alt = found.setdefault(
            alternative,
            MissingAlternative(alternative, labels.alternatives.get(alternative, alternative)),
        )
        here = page_url(draft_id, alternative, area, "missing")
        if (alternative, area) not in areas:
            areas[(alternative, area)] = MissingArea(labels.areas[area], f"{here}#matrix-table")
            alt.areas.append(areas[(alternative, area)])
        item = areas[(alternative, area)]
        alt.count += 1
        item.count += 1
        if len(item.cells) < CELLS_PER_AREA:
            anchor = cell_id(av.shape, key) + ("-j" if justification else "")
            item.cells.append(MissingCell(labels.short(key), f"{here}#{anchor}", justification))
    return [found[a] for a in av.shape.alternatives if a in found]


@router.get("/drafts/{draft_id}/assessment/missing")
def show_missing(draft_id: str, web: Web) -> Response:
    """Every cell still to be assessed or justified, with a link to it."""
    view = drafts.get_view(web.session, principal=web.principal, draft_id=draft_id)
    av = assessments.get_assessment(web.session, principal=web.principal, draft_id=draft_id)
    definition = templates.definition_of(av.template)
    labels = labels_for(definition, view.alternatives, web.lang, translator(web.lang))
    found = missing_by_alternative(draft_id, av, labels)
    context = {
        "draft": view.draft,
        "nav": "drafts",
        "tab": "assessment",
        "alternatives": found,
        "total": sum(a.count for a in found),
        "per_area": CELLS_PER_AREA,
    }
    return render(web.request, "web/missing.html.j2", context)
