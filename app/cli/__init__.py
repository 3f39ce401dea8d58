"""The `ennakko` command line: a root group whose commands are loaded when they run.

Each command lives in a module that imports what it needs at module level; the root names
them as "module:attribute" strings and imports one only when it is invoked (or when help
lists it). So `ennakko annex render` pays for ReportLab and pydantic, never for FastAPI,
SQLAlchemy, uvicorn or openpyxl. This is click's lazy group pattern on typer's group class
(typer carries its own copy of click, so the types come from there).
"""

from __future__ import annotations

import importlib

import typer
from typer._click import Command, Context  # typer's own copy of click: its group's types
from typer.core import TyperGroup

# name → "module:attribute" of a typer app with one command: that command
COMMANDS: dict[str, str] = {
    "serve": "app.cli.server:serve_app",
    "worker": "app.cli.worker:worker_app",
    "run-all": "app.cli.server:run_all_app",
    "migrate": "app.cli.server:migrate_app",
    "demo-data": "app.cli.server:demo_data_app",
}
# name → "module:attribute" of a typer app whose commands are subcommands of `name`
GROUPS: dict[str, str] = {
    "org": "app.cli.organisations:org_app",
    "user": "app.cli.organisations:user_app",
    "client": "app.cli.organisations:client_app",
    "audit": "app.audit.cli:app",
    "reports": "app.reports.cli:app",
    "indicators": "app.followups.cli:indicators_app",
    "followups": "app.followups.cli:followups_app",
    "templates": "app.cli.templates:templates_app",
    "annex": "app.cli.annex:annex_app",
}


def load_command(name: str) -> Command:
    """The command (or group) `name`, its module imported now."""
    spec = COMMANDS.get(name) or GROUPS[name]
    module_name, _, attribute = spec.partition(":")
    target = getattr(importlib.import_module(module_name), attribute)
    if not isinstance(target, typer.Typer):
        raise TypeError(f"{spec} is not a typer app")
    command = typer.main.get_group(target) if name in GROUPS else typer.main.get_command(target)
    command.name = name
    return command


class LazyGroup(TyperGroup):
    """A typer group that imports a command's module only when the command is asked for."""

    def list_commands(self, ctx: Context) -> list[str]:
        return [*super().list_commands(ctx), *COMMANDS, *GROUPS]

    def get_command(self, ctx: Context, cmd_name: str) -> Command | None:
        if cmd_name in COMMANDS or cmd_name in GROUPS:
            return load_command(cmd_name)
        return super().get_command(ctx, cmd_name)


app = typer.Typer(cls=LazyGroup, no_args_is_help=True)


@app.callback()
def ennakko() -> None:
    """Ennakko: ex-ante impact assessment workflow service."""
