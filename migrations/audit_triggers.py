"""Database-level refusal of UPDATE and DELETE on the audit log, per dialect."""

from __future__ import annotations

from alembic import op

_SQLITE = [
    """CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_entry
       BEGIN SELECT RAISE(ABORT, 'audit_entry is append-only'); END""",
    """CREATE TRIGGER audit_entry_no_delete BEFORE DELETE ON audit_entry
       BEGIN SELECT RAISE(ABORT, 'audit_entry is append-only'); END""",
]
_POSTGRES = [
    """CREATE FUNCTION audit_entry_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION 'audit_entry is append-only'; END $$""",
    """CREATE TRIGGER audit_entry_no_change BEFORE UPDATE OR DELETE ON audit_entry
       FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only()""",
    """CREATE TRIGGER audit_entry_no_truncate BEFORE TRUNCATE ON audit_entry
       FOR EACH STATEMENT EXECUTE FUNCTION audit_entry_append_only()""",
]


def create() -> None:
    statements = _SQLITE if op.get_bind().dialect.name == "sqlite" else _POSTGRES
    for statement in statements:
        op.execute(statement)


def drop() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_entry_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_entry_no_delete")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_entry_no_change ON audit_entry")
        op.execute("DROP TRIGGER IF EXISTS audit_entry_no_truncate ON audit_entry")
        op.execute("DROP FUNCTION IF EXISTS audit_entry_append_only()")


# The chain heads move only one step forward, onto a stored entry, and are never deleted.
_SQLITE_CHAIN = [
    """CREATE TRIGGER audit_chain_forward_only BEFORE UPDATE ON audit_chain
       WHEN NEW.chain <> OLD.chain OR NEW.seq <> OLD.seq + 1 OR NOT EXISTS (
         SELECT 1 FROM audit_entry e
         WHERE e.chain = NEW.chain AND e.chain_seq = NEW.seq AND e.hash = NEW.hash)
       BEGIN SELECT RAISE(ABORT, 'audit_chain moves only forward'); END""",
    """CREATE TRIGGER audit_chain_no_delete BEFORE DELETE ON audit_chain
       BEGIN SELECT RAISE(ABORT, 'audit_chain moves only forward'); END""",
    """CREATE TRIGGER audit_chain_starts_at_genesis BEFORE INSERT ON audit_chain
       WHEN NEW.seq <> 0 BEGIN SELECT RAISE(ABORT, 'audit_chain moves only forward'); END""",
]
_POSTGRES_CHAIN = [
    """CREATE FUNCTION audit_chain_guard() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF TG_OP = 'INSERT' THEN
           IF NEW.seq = 0 THEN RETURN NEW; END IF;
         ELSIF TG_OP = 'UPDATE' THEN
           IF NEW.chain = OLD.chain AND NEW.seq = OLD.seq + 1
              AND EXISTS (SELECT 1 FROM audit_entry e WHERE e.chain = NEW.chain
                          AND e.chain_seq = NEW.seq AND e.hash = NEW.hash) THEN
             RETURN NEW;
           END IF;
         END IF;
         RAISE EXCEPTION 'audit_chain moves only forward';
       END $$""",
    """CREATE TRIGGER audit_chain_forward_only BEFORE INSERT OR UPDATE OR DELETE ON audit_chain
       FOR EACH ROW EXECUTE FUNCTION audit_chain_guard()""",
    """CREATE TRIGGER audit_chain_no_truncate BEFORE TRUNCATE ON audit_chain
       FOR EACH STATEMENT EXECUTE FUNCTION audit_chain_guard()""",
]


def create_chain_guards() -> None:
    statements = _SQLITE_CHAIN if op.get_bind().dialect.name == "sqlite" else _POSTGRES_CHAIN
    for statement in statements:
        op.execute(statement)


def drop_chain_guards() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in ("forward_only", "no_delete", "starts_at_genesis"):
            op.execute(f"DROP TRIGGER IF EXISTS audit_chain_{name}")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_chain_forward_only ON audit_chain")
        op.execute("DROP TRIGGER IF EXISTS audit_chain_no_truncate ON audit_chain")
        op.execute("DROP FUNCTION IF EXISTS audit_chain_guard()")
