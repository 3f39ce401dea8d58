"""Template definitions: the shipped YAML files, every kind of broken template, matrix shape and
screening rules. Pure tests: no database or app needed."""

from __future__ import annotations

import copy
import re
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from app.templates.definition import CellKey, TemplateDefinition, TemplateInvalid
from app.templates.elements import ALL_GENDERS, Direction, Outcome
from app.templates.validation import (
    load_template_file,
    parse_template,
    validate_template_data,
    validate_template_file,
    validate_template_text,
)

TEMPLATES = Path(__file__).resolve().parents[2] / "assessment_templates"
SHIPPED = ("eva-screening", "iva", "lava", "suva", "kuntaliitto")


@cache
def _raw_text(key: str) -> str:
    return (TEMPLATES / f"{key}.v1.yaml").read_text(encoding="utf-8")


def raw(key: str) -> dict[str, Any]:
    """A fresh, mutable copy of a shipped template's mapping."""
    return copy.deepcopy(yaml.safe_load(_raw_text(key)))


@cache
def shipped(key: str) -> TemplateDefinition:
    return load_template_file(TEMPLATES / f"{key}.v1.yaml")


def issues_of(data: Any) -> set[tuple[str, str]]:
    return {(issue.path, issue.message) for issue in validate_template_data(data)}


def readme_example() -> str:
    readme = (TEMPLATES / "README.md").read_text(encoding="utf-8")
    match = re.search(r"## Example\s+```yaml\n(.*?)```", readme, re.DOTALL)
    assert match is not None, "the README has an example"
    return match.group(1)


# --- shipped templates ------------------------------------------------------------------------


@pytest.mark.parametrize("path", sorted(TEMPLATES.glob("*.yaml")), ids=lambda path: path.name)
def test_every_template_file_validates_without_issues(path: Path) -> None:
    assert [str(issue) for issue in validate_template_file(path)] == []


@pytest.mark.parametrize("key", SHIPPED)
def test_shipped_templates_are_published_first_versions(key: str) -> None:
    template = shipped(key)
    assert (template.key, template.version, template.status.value) == (key, 1, "published")
    assert template.kind.value == ("screening" if key == "eva-screening" else "matrix")


@pytest.mark.parametrize(
    ("key", "areas", "leaves", "genders", "horizons", "cells"),
    [
        ("iva", 12, 17, ("all", "women", "men", "other"), 2, 2304),
        ("lava", 13, 5, ("all", "girls", "boys", "other"), 2, 732),
        ("suva", 10, 3, ("all", "women", "men", "other"), 2, 348),
        ("kuntaliitto", 13, 1, ("all",), 3, 39),
    ],
)
def test_shipped_matrix_shapes(
    key: str, areas: int, leaves: int, genders: tuple[str, ...], horizons: int, cells: int
) -> None:
    template = shipped(key)
    assert len(template.areas) == areas
    assert len(template.leaf_groups()) == leaves
    assert template.cell_genders() == genders
    assert len(template.horizons) == horizons
    assert len(template.cell_keys(["a", "b", "c"])) == cells


@pytest.mark.parametrize("key", SHIPPED)
def test_a_dumped_definition_parses_back_to_the_same_definition(key: str) -> None:
    assert parse_template(shipped(key).model_dump(mode="json")) == shipped(key)


def test_readme_example_is_valid_and_gives_the_documented_nine_cells() -> None:
    template = parse_template(yaml.safe_load(readme_example()))
    keys = template.cell_keys(["only"])
    assert len(keys) == 9
    assert {key.group for key in keys} == {"children_0_6", "children_7_12", "children_13_17"}


# --- broken templates: each problem with its exact path and message ---------------------------


def test_unknown_group_in_an_area_restriction() -> None:
    data = raw("iva")
    data["areas"][3]["groups"] = ["children", "elderly75"]
    assert issues_of(data) == {("areas[3].groups", "unknown group 'elderly75'")}


def test_missing_swedish_label() -> None:
    data = raw("iva")
    del data["scale"]["values"][1]["label"]["sv"]
    assert issues_of(data) == {("scale.values[1].label", "missing sv translation")}


