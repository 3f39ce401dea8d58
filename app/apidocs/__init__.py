"""The API documentation pages (Swagger UI at /docs, ReDoc at /redoc) with every file served
from this process: they work in closed networks, and no inline script is needed, so the
pages run under a Content-Security-Policy that allows scripts from this origin only.

Swagger UI (Apache-2.0) and ReDoc (MIT) come from the `fastapi-offline` package's files;
the two start-up scripts are ours (static/).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS = "/docs/assets"
# Scripts only from this origin; the viewers set styles from script and ReDoc searches in a
# worker it starts from a blob.
DOCS_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
    "worker-src 'self' blob:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)

_SWAGGER = f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{{title}} — Swagger UI</title>
<link rel="stylesheet" href="{ASSETS}/swagger-ui.css">
<link rel="icon" href="{ASSETS}/favicon.png">
</head>
<body>
<div id="swagger-ui" data-openapi-url="{{openapi_url}}"></div>
<script src="{ASSETS}/swagger-ui-bundle.js"></script>
<script src="{ASSETS}/swagger-init.js"></script>
</body>
</html>
"""

_REDOC = f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{{title}} — ReDoc</title>
<link rel="icon" href="{ASSETS}/favicon.png">
</head>
<body>
<redoc spec-url="{{openapi_url}}"></redoc>
<script src="{ASSETS}/redoc.standalone.js"></script>
</body>
</html>
"""


def _page(html: str) -> Callable[[], Awaitable[HTMLResponse]]:
    async def show() -> HTMLResponse:
        return HTMLResponse(html, headers={"Content-Security-Policy": DOCS_CSP})

    return show


def install_docs(app: FastAPI) -> None:
    """/docs, /redoc and their files; create the app with docs_url=None, redoc_url=None."""
    openapi_url = app.openapi_url or "/openapi.json"
    pages = {
        "/docs": _SWAGGER.format(title=app.title, openapi_url=openapi_url),
        "/redoc": _REDOC.format(title=app.title, openapi_url=openapi_url),
    }
    for path, page in pages.items():
        app.add_api_route(path, _page(page), methods=["GET"], include_in_schema=False)
    app.mount(
        ASSETS,
        StaticFiles(packages=[("fastapi_offline", "static"), ("app.apidocs", "static")]),
        name="api-docs-assets",
    )
