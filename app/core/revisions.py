"""The schema's revision, read without Alembic, for the readiness probe.

Alembic (its script directory, templates and migration runtime) costs a serving worker some
10 MB and is needed only to migrate. Readiness needs just two ids: the head, found by reading
`revision` and `down_revision` from the files in migrations/versions (the one revision no
other revises), and the database's, read from `alembic_version`. tests/core/test_revisions.py
checks both against Alembic's own answers.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from sqlalchemy import Connection, String, column, inspect, select, table

from app.core.config import PROJECT_ROOT

VERSIONS_DIR = PROJECT_ROOT / "migrations" / "versions"
VERSION_TABLE = "alembic_version"
_REVISION = re.compile(r"^revision\b[^=\n]*=\s*['\"]([^'\"]+)['\"]", re.MULTILINE)
_DOWN_REVISION = re.compile(r"^down_revision\b[^=\n]*=\s*(.*)$", re.MULTILINE)
_QUOTED = re.compile(r"['\"]([^'\"]+)['\"]")


class RevisionError(RuntimeError):
    """The revisions do not name one head (or the database records more than one)."""


def heads_in(directory: Path) -> set[str]:
    """The revisions in `directory` that no other revision names as its down revision."""
    revisions: set[str] = set()
    revised: set[str] = set()
    for path in directory.glob("*.py"):
        source = path.read_text(encoding="utf-8")
        found = _REVISION.search(source)
        if found is None:
            continue
        revisions.add(found.group(1))
        down = _DOWN_REVISION.search(source)
        if down is not None:
            revised.update(_QUOTED.findall(down.group(1)))
    return revisions - revised


@lru_cache(maxsize=1)
def head_revision() -> str:
    """The one head revision of the migrations shipped with this code."""
    heads = heads_in(VERSIONS_DIR)
    if len(heads) != 1:
        raise RevisionError(f"expected one head revision, found {sorted(heads)}")
    return heads.pop()


def current_revision(conn: Connection) -> str | None:
    """The revision the database is at; None before its first migration."""
    if not inspect(conn).has_table(VERSION_TABLE):
        return None
    version_num = column("version_num", String)
    rows = conn.execute(select(version_num).select_from(table(VERSION_TABLE))).scalars().all()
    if len(rows) > 1:
        raise RevisionError(f"the database is at several heads: {sorted(rows)}")
    return str(rows[0]) if rows else None
