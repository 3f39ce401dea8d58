"""The shared vocabulary of population groups and genders that reports count in.

Templates use their own keys (`girls`/`boys` in LAVA, `municipality` in the Kuntaliitto model),
so each population group and gender of a template may name a `canonical:` entry of this list.
A leaf group without one takes its parent's; what still has none is *unmapped*: allowed, and
reported by `ennakko templates validate` and in the impact ledger. An unknown canonical key is
an error. The mapping is reporting metadata: it changes no cell of any assessment.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from app.templates.definition import TemplateDefinition
from app.templates.elements import ALL_GENDERS, PopulationGroup


@dataclass(frozen=True)
class Term:
    key: str
    fi: str
    sv: str
    en: str

    def text(self, language: str) -> str:
        return str(getattr(self, language if language in ("fi", "sv", "en") else "fi"))


CANONICAL_GROUPS: tuple[Term, ...] = (
    Term("children", "Lapset (0–17)", "Barn (0–17)", "Children (0–17)"),
    Term("children_0_6", "Lapset 0–6 v", "Barn 0–6 år", "Children aged 0–6"),
    Term("children_7_12", "Lapset 7–12 v", "Barn 7–12 år", "Children aged 7–12"),
    Term("children_13_17", "Nuoret 13–17 v", "Unga 13–17 år", "Young people aged 13–17"),
    Term(
        "children_special",
        "Erityisessä asemassa olevat lapset",
        "Barn i särskilda situationer",
        "Children in special situations",
    ),
    Term("young_people", "Nuoret aikuiset 18–29 v", "Unga vuxna 18–29 år", "Young people 18–29"),
    Term("working_age", "Työikäiset", "Personer i arbetsför ålder", "Working-age people"),
    Term("older_people", "Ikääntyneet (65+)", "Äldre (65+)", "Older people (65+)"),
    Term("older_65_74", "Ikääntyneet 65–74 v", "Äldre 65–74 år", "Older people aged 65–74"),
    Term("older_75_plus", "Ikääntyneet 75+", "Äldre 75+", "Older people aged 75+"),
    Term(
        "people_with_disabilities",
        "Vammaiset henkilöt",
        "Personer med funktionsnedsättning",
        "People with disabilities",
    ),
    Term("finnish_speakers", "Suomenkieliset", "Finskspråkiga", "Finnish speakers"),
    Term("swedish_speakers", "Ruotsinkieliset", "Svenskspråkiga", "Swedish speakers"),
    Term("sami_speakers", "Saamenkieliset", "Samiskspråkiga", "Sámi speakers"),
    Term("sign_language_users", "Viittomakieliset", "Teckenspråkiga", "Sign language users"),
    Term(
        "other_language_speakers",
        "Muunkieliset",
        "Personer med annat språk",
        "Speakers of other languages",
    ),
    Term(
        "low_socioeconomic_status",
        "Sosioekonomisesti heikommassa asemassa olevat",
        "Socioekonomiskt svagare ställda",
        "People of lower socio-economic status",
    ),
    Term(
        "families_with_children",
        "Lapsiperheet",
        "Barnfamiljer",
        "Families with children",
    ),
    Term(
        "immigrant_background",
        "Maahanmuuttajataustaiset",
        "Personer med invandrarbakgrund",
        "People with an immigrant background",
    ),
    Term(
        "residents_by_area",
        "Eri alueiden asukkaat",
        "Invånare i olika områden",
        "Residents of different areas",
    ),
    Term("whole_population", "Koko väestö", "Hela befolkningen", "The whole population"),
)

CANONICAL_GENDERS: tuple[Term, ...] = (
    Term(ALL_GENDERS, "Kaikki", "Alla", "All"),
    Term("female", "Naiset ja tytöt", "Kvinnor och flickor", "Women and girls"),
    Term("male", "Miehet ja pojat", "Män och pojkar", "Men and boys"),
    Term("other", "Muunsukupuoliset", "Icke-binära och andra kön", "Non-binary and other genders"),
)

GROUPS: Mapping[str, Term] = {term.key: term for term in CANONICAL_GROUPS}
GENDERS: Mapping[str, Term] = {term.key: term for term in CANONICAL_GENDERS}
GAP_PAIR = ("female", "male")
"""The canonical genders compared for gender gaps across decisions."""


@dataclass(frozen=True)
class VocabularyMapping:
    """A template's keys in the shared vocabulary; None where a key is unmapped."""

    groups: dict[str, str | None]
    genders: dict[str, str | None]

    @property
    def unmapped_groups(self) -> list[str]:
        return [key for key, canonical in self.groups.items() if canonical is None]

    @property
    def unmapped_genders(self) -> list[str]:
        return [key for key, canonical in self.genders.items() if canonical is None]


