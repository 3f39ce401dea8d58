"""Template YAML: reading text and files with the line of each problem and a bound on alias
expansion, and writing a definition back as YAML.

PyYAML is needed only when a template is imported, validated or exported, so this module is
loaded on first use through app.core.lazy (app.templates.validation fronts it): a worker that
only serves assessments never loads it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from app.templates.checks import issues_in
from app.templates.definition import TemplateDefinition, TemplateInvalid, TemplateIssue
from app.templates.issues import Issue, Loc, path_of
from app.templates.limits import MAX_YAML_NODES


def _line_of(root: yaml.Node | None, loc: Loc) -> int | None:
    """The line of the deepest YAML node on the path (the parent's when a field is missing)."""
    node, line = root, (root.start_mark.line + 1 if root is not None else None)
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            pair = next(
                ((k, v) for k, v in node.value if getattr(k, "value", None) == str(part)), None
            )
            if pair is None:
                break
            line, node = pair[0].start_mark.line + 1, pair[1]
        elif (
            isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value)
        ):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            break
    return line


def _duplicate_yaml_keys(node: yaml.Node | None, loc: Loc = ()) -> list[tuple[Issue, int]]:
    """Mapping keys given twice (YAML loaders silently keep the last one)."""
    found: list[tuple[Issue, int]] = []
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in seen:
                found.append((Issue((*loc, key), "key given twice"), key_node.start_mark.line + 1))
            seen.add(key)
            found += _duplicate_yaml_keys(value_node, (*loc, key))
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            found += _duplicate_yaml_keys(item, (*loc, index))
    return found


def _syntax_issue(exc: yaml.YAMLError) -> TemplateIssue:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    if mark is None:
        return TemplateIssue("", f"YAML syntax error: {problem}")
    return TemplateIssue(
        "",
        f"YAML syntax error at line {mark.line + 1}, column {mark.column + 1}: {problem}",
        mark.line + 1,
    )


def _expanded_nodes(node: yaml.Node, memo: dict[int, int]) -> int:
    """Nodes in the document with every alias written out (each shared node counted once)."""
    known = memo.get(id(node))
    if known is not None:
        return known
    memo[id(node)] = 1  # a recursive alias counts once, and the loader refuses it anyway
    total = 1
    if isinstance(node, yaml.SequenceNode):
        total += sum(_expanded_nodes(item, memo) for item in node.value)
    elif isinstance(node, yaml.MappingNode):
        total += sum(_expanded_nodes(k, memo) + _expanded_nodes(v, memo) for k, v in node.value)
    memo[id(node)] = total
    return total


def compose_bounded(text: str) -> tuple[yaml.Node | None, list[TemplateIssue]]:
    """The YAML node tree, or an issue when aliases (`*name`) expand it past the limit."""
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    if root is None or _expanded_nodes(root, {}) <= MAX_YAML_NODES:
        return root, []
    message = (
        f"the YAML stands for more than {MAX_YAML_NODES} values once its aliases (*name) "
        "are expanded"
    )
    return root, [TemplateIssue("", message, root.start_mark.line + 1)]


def _read_text(text: str, *, file_name: str | None) -> tuple[object, list[TemplateIssue]]:
    try:
        root, too_large = compose_bounded(text)
        if too_large:
            return None, too_large
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        return None, [_syntax_issue(exc)]
    located = [(issue, _line_of(root, issue.loc)) for issue in issues_in(data)]
    located += _duplicate_yaml_keys(root)
    issues = [TemplateIssue(path_of(issue.loc), issue.message, line) for issue, line in located]
    if file_name is not None and isinstance(data, dict):
        expected = f"{data.get('key')}.v{data.get('version')}.yaml"
        if file_name != expected:
            issues.append(
                TemplateIssue(
                    "",
                    f"file name {file_name!r} does not match the key and "
                    f"version: expected {expected!r}",
                )
            )
    return data, sorted(issues, key=lambda issue: issue.line or 0)


def validate_template_text(text: str, *, file_name: str | None = None) -> list[TemplateIssue]:
    """Every problem in YAML text; with `file_name`, also its `<key>.v<version>.yaml` name."""
    return _read_text(text, file_name=file_name)[1]


def _read_file(path: str | Path) -> tuple[object, list[TemplateIssue]]:
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, [TemplateIssue("", f"cannot read {file}: {exc}")]
    return _read_text(text, file_name=file.name)


def validate_template_file(path: str | Path) -> list[TemplateIssue]:
    """Every problem in a YAML template file: syntax (with line), structure, cross-references."""
    return _read_file(path)[1]


def load_template_file(path: str | Path) -> TemplateDefinition:
    """A checked definition from a YAML file; TemplateInvalid lists every problem."""
    data, issues = _read_file(path)
    if issues:
        raise TemplateInvalid(issues, source=str(path))
    return TemplateDefinition.model_validate(data)


def read_yaml(text: str) -> tuple[object, list[TemplateIssue]]:
    """The data of YAML text, or why it cannot be read (too many values once its aliases
    expand, or a syntax error): nothing is checked against the template structure."""
    try:
        _, too_large = compose_bounded(text)
        if too_large:
            return None, too_large
        return yaml.safe_load(text), []
    except yaml.YAMLError as exc:
        return None, [TemplateIssue("", str(exc))]


def dump_yaml(definition: dict[str, Any]) -> str:
    """A stored definition written as YAML, its keys in their stored order."""
    return yaml.safe_dump(definition, allow_unicode=True, sort_keys=False, width=100)
