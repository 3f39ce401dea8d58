"""Who sees which report: the organisations a report covers and what of them the caller sees.

- An organisation's own reports: its experts (welfare coordinators) and admins, and API clients
  of the organisation with `reports:read`. A region's experts hold the expert role in its
  members, so they read each member's reports too.
- A region's report covers the region and its member municipalities, side by side.
- Another organisation's report: 404, as for every resource of another tenant.
- Links to decisions and the texts of their screening reasons appear only where the caller may
  read the drafts (people with a role there; clients with `drafts:read`).
- **Minimum count.** A ledger figure that counts a cell of a non-public draft (the organisation's
  records settings: publicity class other than public) that the caller may not read is shown
  only when at least MINIMUM_COUNT decisions stand behind it; below that it is suppressed, so an
  aggregate never discloses one non-public assessment.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlmodel import Session

from app.auth.permissions import READ_DRAFTS, READ_REPORTS, ensure, ensure_visible
from app.auth.principal import Principal
from app.core.errors import NotFound
from app.organisations.models import Organisation
from app.organisations.service import REGION_KINDS
from app.reports.periods import Span
from app.reports.repository import scope as repo
from app.reports.schemas import OrganisationRef

MINIMUM_COUNT = 3


@dataclass(frozen=True)
class Audience:
    """The organisations a report covers, and which of them the caller may read drafts of."""

    root: Organisation
    organisations: list[Organisation]
    readable: frozenset[str]
    public: frozenset[str]

    @property
    def ids(self) -> list[str]:
        return [o.id for o in self.organisations]

    @property
    def hidden(self) -> list[str]:
        """Organisations whose drafts the caller may not read."""
        return [o.id for o in self.organisations if o.id not in self.readable]

    @property
    def is_region(self) -> bool:
        return self.root.kind in REGION_KINDS

    def name(self, organisation_id: str, language: str | None = None) -> str:
        found = next((o for o in self.organisations if o.id == organisation_id), None)
        return name_in(found, language) if found else ""

    def ref(self, organisation: Organisation, language: str | None) -> OrganisationRef:
        return OrganisationRef(id=organisation.id, name=name_in(organisation, language))

    def refs(self, language: str | None) -> list[OrganisationRef]:
        return [self.ref(o, language) for o in self.organisations]

    def only(self, organisation_id: str) -> Audience:
        """The same caller's view of one of the covered organisations."""
        return replace(
            self, organisations=[o for o in self.organisations if o.id == organisation_id]
        )

    def window(self, span: Span) -> repo.Window:
        return repo.Window(self.ids, span.start, span.end, span.start_at, span.end_before)


def audience(session: Session, *, principal: Principal, organisation_id: str) -> Audience:
    """404 for an organisation the caller has no role in, 403 without the reports permission."""
    ensure_visible(principal, organisation_id, "Organisation")
    root = repo.organisation(session, organisation_id)
    if root is None:
        raise NotFound("Organisation not found")
    ensure(principal, organisation_id, READ_REPORTS, "read reports")
    covered = [root, *(repo.members_of(session, root.id) if root.kind in REGION_KINDS else [])]
    return Audience(
        root=root,
        organisations=covered,
        readable=frozenset(o.id for o in covered if principal.may(o.id, READ_DRAFTS)),
        public=frozenset(
            o.id for o in covered if o.records_settings.get("publicity_class", "public") == "public"
        ),
    )


def name_in(organisation: Organisation, language: str | None) -> str:
    """The organisation's name in a report's language: its Swedish name in Swedish."""
    if language == "sv" and organisation.name_sv:
        return organisation.name_sv
    return organisation.name


def suppressed(decisions: int, restricted_cells: int) -> bool:
    """A figure built on non-public cells the caller may not read, from too few decisions."""
    return restricted_cells > 0 and decisions < MINIMUM_COUNT
