"""The impact ledger: who bears the impacts across the approved decisions of a period.

Counts only approved assessments, in the version that was approved (the snapshot taken on the
approval), for drafts still approved or later (a reopened draft or one returned to preparation
drops out until it is approved again). Groups and genders are counted in the shared vocabulary;
areas stay per template (templates define different areas)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import quote_plus, urlencode

from sqlmodel import Session

from app.auth.principal import Principal
from app.reports import ledger_store
from app.reports.access import MINIMUM_COUNT, Audience, audience, suppressed
from app.reports.coverage import link
from app.reports.followups import evaluated_on, section
from app.reports.periods import Span
from app.reports.repository import cells as repo
from app.reports.repository import ledger_table
from app.reports.schemas import (
    BurdenRow,
    GapRow,
    LedgerCell,
    LedgerCells,
    LedgerReport,
    LedgerRow,
    UnmappedRow,
)
from app.templates import service as templates
from app.templates.vocabulary import GAP_PAIR, GENDERS, GROUPS

# a group hit negatively in at least this many decisions, or areas, carries a cumulative burden
CUMULATIVE_AT = 2
MAX_CELLS = 500


def _area_labels(
    session: Session, template_ids: set[str], language: str
) -> dict[tuple[str, str], str]:
    labels: dict[tuple[str, str], str] = {}
    for template_id in sorted(template_ids):
        template = templates.get_any(session, template_id)
        for area in templates.definition_of(template).areas:
            labels[template.key, area.key] = area.name.text(language)
    return labels


def ledger(
    session: Session,
    *,
    principal: Principal,
    organisation_id: str,
    span: Span,
    language: str,
    live: bool = False,
) -> LedgerReport:
    """The impact ledger of an organisation (a region: it and its members) over a span: read
    from the stored ledger for a span of whole months, else (or `live`) from the cells."""
    seen = audience(session, principal=principal, organisation_id=organisation_id)
    approvals, ids, restricted = _approvals(session, seen, span)
    found = _figures(session, seen, span, ids, restricted, live=live)
    areas = _area_labels(session, {a.template_id for a in approvals if a.template_id}, language)
    groups = {k: t.text(language) for k, t in GROUPS.items()}
    genders = {k: t.text(language) for k, t in GENDERS.items()}
    base = urlencode(
        {"organisation": seen.root.id, "from": span.start.isoformat(), "to": span.end.isoformat()}
    )
    rows = [
        _row(bucket, base, groups, genders, areas)
        for bucket in found.buckets
        if bucket[0] is not None and bucket[1] is not None  # the rest: `unmapped`
    ]
    rows.sort(key=lambda r: (r.group, r.gender, r.template, r.area, r.direction))
    return LedgerReport(
        organisation=seen.ref(seen.root, language),
        region=seen.is_region,
        organisations=seen.refs(language),
        start=span.start,
        end=span.end,
        language=language,
        approvals=len(approvals),
        minimum_count=MINIMUM_COUNT,
        rows=rows,
        burden=_burden(found.burden, language),
        gender_gaps=_gaps(found.gaps, groups),
        unmapped=[
            UnmappedRow(template=t or "", kind=k, key=key, cells=n)
            for t, k, key, n in sorted((t or "", k, key, n) for t, k, key, n in found.unmapped)
        ],
        followups=section(
            session,
            organisation_ids=seen.ids,
            readable=sorted(seen.readable),
            approval_ids=ids,
            areas=areas,
            language=language,
            on=evaluated_on(span.end),
        ),
    )


@lru_cache(maxsize=4096)
def _quoted(value: str) -> str:
    """A query value as urlencode writes it (the few keys of a ledger repeat on every row)."""
    return quote_plus(value)


def _row(
    bucket: Any,
    base: str,
    groups: dict[str, str],
    genders: dict[str, str],
    areas: dict[tuple[str, str], str],
) -> LedgerRow:
    group, gender, template, area, direction, decisions, cells, strength, scale_max = bucket[:9]
    uncertain, restricted = bucket[9], bucket[10]
    hide = suppressed(decisions, restricted)
    query = "&".join(
        f"{name}={_quoted(value)}"
        for name, value in (
            ("group", group),
            ("gender", gender),
            ("template", template or ""),
            ("area", area),
            ("direction", direction),
        )
    )
    return LedgerRow(
        group=group,
        group_label=groups.get(group, group),
        gender=gender,
        gender_label=genders.get(gender, gender),
        template=template or "",
        area=area,
        area_label=areas.get((template or "", area), area),
        direction=direction,
        decisions=None if hide else decisions,
        cells=None if hide else cells,
        uncertain=None if hide else uncertain,
        strength_max=None if hide else strength,
        scale_max=scale_max,
        suppressed=hide,
        cells_url=f"/api/v1/reports/ledger/cells?{base}&{query}",
    )


def _approvals(
    session: Session, seen: Audience, span: Span
) -> tuple[Sequence[Any], list[str], list[str]]:
    """The approvals counted, their ids, and the ids of those under the minimum-count rule
    for this caller (non-public, of an organisation whose drafts the caller may not read)."""
    approvals = repo.approvals(session, seen.window(span))
    restricted = [
        a.id
        for a in approvals
        if a.publicity_class != "public" and a.organisation_id not in seen.readable
    ]
    return approvals, [a.id for a in approvals], restricted


@dataclass(frozen=True)
class Figures:
    """The ledger's aggregates, in the shapes of repository/cells.py."""

    buckets: Sequence[Any]
    burden: Sequence[Any]
    gaps: Sequence[Any]
    unmapped: Sequence[Any]


