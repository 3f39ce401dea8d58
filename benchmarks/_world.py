"""Benchmark data: an organisation, a person, the 864-cell template and filled assessments.

The matrix template is derived from the shipped IVA template: its 12 impact areas (all
assessed for every group), 8 leaf population groups and a women/men gender breakdown, so
each alternative has 12 × 8 × 3 (all, women, men) = 288 cells and a draft with three
alternatives (status quo + two) has 864.
"""

from __future__ import annotations

import copy
import random
import uuid
from dataclasses import dataclass
from typing import Any

import yaml

from benchmarks._common import ROOT, mint_token

FULL_ANSWERS = {
    "exemption": "none",
    "affects_residents": "yes",
    "affects_staff": "no",
    "budget_over_threshold": "yes",
    "affects_businesses": "no",
    "service_network": "no",
    "strategy": "no",
    "significant_impacts": "yes",
    "concerns_people": "yes",
    "gender_situations_differ": "yes",
}
LEAF_GROUPS = (
    "children",
    "young_people",
    "working_age",
    "people_with_disabilities",
    "low_socioeconomic_status",
    "families_with_children",
    "immigrant_background",
    "residents_by_area",
)
GENDERS = ("women", "men")
JUSTIFICATIONS = (
    "Palveluverkon muutos pidentää matkoja erityisesti niillä, joilla ei ole autoa.",
    "Uudistus parantaa palvelujen saavutettavuutta ja lisää ryhmän osallisuutta.",
    "Vaikutus jää vähäiseksi, koska nykyiset palvelut säilyvät lähes ennallaan.",
    "Kustannusten nousu kohdistuu pienituloisiin kotitalouksiin ja lisää eriarvoisuutta.",
    "Tiedot perustuvat THL:n kouluterveyskyselyyn 2025 ja kunnan omaan palautekyselyyn.",
)


def bench_template() -> dict[str, Any]:
    """The IVA definition cut down to 12 areas × 8 groups × (all, women, men)."""
    text = (ROOT / "assessment_templates" / "iva.v1.yaml").read_text("utf-8")
    iva: dict[str, Any] = yaml.safe_load(text)
    data = copy.deepcopy(iva)
    data["key"] = "bench-iva"
    data["version"] = 1
    data["name"] = {k: f"{v} (benchmark)" for k, v in iva["name"].items()}
    for area in data["areas"]:
        area.pop("groups", None)
    groups = [g for g in data["population_groups"] if g["key"] in LEAF_GROUPS]
    for group in groups:
        group.pop("parent", None)
    data["population_groups"] = groups
    data["gender_breakdown"] = {
        "enabled": True,
        "genders": [g for g in iva["gender_breakdown"]["genders"] if g["key"] in GENDERS],
    }
    return data


@dataclass
class World:
    organisation_id: str
    user_id: str
    token: str
    template_id: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def build_world(*, matrix_template: bool = True) -> World:
    """An organisation, a preparer + expert, and the published benchmark template."""
    from app.auth.principal import SYSTEM
    from app.auth.service import user_principal
    from app.core.db import transaction
    from app.organisations import service as orgs
    from app.organisations.models import OrganisationKind, Role
    from app.organisations.schemas import Language, OrganisationCreate, UserCreate
    from app.templates import service as templates
    from app.templates.models import TemplateStatus

    tag = uuid.uuid4().hex[:8]
    with transaction() as session:
        org = orgs.create_organisation(
            session,
            principal=SYSTEM,
            data=OrganisationCreate(
                slug=f"bench-{tag}",
                name=f"Benchmark kunta {tag}",
                kind=OrganisationKind.municipality,
                languages=[Language.fi, Language.sv],
            ),
        )
        user = orgs.create_user(
            session,
            principal=SYSTEM,
            data=UserCreate(
                email=f"hyte.{tag}@bench.ennakko.fi",
                full_name="Hanna Hyvinvointi",
                organisation_id=org.id,
                roles=[Role.preparer, Role.expert],
            ),
        )
        template_id = ""
        if matrix_template:
            principal = user_principal(session, user.id)
            # The same service calls as POST /api/v1/templates and …/publish.
            draft_template = templates.create(
                session,
                principal=principal,
                organisation_id=org.id,
                definition=bench_template(),
                yaml_text=None,
            )
            published = templates.set_status(
                session,
                principal=principal,
                template_id=draft_template.id,
                expected_revision=draft_template.revision,
                status=TemplateStatus.published,
            )
            template_id = published.id
        org_id, user_id = org.id, user.id
    return World(org_id, user_id, mint_token(f"user:{user_id}"), template_id)


