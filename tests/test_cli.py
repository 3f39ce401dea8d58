"""The `ennakko` command line: help everywhere, templates validate, annex render."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest
from typer.core import TyperGroup
from typer.testing import CliRunner

from app.cli import COMMANDS, GROUPS, load_command
from app.cli import app as cli


def _every_command() -> list[list[str]]:
    """Every command path: the root, each top-level command and group, each subcommand."""
    paths: list[list[str]] = [[]]
    for name in [*COMMANDS, *GROUPS]:
        paths.append([name])
        command = load_command(name)
        if isinstance(command, TyperGroup):
            paths += [[name, sub] for sub in command.commands]
    return paths


@pytest.mark.parametrize("command", _every_command(), ids=lambda c: " ".join(c) or "ennakko")
def test_every_command_has_help(command: list[str]) -> None:
    result = CliRunner().invoke(cli, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output


def test_root_help_lists_every_command_with_its_help() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0, result.output
    lines = [line.strip("│ ") for line in result.output.splitlines()]
    for name in [*COMMANDS, *GROUPS]:
        summary = load_command(name).get_short_help_str(limit=200)[:20]
        assert len(summary) > 5, name
        assert any(line.startswith(name + " ") and summary in line for line in lines), name
    assert "render" in CliRunner().invoke(cli, ["annex", "--help"]).output


def test_annex_render_loads_no_web_app_or_database(tmp_path: Path) -> None:
    """A cold `ennakko annex render` imports the renderer, not FastAPI, SQLAlchemy or uvicorn,
    nor pikepdf (ReportLab writes the PDF/A itself), nor Jinja2 for a PDF."""
    out = tmp_path / "annex.pdf"
    script = (
        "import sys\n"
        "from app.cli import app\n"
        "app(['annex', 'render', '--input', 'examples/assessment-large.json',"
        f" '--out', {str(out)!r}], standalone_mode=False)\n"
        "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    loaded = set(done.stdout.split())
    assert {"reportlab", "app"} <= loaded
    assert loaded.isdisjoint(
        {"fastapi", "starlette", "sqlalchemy", "sqlmodel", "uvicorn", "httpx", "pikepdf", "jinja2"}
    )
    assert out.stat().st_size > 0


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