def test_empty_translations_count_as_missing() -> None:
    data = raw("lava")
    data["areas"][0]["help"].update(sv="  ", en="")
    assert issues_of(data) == {("areas[0].help", "missing sv, en translations")}


def test_neutral_value_not_on_the_scale() -> None:
    data = raw("iva")
    data["scale"]["neutral"] = 5
    assert issues_of(data) == {
        ("scale.neutral", "neutral value 5 is not on the scale (-2, -1, 0, 1, 2)")
    }


def test_duplicate_area_key() -> None:
    data = raw("iva")
    data["areas"][5]["key"] = data["areas"][1]["key"]
    assert issues_of(data) == {
        ("areas[5].key", "duplicate key 'mental_health' (first at areas[1])")
    }


def test_screening_rule_referencing_an_unknown_question() -> None:
    data = raw("eva-screening")
    data["screening"]["rules"][1]["any"][0] = {"strategi": "yes"}
    assert issues_of(data) == {
        ("screening.rules[1].any[0].strategi", "unknown question 'strategi'")
    }


def test_ask_if_may_only_use_earlier_questions() -> None:
    data = raw("eva-screening")
    data["screening"]["questions"][1]["ask_if"] = {"concerns_people": "yes", "colour": "red"}
    assert issues_of(data) == {
        (
            "screening.questions[1].ask_if.concerns_people",
            "question 'concerns_people' is asked later",
        ),
        ("screening.questions[1].ask_if.colour", "unknown question 'colour'"),
    }


def test_screening_rule_referencing_an_unknown_answer() -> None:
    data = raw("eva-screening")
    data["screening"]["rules"][0]["when"]["exemption"] = ["filling_post", "appeal"]
    assert issues_of(data) == {
        (
            "screening.rules[0].when.exemption",
            "unknown answer 'appeal' for question 'exemption' (expected individual_decision, "
            "rectification_request, filling_post, for_information, none)",
        )
    }


def test_cannot_assess_symbol_colliding_with_a_scale_value() -> None:
    data = raw("kuntaliitto")
    data["scale"]["cannot_assess"]["symbol"] = "0"
    assert issues_of(data) == {
        ("scale.cannot_assess.symbol", "cannot-assess symbol '0' collides with scale value 0")
    }


def test_cannot_assess_is_not_a_number() -> None:
    data = raw("kuntaliitto")
    data["scale"]["cannot_assess"]["value"] = -9
    assert issues_of(data) == {("scale.cannot_assess.value", "unknown field")}


def test_direction_must_agree_with_the_value() -> None:
    data = raw("iva")
    data["scale"]["values"][1]["direction"] = "negative"
    assert issues_of(data) == {
        (
            "scale.values[1].direction",
            "value 1 is above the neutral value 0, so it must have direction 'positive'",
        )
    }


def test_unknown_parent_group_and_cycles() -> None:
    data = raw("iva")
    data["population_groups"][0]["parent"] = "children_13_17"
    data["population_groups"][4]["parent"] = "teenagers"
    assert issues_of(data) == {
        (
            "population_groups[0].parent",
            "groups form a cycle: children → children_13_17 → children",
        ),
        ("population_groups[4].parent", "unknown parent group 'teenagers'"),
    }


def test_gender_key_all_is_reserved_and_gap_genders_must_exist() -> None:
    data = raw("lava")
    data["gender_breakdown"]["genders"][2]["key"] = "all"
    data["gender_breakdown"]["gap_between"] = ["girls", "women"]
    assert issues_of(data) == {
        ("gender_breakdown.genders[2].key", "'all' is reserved for the cell covering all genders"),
        ("gender_breakdown.gap_between", "unknown gender 'women'"),
    }


def test_unknown_area_group_and_an_area_group_without_areas() -> None:
    data = raw("suva")
    data["areas"][0]["area_group"] = "representatoin"
    data["areas"][1]["area_group"] = "resources"
    assert issues_of(data) == {
        ("areas[0].area_group", "unknown area group 'representatoin'"),
        ("area_groups[0].key", "area group 'representation_influence' has no areas"),
    }


def test_kinds_do_not_mix() -> None:
    screening = raw("eva-screening") | {"areas": raw("iva")["areas"]}
    matrix = raw("iva") | {"screening": raw("eva-screening")["screening"]}
    assert ("areas", "a screening template has no areas") in issues_of(screening)
    assert issues_of(matrix) == {("screening", "a matrix template has no screening questions")}


