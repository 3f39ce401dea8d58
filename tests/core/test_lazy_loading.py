"""A serving worker loads the renderers (ReportLab, pikepdf, openpyxl) and Alembic only when
a request or command needs them (app/core/lazy.py, app/core/revisions.py)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from app.core import lazy

# builds the app, answers the probes, then names the heavy packages it has imported
_PROBE = """
import json, sys
from fastapi.testclient import TestClient
from app.core.lazy import HEAVY_PACKAGES
from app.main import create_app

with TestClient(create_app()) as client:
    statuses = [client.get(path).status_code for path in ("/healthz", "/readyz", "/login")]
loaded = sorted({name.split(".")[0] for name in sys.modules} & set(HEAVY_PACKAGES))
print(json.dumps({"statuses": statuses, "loaded": loaded}))
"""


def test_building_and_probing_the_app_loads_no_renderer_and_no_alembic() -> None:
    # a fresh interpreter: this test process has imported everything already
    done = subprocess.run(
        [sys.executable, "-c", _PROBE], capture_output=True, text=True, check=True, timeout=120
    )
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["statuses"] == [200, 200, 200]
    assert found["loaded"] == []


@pytest.mark.parametrize("name", sorted(lazy.HEAVY_MODULES))
def test_each_lazy_module_brings_a_heavy_package(name: str) -> None:
    """The list in app.core.lazy names what it should: each module loads a heavy library."""
    probe = (
        "import json, sys; from app.core import lazy; "
        f"lazy.load({name!r}); "
        "loaded = {n.split('.')[0] for n in sys.modules}; "
        "print(json.dumps(sorted(loaded & set(lazy.HEAVY_PACKAGES))))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    assert json.loads(done.stdout.strip().splitlines()[-1]) != []


def test_only_listed_modules_load_lazily() -> None:
    with pytest.raises(KeyError):
        lazy.load("app.main")
