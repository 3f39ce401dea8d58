"""The shared vocabulary: templates map their groups and genders to it, validation checks it."""

from __future__ import annotations

import copy
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlmodel import select
from typer.testing import CliRunner

from app.audit.models import AuditEntry
from app.cli import app as cli
from app.core.db import transaction
from app.core.errors import Conflict
from app.templates import service as templates
from app.templates.definition import ALL_GENDERS
from app.templates.validation import load_template_file, parse_template, validate_template_data
from app.templates.vocabulary import GENDERS, GROUPS, mapping_of, unmapped_notes

TEMPLATES = Path(__file__).resolve().parents[2] / "assessment_templates"
MATRICES = ("iva", "lava", "suva", "kuntaliitto")


def _raw(key: str) -> dict[str, Any]:
    return copy.deepcopy(yaml.safe_load((TEMPLATES / f"{key}.v1.yaml").read_text("utf-8")))


@pytest.mark.parametrize("key", MATRICES)
def test_every_shipped_matrix_maps_every_leaf_group_and_gender(key: str) -> None:
    definition = load_template_file(TEMPLATES / f"{key}.v1.yaml")
    mapping = mapping_of(definition)
    assert mapping.unmapped_groups == []
    assert mapping.unmapped_genders == []
    assert set(mapping.groups) == {g.key for g in definition.leaf_groups()}
    assert set(mapping.groups.values()) <= set(GROUPS)
    assert set(mapping.genders.values()) <= set(GENDERS)
    assert unmapped_notes(definition) == []


def test_girls_and_women_meet_in_one_canonical_gender() -> None:
    lava = mapping_of(load_template_file(TEMPLATES / "lava.v1.yaml"))
    iva = mapping_of(load_template_file(TEMPLATES / "iva.v1.yaml"))
    assert lava.genders["girls"] == iva.genders["women"] == "female"
    assert lava.genders["boys"] == iva.genders["men"] == "male"
    assert lava.genders[ALL_GENDERS] == ALL_GENDERS
    kuntaliitto = mapping_of(load_template_file(TEMPLATES / "kuntaliitto.v1.yaml"))
    assert kuntaliitto.groups == {"municipality": "whole_population"}


def test_an_unknown_canonical_key_is_an_error_with_its_path() -> None:
    data = _raw("lava")
    data["gender_breakdown"]["genders"][0]["canonical"] = "girlz"
    data["population_groups"][1]["canonical"] = "toddlers"
    messages = {str(issue) for issue in validate_template_data(data)}
    assert "gender_breakdown.genders[0].canonical: unknown canonical gender 'girlz'" in messages
    assert "population_groups[1].canonical: unknown canonical group 'toddlers'" in messages


def test_an_unmapped_leaf_is_allowed_and_reported_and_inherits_its_parents_mapping() -> None:
    data = _raw("lava")
    for group in data["population_groups"]:
        if group["key"] in ("children_0_6", "families_with_children"):
            del group["canonical"]
    del data["gender_breakdown"]["genders"][2]["canonical"]
    definition = parse_template(data)
    mapping = mapping_of(definition)
    assert mapping.groups["children_0_6"] == "children"  # the parent's
    assert mapping.unmapped_groups == ["families_with_children"]
    assert mapping.unmapped_genders == ["other"]
    assert unmapped_notes(definition) == [
        "unmapped population groups: families_with_children",
        "unmapped genders: other",
    ]


def test_validate_command_reports_unmapped_keys_and_fails_on_unknown_ones(tmp_path: Path) -> None:
    data = _raw("suva")
    del data["population_groups"][0]["canonical"]
    mapped_less = tmp_path / "suva.v1.yaml"
    mapped_less.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = CliRunner().invoke(cli, ["templates", "validate", str(mapped_less)])
    assert result.exit_code == 0, result.output
    assert "unmapped population groups: children" in result.output
    data["population_groups"][0]["canonical"] = "kids"
    mapped_less.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = CliRunner().invoke(cli, ["templates", "validate", str(mapped_less)])
    assert result.exit_code == 1
    assert "unknown canonical group 'kids'" in result.output


def test_sync_takes_new_mappings_into_a_published_version_but_no_other_change(
    database: str, tmp_path: Path
) -> None:
    """A published version loaded before it had mappings gets them; any other change is
    still refused."""
    key = f"vocab{tmp_path.name[-6:].replace('_', '')}".lower()
    data = _raw("suva") | {"key": key}
    for group in data["population_groups"]:
        group.pop("canonical")
    folder = tmp_path / "templates"
    folder.mkdir()
    path = folder / f"{key}.v1.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with transaction() as session:
        assert templates.sync_shipped(session, folder) == [f"{key}@1"]
    mapped = _raw("suva") | {"key": key}
    path.write_text(yaml.safe_dump(mapped, allow_unicode=True), encoding="utf-8")
    with transaction() as session:
        assert templates.sync_shipped(session, folder) == [f"{key}@1 (vocabulary)"]
        stored = templates.shipped_template(session, key)
        assert stored is not None
        assert mapping_of(templates.definition_of(stored)).unmapped_groups == []
        audited = session.exec(
            select(AuditEntry).where(AuditEntry.action == "template.vocabulary_updated")
        ).all()
        assert any(entry.entity_id == stored.id for entry in audited)
    changed = copy.deepcopy(mapped)
    changed["areas"][0]["name"]["fi"] = "Muutettu"
    path.write_text(yaml.safe_dump(changed, allow_unicode=True), encoding="utf-8")
    with transaction() as session, pytest.raises(Conflict):
        templates.sync_shipped(session, folder)
    shutil.rmtree(folder)