def test_structural_errors_have_readable_paths() -> None:
    data = raw("iva")
    data["version"] = 0
    data["areas"][2]["name"] = "Osallisuus"
    data["areas"][4]["colour"] = "red"
    data["population_groups"][1]["key"] = "Children 0-6"
    assert issues_of(data) == {
        ("version", "input should be greater than or equal to 1"),
        ("areas[2].name", "give the text in fi, sv and en"),
        ("areas[4].colour", "unknown field"),
        (
            "population_groups[1].key",
            "'Children 0-6' is not a key: use lowercase letters, digits, '_' and '-'",
        ),
    }


def test_every_problem_is_reported_at_once() -> None:
    data = raw("iva")
    del data["areas"][0]["name"]["sv"]
    data["areas"][3]["groups"] = ["elderly75"]
    data["areas"][5]["key"] = "mental_health"
    data["scale"]["neutral"] = 7
    data["cell_fields"]["certainty"] = False
    assert issues_of(data) == {
        ("areas[0].name", "missing sv translation"),
        ("areas[3].groups", "unknown group 'elderly75'"),
        ("areas[5].key", "duplicate key 'mental_health' (first at areas[1])"),
        ("scale.neutral", "neutral value 7 is not on the scale (-2, -1, 0, 1, 2)"),
        ("certainty_levels", "levels are given but cell_fields.certainty is off"),
    }


def test_parse_template_refuses_an_invalid_template_with_every_issue() -> None:
    data = raw("iva")
    data["areas"][3]["groups"] = ["elderly75"]
    data["scale"]["neutral"] = 7
    with pytest.raises(TemplateInvalid) as caught:
        parse_template(data)
    assert [issue.path for issue in caught.value.issues] == ["areas[3].groups", "scale.neutral"]


# --- files: YAML syntax, lines, duplicate keys, file names ------------------------------------


def test_yaml_syntax_error_reports_its_line() -> None:
    text = "key: iva\nversion: 1\nname:\n  fi: Nimi\n  sv: [Namn\n  en: Name\n"
    issues = validate_template_text(text)
    assert len(issues) == 1
    assert issues[0].path == ""
    assert issues[0].line == 6
    assert issues[0].message.startswith("YAML syntax error at line 6, column 5: ")


def test_file_issues_carry_the_line_of_the_offending_field(tmp_path: Path) -> None:
    text = readme_example().replace("groups: [children]", "groups: [children, elderly75]")
    path = tmp_path / "example.v1.yaml"
    path.write_text(text, encoding="utf-8")
    line = text.splitlines().index(next(x for x in text.splitlines() if "elderly75" in x)) + 1
    assert [(i.line, i.path, i.message) for i in validate_template_file(path)] == [
        (line, "areas[0].groups", "unknown group 'elderly75'")
    ]


def test_keys_given_twice_in_yaml_are_reported() -> None:
    text = readme_example().replace("name: {fi: Esimerkki,", "name: {fi: Esimerkki, fi: Toinen,")
    assert [(i.line, str(i)) for i in validate_template_text(text)] == [
        (5, "line 5: name.fi: key given twice")
    ]


def test_file_name_must_match_key_and_version(tmp_path: Path) -> None:
    path = tmp_path / "example.yaml"
    path.write_text(readme_example(), encoding="utf-8")
    assert [issue.message for issue in validate_template_file(path)] == [
        "file name 'example.yaml' does not match the key and version: expected 'example.v1.yaml'"
    ]


def test_unreadable_file_is_an_issue(tmp_path: Path) -> None:
    issues = validate_template_file(tmp_path / "missing.v1.yaml")
    assert len(issues) == 1
    assert issues[0].message.startswith("cannot read ")


# --- matrix shape --------------------------------------------------------------------------


def test_cell_count_without_restrictions_is_the_full_product() -> None:
    data = raw("iva")
    for area in data["areas"]:
        area.pop("groups", None)
    template = parse_template(data)
    alternatives = ["status_quo", "reform", "partial"]
    expected = (
        len(template.areas)
        * len(template.leaf_groups())
        * (len(template.gender_breakdown.genders) + 1)
        * len(alternatives)
    )
    keys = template.cell_keys(alternatives)
    assert len(keys) == expected == 12 * 17 * 4 * 3
    assert len(set(keys)) == len(keys)
    assert keys[0] == CellKey("status_quo", "wellbeing_distribution", "children_0_6", ALL_GENDERS)


