"""Ennakko.

FastAPI imports pydantic's whole v1 compatibility package (23 modules, some 1.5 MB in every
worker) on the first route it builds, only to refuse pydantic.v1 models; this code base has
none, and no library it runs imports that package. Marked absent here, before any route is
built, FastAPI's check answers "not a v1 model" without loading it (app/core/lazy.py lists
what loads late; tests/core/test_lazy_loading.py checks this stays so).
"""

import sys

sys.modules.setdefault("pydantic.v1", None)  # type: ignore[arg-type]
