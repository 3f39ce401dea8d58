"""Templates have a size limit: areas, groups, genders, cells per alternative, YAML aliases."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from app.cli import app as cli
from app.templates.limits import MAX_AREAS, MAX_CELLS_PER_ALTERNATIVE
from app.templates.validation import parse_template, validate_template_data, validate_template_text
from tests.factories import World

TEXT = {"fi": "Teksti", "sv": "Text", "en": "Text"}


def matrix(areas: int, groups: int, genders: int, key: str = "big") -> dict[str, Any]:
    """A valid matrix template of the given size (every area covers every group)."""
    return {
        "key": key,
        "version": 1,
        "status": "draft",
        "kind": "matrix",
        "name": TEXT,
        "description": TEXT,
        "scale": {
            "values": [
                {"value": 1, "symbol": "+", "direction": "positive", "label": TEXT},
                {"value": 0, "symbol": "0", "direction": "neutral", "label": TEXT},
            ],
            "neutral": 0,
            "cannot_assess": {"symbol": "?", "label": TEXT},
        },
        "area_groups": [{"key": "all", "name": TEXT}],
        "areas": [
            {"key": f"area-{i}", "area_group": "all", "name": TEXT, "help": TEXT}
            for i in range(areas)
        ],
        "population_groups": [{"key": f"group-{i}", "name": TEXT} for i in range(groups)],
        "gender_breakdown": {
            "enabled": genders > 0,
            "genders": [{"key": f"gender-{i}", "name": TEXT} for i in range(genders)],
        },
    }


def issues_of(data: Any) -> list[tuple[str, str]]:
    return [(issue.path, issue.message) for issue in validate_template_data(data)]


def test_the_reported_oversized_template_is_refused_list_by_list() -> None:
    # 400 areas × 400 groups × 3 genders: 640,000 cells per alternative
    assert issues_of(matrix(400, 400, 3)) == [
        ("areas", "at most 40 impact areas are allowed, this template has 400"),
        ("population_groups", "at most 60 population groups are allowed, this template has 400"),
    ]


def test_genders_and_nested_lists_are_capped() -> None:
    data = matrix(2, 2, 9)
    data["areas"][1]["groups"] = [f"group-{i}" for i in range(61)]
    assert issues_of(data) == [
        ("areas[1].groups", "at most 60 population groups are allowed, this template has 61"),
        ("gender_breakdown.genders", "at most 8 genders are allowed, this template has 9"),
    ]


def test_lists_within_their_limits_can_still_make_too_many_cells() -> None:
    # 40 areas × 60 groups × (all + 2 genders) = 7,200 cells per alternative
    assert issues_of(matrix(MAX_AREAS, 60, 2)) == [
        (
            "areas",
            "the matrix has 7200 cells per decision alternative (areas × their population "
            "groups × gender columns); at most 3000 are allowed",
        )
    ]


def test_a_template_at_the_cell_limit_is_valid() -> None:
    template = parse_template(matrix(MAX_AREAS, 25, 2))
    assert len(template.cell_keys(["status_quo"])) == MAX_CELLS_PER_ALTERNATIVE


def test_a_file_names_the_line_of_the_oversized_list() -> None:
    text = yaml.safe_dump(matrix(41, 2, 0), sort_keys=False)
    line = text.splitlines().index("areas:") + 1
    assert [str(issue) for issue in validate_template_text(text)] == [
        f"line {line}: areas: at most 40 impact areas are allowed, this template has 41"
    ]


ALIAS_BOMB = "\n".join(
    # each level multiplies the values by nine: six lines stand for 9**6 = 531,441 values
    ["key: big", "version: 1", "a0: &a0 [1, 2, 3, 4, 5, 6, 7, 8, 9]"]
    + [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 6)]
)


def test_yaml_aliases_that_expand_past_the_limit_are_refused() -> None:
    assert [str(issue) for issue in validate_template_text(ALIAS_BOMB)] == [
        "the YAML stands for more than 100000 values once its aliases (*name) are expanded"
    ]


def test_a_few_aliases_are_fine() -> None:
    text = yaml.safe_dump(matrix(3, 3, 2), sort_keys=False)
    assert "*id001" in text
    assert validate_template_text(text) == []


def test_cli_validate_refuses_an_oversized_template(tmp_path: Path) -> None:
    path = tmp_path / "big.v1.yaml"
    path.write_text(yaml.safe_dump(matrix(400, 400, 3), sort_keys=False), encoding="utf-8")
    result = CliRunner().invoke(cli, ["templates", "validate", str(path)])
    assert result.exit_code == 1
    assert "areas: at most 40 impact areas are allowed, this template has 400" in result.output


def test_api_create_and_update_refuse_oversized_templates(client: TestClient, world: World) -> None:
    big = yaml.safe_dump(matrix(400, 400, 3), sort_keys=False)
    created = client.post(
        "/api/v1/templates",
        json={"organisation_id": world.org, "yaml": big},
        headers=world.admin.headers,
    )
    assert created.status_code == 422
    assert created.json()["error"]["details"][0] == {
        "path": "areas",
        "message": "at most 40 impact areas are allowed, this template has 400",
    }
    small = client.post(
        "/api/v1/templates",
        json={"organisation_id": world.org, "definition": matrix(2, 2, 2)},
        headers=world.admin.headers,
    )
    assert small.status_code == 201, small.text
    updated = client.put(
        f"/api/v1/templates/{small.json()['id']}",
        json={"definition": matrix(MAX_AREAS, 60, 2)},
        headers=world.admin.headers | {"If-Match": small.headers["ETag"]},
    )
    assert updated.status_code == 422
    assert updated.json()["error"]["details"][0]["path"] == "areas"
    aliased = client.post(
        "/api/v1/templates",
        json={"organisation_id": world.org, "yaml": ALIAS_BOMB},
        headers=world.admin.headers,
    )
    assert aliased.status_code == 422
    assert "aliases (*name)" in aliased.json()["error"]["details"][0]["message"]
