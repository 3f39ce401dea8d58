"""Every problem in a template, each with its path (`areas[3].groups`) and, from a file, its line.

The checks themselves are in checks.py; this module answers checked definitions from JSON
data, and fronts the YAML reading and writing of app.templates.yaml_text (text and files,
with the line of each problem and a bound on alias expansion), which is loaded through
app.core.lazy on first use so that serving workers never load PyYAML.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from app.core import lazy
from app.templates.checks import issues_in
from app.templates.definition import TemplateDefinition, TemplateInvalid, TemplateIssue
from app.templates.issues import path_of

_YAML = "app.templates.yaml_text"


def validate_template_data(data: object) -> list[TemplateIssue]:
    """Every structural and cross-reference problem of a parsed YAML or JSON template."""
    return [TemplateIssue(path_of(issue.loc), issue.message) for issue in issues_in(data)]


def parse_template(data: Mapping[str, Any]) -> TemplateDefinition:
    """A checked definition; TemplateInvalid lists every problem."""
    issues = validate_template_data(data)
    if issues:
        raise TemplateInvalid(issues)
    return TemplateDefinition.model_validate(data)


def read_yaml(text: str) -> tuple[object, list[TemplateIssue]]:
    """The data of YAML text, or why it cannot be read (alias expansion, syntax)."""
    read: Callable[[str], tuple[object, list[TemplateIssue]]] = lazy.load(_YAML).read_yaml
    return read(text)


def dump_yaml(definition: dict[str, Any]) -> str:
    """A stored definition written as YAML."""
    dump: Callable[[dict[str, Any]], str] = lazy.load(_YAML).dump_yaml
    return dump(definition)


def validate_template_text(text: str, *, file_name: str | None = None) -> list[TemplateIssue]:
    """Every problem in YAML text; with `file_name`, also its `<key>.v<version>.yaml` name."""
    validate: Callable[..., list[TemplateIssue]] = lazy.load(_YAML).validate_template_text
    return validate(text, file_name=file_name)


def validate_template_file(path: str | Path) -> list[TemplateIssue]:
    """Every problem in a YAML template file: syntax (with line), structure, cross-references."""
    validate: Callable[[str | Path], list[TemplateIssue]] = lazy.load(_YAML).validate_template_file
    return validate(path)


def load_template_file(path: str | Path) -> TemplateDefinition:
    """A checked definition from a YAML file; TemplateInvalid lists every problem."""
    load: Callable[[str | Path], TemplateDefinition] = lazy.load(_YAML).load_template_file
    return load(path)