def mapping_of(definition: TemplateDefinition) -> VocabularyMapping:
    """Each leaf group's and each gender's canonical key (a leaf inherits its parent's)."""
    by_key = {group.key: group for group in definition.population_groups}
    groups: dict[str, str | None] = {}
    for leaf in definition.leaf_groups():
        node: PopulationGroup | None = leaf
        seen, found = set[str](), None
        while node is not None and node.key not in seen:
            seen.add(node.key)
            if node.canonical is not None:
                found = node.canonical
                break
            node = by_key.get(node.parent) if node.parent else None
        groups[leaf.key] = found
    genders: dict[str, str | None] = {ALL_GENDERS: ALL_GENDERS}
    if definition.gender_breakdown.enabled:
        for gender in definition.gender_breakdown.genders:
            genders[gender.key] = gender.canonical
    return VocabularyMapping(groups, genders)


def unknown_canonical_keys(data: Mapping[str, Any]) -> list[tuple[tuple[str | int, ...], str]]:
    """(location, message) for every `canonical:` that names no entry of the vocabulary."""
    found: list[tuple[tuple[str | int, ...], str]] = []
    places: list[tuple[tuple[str | int, ...], object, Mapping[str, Term], str]] = [
        (("population_groups",), data.get("population_groups"), GROUPS, "group"),
    ]
    breakdown = data.get("gender_breakdown")
    if isinstance(breakdown, dict):
        places.append(
            (("gender_breakdown", "genders"), breakdown.get("genders"), GENDERS, "gender")
        )
    for loc, items, known, what in places:
        if not isinstance(items, list):
            continue
        for index, item in enumerate(items):
            value = item.get("canonical") if isinstance(item, dict) else None
            if value is not None and (not isinstance(value, str) or value not in known):
                found.append(((*loc, index, "canonical"), f"unknown canonical {what} {value!r}"))
    return found


def without_vocabulary(data: Mapping[str, Any]) -> dict[str, Any]:
    """The definition without its `canonical:` mappings (what an assessment depends on)."""
    stripped = dict(data)
    if isinstance(data.get("population_groups"), list):
        stripped["population_groups"] = [
            {k: v for k, v in item.items() if k != "canonical"} if isinstance(item, dict) else item
            for item in data["population_groups"]
        ]
    breakdown = data.get("gender_breakdown")
    if isinstance(breakdown, dict) and isinstance(breakdown.get("genders"), list):
        stripped["gender_breakdown"] = breakdown | {
            "genders": [
                {k: v for k, v in item.items() if k != "canonical"}
                if isinstance(item, dict)
                else item
                for item in breakdown["genders"]
            ]
        }
    return stripped


def unmapped_notes(definition: TemplateDefinition) -> list[str]:
    """What of a matrix template the reports cannot count in the shared vocabulary."""
    if definition.kind.value != "matrix":
        return []
    found = mapping_of(definition)
    notes = []
    if found.unmapped_groups:
        notes.append(f"unmapped population groups: {', '.join(found.unmapped_groups)}")
    if found.unmapped_genders:
        notes.append(f"unmapped genders: {', '.join(found.unmapped_genders)}")
    return notes
