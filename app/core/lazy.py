"""Modules loaded the first time a request or command needs them, not when the app starts.

A web or API worker mostly answers JSON and pages. Rendering PDFs (ReportLab and its fonts)
and writing XLSX (openpyxl) would add some 30 MB to every worker's resident set if
they were imported with the routes, though most workers rarely render; httpx (with the
command-line libraries it pulls in) adds 6 MB and is needed only to fetch an OIDC issuer's
keys or to check a webhook's URL. So the modules that import those libraries are named here
by their dotted path, and the thin functions that front them (app.annexes.render,
app.reports.exports, app.reports.annual_render, app.core.tokens, app.integrations.service)
load them through `load` on first use. This is the one place where a module is imported after
start-up, and it exists for weight, not to dodge an import cycle: every other import stays
at the top of its module. tests/core/test_lazy_loading.py asserts that building the app
imports none of the heavy libraries.

The same holds for SQLAlchemy's dialect packages: the engine loads its own dialect, and the
`INSERT ... ON CONFLICT` constructs (app.core.upsert) take the engine's through `dialect`, so
a SQLite worker never loads the PostgreSQL dialect (some 2 MB) and a PostgreSQL one never
loads SQLite's. Template YAML (PyYAML) is read only when a template is imported, validated
or exported: app.templates.yaml_text is loaded through `load` by app.templates.validation.

Jinja2 (some 2 MB) is loaded with the first page a worker renders (app.web.page_env, taken
by app.web.rendering), or the first annex or annual report HTML (DEFERRED_MODULES): a worker
answering only the API never imports it; tests/core/test_lazy_loading.py asserts that too.
Babel is loaded the same way with the first date or number formatted (app.core.babel_format,
taken by app.core.i18n), and argon2 with the first password or client secret hashed or
verified (app.core.argon2id, taken by app.core.passwords): bearer tokens need neither.

One package is never loaded at all: pydantic.v1, which FastAPI would import on the first
route it builds only to refuse v1 models (app/__init__.py marks it absent).
"""

from __future__ import annotations

import importlib
from types import ModuleType

# the modules that import ReportLab, openpyxl, httpx or PyYAML; nothing a worker imports
# at start imports them
HEAVY_MODULES = frozenset(
    {
        "app.annexes.render.pdf",
        "app.annexes.render.pdf_bundle",
        "app.core.jwks_http",
        "app.integrations.ssrf",
        "app.reports.annual_pdf",
        "app.reports.xlsx",
        "app.templates.yaml_text",
    }
)
# what a worker must not have imported before it first renders
HEAVY_PACKAGES = ("reportlab", "pikepdf", "openpyxl", "alembic", "httpx", "yaml")
# the modules loaded with the first use of what they import, each with the package it brings:
# Jinja2 (some 2 MB of a worker's resident set) with the first page, annex HTML or annual
# report HTML a process renders, so a worker answering only the API, and `ennakko annex
# render` of a PDF (a cold process that would pay some 20 ms importing Jinja2 for nothing),
# never import it; Babel (0.7 MB) with the first date or number formatted for a page or a
# report; argon2 (0.4 MB) with the first password or client secret hashed or verified, which
# a worker answering bearer-token requests never does
DEFERRED_MODULES = {
    "app.annexes.render.html": "jinja2",
    "app.core.argon2id": "argon2",
    "app.core.babel_format": "babel",
    "app.reports.annual_html": "jinja2",
    "app.web.page_env": "jinja2",
}
# what a worker must not have imported before it first renders a page, formats a value or
# checks a password
DEFERRED_PACKAGES = tuple(sorted(set(DEFERRED_MODULES.values())))
# SQLAlchemy's dialect package for each database the service runs on
DIALECT_PACKAGES = {
    "postgresql": "sqlalchemy.dialects.postgresql",
    "sqlite": "sqlalchemy.dialects.sqlite",
}


def load(name: str) -> ModuleType:
    """The heavy (or deferred) module `name`, imported now on its first use (then kept)."""
    if name not in HEAVY_MODULES and name not in DEFERRED_MODULES:
        raise KeyError(f"{name} is not a lazily loaded module")
    return importlib.import_module(name)


def dialect(name: str) -> ModuleType:
    """SQLAlchemy's dialect package for the engine's dialect `name` (already loaded by the
    engine itself, so this imports nothing new); never the other database's."""
    if name not in DIALECT_PACKAGES:
        raise KeyError(f"{name} is not a supported database dialect")
    return importlib.import_module(DIALECT_PACKAGES[name])