def cell_writes(alternatives: list[str], seed: int = 7) -> list[dict[str, Any]]:
    """A realistic value for every cell: mostly neutral, some ± with justifications."""
    rng = random.Random(seed)
    shape = bench_template()
    areas = [a["key"] for a in shape["areas"]]
    writes = []
    for alt in alternatives:
        for area in areas:
            for group in LEAF_GROUPS:
                for gender in ("all", *GENDERS):
                    writes.append(one_cell(rng, alt, area, group, gender))
    return writes


def matrix_keys(alternatives: list[str]) -> list[tuple[str, str, str, str]]:
    """Every cell key of the bench template's matrix for these alternatives."""
    areas = [a["key"] for a in bench_template()["areas"]]
    return [
        (alt, area, group, gender)
        for alt in alternatives
        for area in areas
        for group in LEAF_GROUPS
        for gender in ("all", *GENDERS)
    ]


def one_cell(rng: random.Random, alt: str, area: str, group: str, gender: str) -> dict[str, Any]:
    value = rng.choices([-2, -1, 0, 1, 2], weights=[1, 3, 8, 3, 1])[0]
    cell: dict[str, Any] = {
        "alternative": alt,
        "area": area,
        "group": group,
        "gender": gender,
        "value": value,
        "horizon": rng.choice(["short", "long"]),
        "certainty": rng.choice(["low", "medium", "high"]),
        "justification": rng.choice(JUSTIFICATIONS) if value else "",
    }
    if value < 0:
        cell["mitigation"] = "Kuljetustukea laajennetaan ja vaikutukset seurataan vuosittain."
    if rng.random() < 0.3:
        cell["evidence"] = "Kunnan hyvinvointikertomus 2025, luku 4."
    return cell


def assessed_draft(
    world: World, *, fill: bool = True, title: str = "", alternatives: int = 2
) -> tuple[str, list[str]]:
    """A screened draft with the status quo and `alternatives` more (288 cells each) and a
    started (optionally full) assessment."""
    from app.assessments import screening as screening_service
    from app.assessments import service as assessments
    from app.assessments.schemas import CellWrite, ScreeningIn
    from app.auth.service import user_principal
    from app.core.db import transaction
    from app.drafts import service as drafts
    from app.drafts.schemas import DraftCreate
    from app.templates import repository as template_repo
    from app.wiring import install

    install()

    with transaction() as session:
        principal = user_principal(session, world.user_id)
        view = drafts.create(
            session,
            principal=principal,
            data=DraftCreate.model_validate(
                {
                    "title": title or "Kouluverkon uudistaminen",
                    "proposal": "Lautakunta päättää kouluverkon uudistamisesta 1.8.2027 alkaen.",
                    "decision_body": "Sivistyslautakunta",
                    "decision_type": "policy",
                    "budget_eur": "1250000.00",
                    "languages": ["fi", "sv"],
                    "alternatives": [
                        {"key": "reform", "name": "Uudistus"},
                        {"key": "partial", "name": "Osittainen uudistus"},
                        *(
                            {"key": f"option_{n}", "name": f"Vaihtoehto {n}"}
                            for n in range(3, alternatives + 1)
                        ),
                    ][:alternatives],
                }
            ),
        )
        draft_id = view.draft.id
        keys = [a.key for a in view.alternatives]
        screening = template_repo.find(session, owner="", key="eva-screening", version=1)
        assert screening is not None, "eva-screening@1 is not synced"
        screening_service.record_screening(
            session,
            principal=principal,
            draft_id=draft_id,
            expected_version=view.draft.version,
            data=ScreeningIn(
                template_id=screening.id, answers=FULL_ANSWERS, reason="Vaikuttaa laajasti."
            ),
        )
        started = assessments.start_assessment(
            session, principal=principal, draft_id=draft_id, template_id=world.template_id
        )
        if fill:
            assessments.write_cells(
                session,
                principal=principal,
                draft_id=draft_id,
                expected_version=started.assessment.version,
                writes=[CellWrite.model_validate(c) for c in cell_writes(keys)],
            )
    return draft_id, keys
