"""Demo data for `make run`: a region, two municipalities, a user per role, one API client,
and a year of decisions in Vaasa and Laihia for the reports (app/reports/demo.py)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session

from app.demo.drafts import create_demo_drafts
from app.demo.tenants import (
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    DEMO_PASSWORD,
    USERS,
    create_tenants,
)
from app.organisations import service as org_service

__all__ = [
    "DEMO_CLIENT_ID",
    "DEMO_CLIENT_SECRET",
    "DEMO_PASSWORD",
    "USERS",
    "DemoSummary",
    "load_demo_data",
]


@dataclass
class DemoSummary:
    created: bool
    logins: list[tuple[str, str, str]] = field(default_factory=list)


def load_demo_data(session: Session) -> DemoSummary:
    """Create the demo tenants once; later calls leave existing data alone."""
    summary = DemoSummary(created=org_service.organisation_by_slug(session, "vaasa") is None)
    if summary.created:
        create_tenants(session)
        session.flush()
        create_demo_drafts(session)
    for email, _name, slug, roles, _op in USERS:
        summary.logins.append(
            (email, DEMO_PASSWORD, f"{slug}: {', '.join(r.value for r in roles)}")
        )
    summary.logins.append((DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, "vaasa: API client (all scopes)"))
    return summary