def test_area_restrictions_expand_parent_groups_to_their_leaves() -> None:
    iva, lava = shipped("iva"), shipped("lava")
    assert iva.groups_for_area("linguistic_rights") == (
        "finnish_speakers",
        "swedish_speakers",
        "sami_speakers",
        "sign_language_users",
        "other_language_speakers",
    )
    assert lava.groups_for_area("learning") == (
        "children_0_6",
        "children_7_12",
        "children_13_17",
        "children_in_special_situations",
    )
    assert lava.groups_for_area("family_finances") == (
        "children_in_special_situations",
        "families_with_children",
    )
    assert "language_groups" not in {group.key for group in iva.leaf_groups()}


@given(
    st.lists(st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True), max_size=4, unique=True),
    st.sampled_from(["iva", "lava", "suva", "kuntaliitto"]),
)
def test_cell_keys_are_unique_and_cover_each_alternative_equally(
    alternatives: list[str], key: str
) -> None:
    template = shipped(key)
    per_alternative = sum(len(template.groups_for_area(area.key)) for area in template.areas)
    keys = template.cell_keys(alternatives)
    assert (
        len(keys)
        == len(set(keys))
        == per_alternative * len(template.cell_genders()) * len(alternatives)
    )
    leaves = {group.key for group in template.leaf_groups()}
    assert all(k.group in leaves and k.gender in template.cell_genders() for k in keys)


def test_scale_values_and_gender_gap_pairs() -> None:
    iva, kuntaliitto, lava = shipped("iva"), shipped("kuntaliitto"), shipped("lava")
    assert (iva.scale_value(-2).symbol, iva.scale_value(-2).direction) == ("−−", Direction.negative)
    assert kuntaliitto.scale_value(1).label.text("sv") == "Positiv konsekvens"
    with pytest.raises(KeyError):
        kuntaliitto.scale_value(2)
    assert (iva.gender_gap_pair(), lava.gender_gap_pair(), kuntaliitto.gender_gap_pair()) == (
        ("women", "men"),
        ("girls", "boys"),
        None,
    )


# --- screening --------------------------------------------------------------------------------

NONE_EXEMPT = {"exemption": "none"}


@pytest.mark.parametrize(
    ("answers", "outcome", "rule"),
    [
        ({}, Outcome.not_needed, None),
        ({"exemption": "filling_post", "strategy": "yes"}, Outcome.not_needed, "exempt"),
        (NONE_EXEMPT | {"service_network": "yes"}, Outcome.full, "strategy_or_service_network"),
        (
            NONE_EXEMPT | {"affects_staff": "yes", "significant_impacts": "yes"},
            Outcome.full,
            "significant_impacts",
        ),
        (
            NONE_EXEMPT | {"affects_staff": "yes", "significant_impacts": "no"},
            Outcome.light,
            "criterion_met",
        ),
        (NONE_EXEMPT | {"significant_impacts": "yes"}, Outcome.not_needed, None),
        (
            {"concerns_people": "yes", "gender_situations_differ": "yes"},
            Outcome.full,
            "gender_situations_differ",
        ),
        (
            {"concerns_people": "yes", "gender_situations_differ": "not_known"},
            Outcome.light,
            "gender_situations_not_known",
        ),
        # the second gender question is not asked when the first is "no", so its answer is ignored
        ({"concerns_people": "no", "gender_situations_differ": "yes"}, Outcome.not_needed, None),
    ],
)
def test_evaluate_screening(answers: dict[str, str], outcome: Outcome, rule: str | None) -> None:
    assert shipped("eva-screening").evaluate_screening(answers) == (outcome, rule)


def test_answer_problems_name_unknown_questions_and_answers() -> None:
    problems = shipped("eva-screening").answer_problems(
        {"strategy": "maybe", "colour": "red", "exemption": "none"}
    )
    assert problems == {
        "strategy": "unknown answer 'maybe' (expected yes, no)",
        "colour": "unknown question 'colour'",
    }


