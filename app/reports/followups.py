"""Predicted against realised: the follow-up section of the ledger and the annual report, and
the follow-ups due per member of a region (the follow-ups themselves: app/followups)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlmodel import Session

from app.followups import service as followups
from app.reports.repository import cells as repo
from app.reports.schemas import FollowUpCounts, FollowUpSection, VerdictRow
from app.templates.vocabulary import GENDERS, GROUPS

VERDICTS = ("held", "partly", "did_not_hold", "cannot_say")


def section(
    session: Session,
    *,
    organisation_ids: Sequence[str],
    readable: Sequence[str],
    approval_ids: Sequence[str],
    areas: dict[tuple[str, str], str],
    language: str,
    on: date,
) -> FollowUpSection:
    """Follow-ups planned / due / overdue / done on `on`, and per predicted cell (canonical
    group × gender × area × predicted direction) how many predictions held."""
    counts = followups.due_counts(session, organisation_ids, on)
    total = {k: sum(c[k] for c in counts.values()) for k in ("planned", "due", "overdue", "done")}
    rows: dict[tuple[str, str, str, str, str], dict[str, int]] = {}
    for group, gender, template, area, direction, verdict, cells in repo.followup_verdicts(
        session, approval_ids, readable
    ):
        if group is None or gender is None:
            continue
        key = (group, gender, template or "", area, direction)
        rows.setdefault(key, dict.fromkeys(VERDICTS, 0))[str(verdict)] += int(cells)
    return FollowUpSection(
        on=on,
        counts=FollowUpCounts(**total),
        verdicts=[
            VerdictRow(
                group=group,
                group_label=GROUPS[group].text(language) if group in GROUPS else group,
                gender=gender,
                gender_label=GENDERS[gender].text(language) if gender in GENDERS else gender,
                template=template,
                area=area,
                area_label=areas.get((template, area), area),
                predicted=direction,
                **found,
            )
            for (group, gender, template, area, direction), found in sorted(rows.items())
        ],
    )


def due_per_organisation(
    session: Session, organisation_ids: Sequence[str], on: date
) -> dict[str, int]:
    """Follow-ups due or overdue on `on`, per organisation (the region dashboard)."""
    counts = followups.due_counts(session, organisation_ids, on)
    return {o: c["due"] + c["overdue"] for o, c in counts.items()}


def evaluated_on(end: date) -> date:
    """A period's follow-ups are evaluated on its last day, or today while it runs."""
    return min(end, followups.today())
