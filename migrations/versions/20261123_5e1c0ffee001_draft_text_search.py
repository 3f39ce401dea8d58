"""draft text search: trigram indexes so free-text search stays flat as drafts grow

Revision ID: 5e1c0ffee001
Revises: ff362e1772e5
Create Date: 2026-11-23 08:35:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "5e1c0ffee001"
down_revision: str | Sequence[str] | None = "ff362e1772e5"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# SQLite: an FTS5 index with the trigram tokenizer over the draft's title and proposal, kept in
# step by triggers. It matches any substring of three or more characters, case-insensitively.
_SQLITE_UP = [
    """CREATE VIRTUAL TABLE decision_draft_fts USING fts5(
           title, proposal, content='decision_draft', content_rowid='rowid',
           tokenize='trigram case_sensitive 0')""",
    """CREATE TRIGGER decision_draft_fts_insert AFTER INSERT ON decision_draft BEGIN
           INSERT INTO decision_draft_fts(rowid, title, proposal)
           VALUES (new.rowid, new.title, new.proposal); END""",
    """CREATE TRIGGER decision_draft_fts_delete AFTER DELETE ON decision_draft BEGIN
           INSERT INTO decision_draft_fts(decision_draft_fts, rowid, title, proposal)
           VALUES ('delete', old.rowid, old.title, old.proposal); END""",
    """CREATE TRIGGER decision_draft_fts_update AFTER UPDATE OF title, proposal ON decision_draft
       BEGIN
           INSERT INTO decision_draft_fts(decision_draft_fts, rowid, title, proposal)
           VALUES ('delete', old.rowid, old.title, old.proposal);
           INSERT INTO decision_draft_fts(rowid, title, proposal)
           VALUES (new.rowid, new.title, new.proposal); END""",
    "INSERT INTO decision_draft_fts(decision_draft_fts) VALUES ('rebuild')",
]
_SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS decision_draft_fts_insert",
    "DROP TRIGGER IF EXISTS decision_draft_fts_delete",
    "DROP TRIGGER IF EXISTS decision_draft_fts_update",
    "DROP TABLE IF EXISTS decision_draft_fts",
]
# PostgreSQL: trigram GIN indexes make LIKE '%…%' on lower(text) an index scan.
_POSTGRES_UP = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX ix_decision_draft_title_trgm ON decision_draft "
    "USING gin (lower(title) gin_trgm_ops)",
    "CREATE INDEX ix_decision_draft_proposal_trgm ON decision_draft "
    "USING gin (lower(proposal) gin_trgm_ops)",
]
_POSTGRES_DOWN = [
    "DROP INDEX IF EXISTS ix_decision_draft_proposal_trgm",
    "DROP INDEX IF EXISTS ix_decision_draft_title_trgm",
]


def _run(sqlite: list[str], postgres: list[str]) -> None:
    for statement in sqlite if op.get_bind().dialect.name == "sqlite" else postgres:
        op.execute(statement)


def upgrade() -> None:
    _run(_SQLITE_UP, _POSTGRES_UP)


def downgrade() -> None:
    _run(_SQLITE_DOWN, _POSTGRES_DOWN)