def _figures(
    session: Session,
    seen: Audience,
    span: Span,
    ids: Sequence[str],
    restricted: Sequence[str],
    *,
    live: bool,
) -> Figures:
    months = None if live else ledger_store.whole_months(span)
    if months is None:
        return Figures(
            buckets=repo.ledger_buckets(session, ids, restricted),
            burden=repo.burden(session, ids, restricted),
            gaps=repo.gender_gaps(session, ids, GAP_PAIR, restricted),
            unmapped=repo.unmapped(session, ids),
        )
    if not ids:
        return Figures([], [], [], [])
    first, last = months
    return Figures(
        buckets=ledger_table.impact(session, seen.ids, first, last, seen.hidden),
        burden=ledger_table.burden(session, seen.ids, first, last, seen.hidden),
        gaps=ledger_table.gaps(session, seen.ids, first, last, seen.hidden),
        unmapped=ledger_table.unmapped(session, seen.ids, first, last),
    )


def burden_of(session: Session, seen: Audience, span: Span, language: str) -> list[BurdenRow]:
    """Groups hit negatively across decisions or areas, most often hit first."""
    months = ledger_store.whole_months(span)
    if months is not None:
        return _burden(ledger_table.burden(session, seen.ids, *months, seen.hidden), language)
    _, ids, restricted = _approvals(session, seen, span)
    return _burden(repo.burden(session, ids, restricted), language)


def _burden(rows: Sequence[Any], language: str) -> list[BurdenRow]:
    groups = {k: t.text(language) for k, t in GROUPS.items()}
    genders = {k: t.text(language) for k, t in GENDERS.items()}
    found = []
    for group, gender, decisions, areas, hidden in rows:
        if gender is None:
            continue
        hide = suppressed(decisions, hidden)
        found.append(
            BurdenRow(
                group=group,
                group_label=groups.get(group, group),
                gender=gender,
                gender_label=genders.get(gender, gender),
                decisions=None if hide else decisions,
                areas=None if hide else areas,
                cumulative=not hide and (decisions >= CUMULATIVE_AT or areas >= CUMULATIVE_AT),
                suppressed=hide,
            )
        )
    found.sort(key=lambda r: (-(r.decisions or 0), -(r.areas or 0), r.group, r.gender))
    return found


def _gaps(rows: Sequence[Any], groups: dict[str, str]) -> list[GapRow]:
    found = []
    for group, first_worse, second_worse, compared, hidden in rows:
        hide = any(suppressed(n, hidden) for n in (first_worse, second_worse) if n)
        found.append(
            GapRow(
                group=group,
                group_label=groups.get(group, group),
                female_worse=None if hide else first_worse,
                male_worse=None if hide else second_worse,
                cells_compared=None if hide else compared,
                suppressed=hide,
            )
        )
    found.sort(key=lambda r: (-abs((r.female_worse or 0) - (r.male_worse or 0)), r.group))
    return found


def ledger_cells(
    session: Session,
    *,
    principal: Principal,
    organisation_id: str,
    span: Span,
    group: str,
    gender: str,
    template: str | None,
    area: str | None,
    direction: str | None,
) -> LedgerCells:
    """The cells behind a ledger figure, with links to their decisions (those the caller may
    read; the others are only counted)."""
    seen = audience(session, principal=principal, organisation_id=organisation_id)
    rows = repo.bucket_cells(
        session,
        seen.window(span),
        group=group,
        gender=gender,
        template_key=template,
        area=area,
        direction=direction,
        limit=MAX_CELLS,
    )
    return _cells(rows, seen)


def _cells(rows: Sequence[Any], seen: Audience) -> LedgerCells:
    shown = [
        LedgerCell(
            decision=link(r.draft_id, r.title, r.external_label, r.organisation_id),
            template=r.template_key or "",
            area=r.area,
            group=r.grp,
            gender=r.gender,
            value=r.value,
            direction=r.direction,
            uncertain=r.uncertain,
        )
        for r in rows
        if r.organisation_id in seen.readable
    ]
    return LedgerCells(cells=shown, not_shown=len(rows) - len(shown))