def test_unquoted_yaml_yes_in_a_rule_means_the_answer_yes() -> None:
    data = raw("eva-screening")
    data["screening"]["rules"][1]["any"] = [{"strategy": True}]
    template = parse_template(data)
    assert (
        template.evaluate_screening({"strategy": "yes"}).matched_rule
        == "strategy_or_service_network"
    )


def _answer_sets() -> st.SearchStrategy[dict[str, str]]:
    questions = shipped("eva-screening").screening.questions  # type: ignore[union-attr]
    return st.fixed_dictionaries(
        {}, optional={q.key: st.sampled_from(q.answer_keys()) for q in questions}
    )


@given(_answer_sets())
def test_screening_always_gives_an_outcome_from_the_first_rule_that_holds(
    answers: dict[str, str],
) -> None:
    template = shipped("eva-screening")
    assert template.screening is not None
    result = template.evaluate_screening(answers)
    assert result.outcome in set(Outcome)
    asked = template.asked_answers(answers)
    held = [rule for rule in template.screening.rules if rule.matches(asked)]
    if held:
        assert result == (held[0].outcome, held[0].key)
    else:
        assert result == (template.screening.default_outcome, None)
    if answers.get("exemption") not in (None, "none"):
        assert result == (Outcome.not_needed, "exempt")


# --- suggestions -------------------------------------------------------------------------------


def test_suggestions_follow_outcome_and_budget() -> None:
    def suggested(key: str, outcome: str, budget: Decimal | None) -> bool:
        return shipped(key).suggest(
            decision_body="Kunnanhallitus", decision_type="", budget_eur=budget, outcome=outcome
        )

    assert suggested("iva", "full", None)
    assert not suggested("iva", "light", None)
    assert suggested("kuntaliitto", "light", None)
    assert suggested("kuntaliitto", "full", Decimal("100000.00"))
    assert not suggested("kuntaliitto", "full", Decimal("99999.99"))
    assert not suggested("kuntaliitto", "full", None)
    assert not shipped("eva-screening").suggest(
        decision_body="", decision_type="", budget_eur=None, outcome="full"
    )


def test_suggestions_by_decision_body_and_type_ignore_case() -> None:
    data = raw("lava")
    data["applicability"] = [
        {"decision_bodies": ["Sivistyslautakunta"], "decision_types": ["policy"]}
    ]
    lava = parse_template(data)
    assert lava.suggest(
        decision_body=" sivistyslautakunta", decision_type="POLICY", budget_eur=None, outcome=None
    )
    assert not lava.suggest(
        decision_body="Sivistyslautakunta",
        decision_type="individual",
        budget_eur=None,
        outcome="full",
    )


def test_applicability_entry_needs_a_criterion() -> None:
    data = raw("iva")
    data["applicability"] = [{"outcomes": []}]
    assert issues_of(data) == {
        (
            "applicability[0]",
            "give at least one of outcomes, decision_bodies, decision_types and min_budget_eur",
        )
    }


# --- robustness: validation reads anything, and "no issues" means the template works ------------

_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-3, 3)
    | st.sampled_from(["", "all", "yes", "children"]),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from(["key", "parent", "groups", "when", "fi", "sv", "en"]), inner
        )
    ),
    max_leaves=8,
)


def _locations(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    children = (
        node.items()
        if isinstance(node, dict)
        else enumerate(node)
        if isinstance(node, list)
        else []
    )
    return [prefix] + [loc for key, value in children for loc in _locations(value, (*prefix, key))]


@given(st.sampled_from(SHIPPED), st.data(), _JSON)
def test_any_value_anywhere_gives_issues_or_a_working_template(
    key: str, data: st.DataObject, value: Any
) -> None:
    template = raw(key)
    location = data.draw(st.sampled_from(_locations(template)[1:]))
    parent = template
    for part in location[:-1]:
        parent = parent[part]
    parent[location[-1]] = value
    if validate_template_data(template):
        with pytest.raises(TemplateInvalid):
            parse_template(template)
        return
    parsed = parse_template(template)
    if parsed.screening is not None:
        assert parsed.evaluate_screening({}).outcome in set(Outcome)
    else:
        assert len(parsed.cell_keys(["a"])) > 0
