"""Build artifacts stay in step: OpenAPI file, migrations, translations."""

from __future__ import annotations

import uuid

from sqlalchemy import create_engine, inspect, text

from app.core import migrations
from app.core.config import get_settings
from app.core.i18n import missing_translations
from app.devtools import OPENAPI_PATH, current_openapi


def test_openapi_file_matches_the_app() -> None:
    assert OPENAPI_PATH.read_text(encoding="utf-8") == current_openapi(), "run `make openapi`"


def test_operation_ids_follow_tag_name_and_every_route_has_a_summary() -> None:
    import json

    spec = json.loads(current_openapi())
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            assert operation.get("summary"), f"{method} {path} has no summary"
            tag = operation["tags"][0]
            assert operation["operationId"].startswith(f"{tag}-"), operation["operationId"]


def test_translation_catalogues_are_complete() -> None:
    assert missing_translations() == {}


def test_downgrade_to_base_and_upgrade_to_head_round_trip(tmp_path: object) -> None:
    url = get_settings().database_url
    scratch = f"ennakko_roundtrip_{uuid.uuid4().hex[:8]}"
    if url.startswith("sqlite"):
        target = f"sqlite:///{tmp_path}/roundtrip.db"
    else:
        admin = create_engine(url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{scratch}"'))
        target = url.rsplit("/", 1)[0] + f"/{scratch}"
    try:
        migrations.upgrade(target)
        migrations.downgrade(target, "base")
        engine = create_engine(target)
        try:
            assert set(inspect(engine).get_table_names()) - {"alembic_version"} == set()
            migrations.upgrade(target)
            assert "audit_entry" in inspect(engine).get_table_names()
        finally:
            engine.dispose()
    finally:
        if not url.startswith("sqlite"):
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)'))
            admin.dispose()
