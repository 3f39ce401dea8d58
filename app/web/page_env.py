"""The web UI's one Jinja2 environment: loaded with the first page a worker renders
(app.web.rendering takes it through app.core.lazy), so a worker that answers only the API
never imports Jinja2."""

from __future__ import annotations

from app.core.templating import environment

ENV = environment()
