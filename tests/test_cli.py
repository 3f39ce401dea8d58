"""The `ennakko` command line: help everywhere, templates validate, annex render."""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pytest
from typer.testing import CliRunner

from app.cli import app as cli

COMMANDS = [
    [],
    ["serve"],
    ["migrate"],
    ["demo-data"],
    ["org", "create"],
    ["user", "create"],
    ["client", "create"],
    ["audit", "verify"],
    ["templates", "validate"],
    ["templates", "sync"],
    ["annex", "render"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "ennakko")
def test_every_command_has_help(command: list[str]) -> None:
    result = CliRunner().invoke(cli, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output


def test_templates_validate_reports_paths(tmp_path: Path) -> None:
    ok = CliRunner().invoke(cli, ["templates", "validate", "assessment_templates"])
    assert ok.exit_code == 0, ok.output
    assert "5 of 5 templates valid" in ok.output
    broken = tmp_path / "iva.v1.yaml"
    text = Path("assessment_templates/iva.v1.yaml").read_text(encoding="utf-8")
    broken.write_text(text.replace("parent: children", "parent: elderly75", 1), encoding="utf-8")
    result = CliRunner().invoke(cli, ["templates", "validate", str(broken)])
    assert result.exit_code == 1
    assert "elderly75" in result.output
    assert "population_groups[" in result.output


def test_annex_render_offline(tmp_path: Path) -> None:
    out = tmp_path / "annex.pdf"
    result = CliRunner().invoke(
        cli,
        [
            "annex",
            "render",
            "--input",
            "examples/assessment-large.json",
            "--lang",
            "sv",
            "--format",
            "pdf",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    with pikepdf.open(out) as pdf:
        assert str(pdf.Root.Lang) == "sv"
        assert len(pdf.pages) > 10
    bad = CliRunner().invoke(
        cli,
        [
            "annex",
            "render",
            "--input",
            "examples/assessment-large.json",
            "--format",
            "docx",
            "--out",
            str(out),
        ],
    )
    assert bad.exit_code != 0
