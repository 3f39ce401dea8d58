"""Verifying every audit chain against its key, its head row and its checkpoints."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import groupby

from sqlmodel import Session, col, select

from app.audit import checkpoints as checkpoint_file
from app.audit.chain import GENESIS_HASH, entry_hash
from app.audit.checkpoints import Checkpoints
from app.audit.models import AuditChain, AuditEntry
from app.core.config import get_settings


@dataclass(frozen=True)
class ChainReport:
    """One chain's verdict; `broken_at` is the chain-local number of the first bad entry."""

    checked: int
    broken_at: int | None = None
    reason: str | None = None
    chain: str = ""
    checkpointed: int | None = None  # the latest checkpointed entry, if any

    @property
    def ok(self) -> bool:
        return self.broken_at is None


@dataclass(frozen=True)
class VerifyReport:
    chains: list[ChainReport]
    unsigned_checkpoints: int = 0

    @property
    def ok(self) -> bool:
        return self.unsigned_checkpoints == 0 and all(c.ok for c in self.chains)

    @property
    def checked(self) -> int:
        return sum(c.checked for c in self.chains)

    @property
    def first_broken(self) -> ChainReport | None:
        return next((c for c in self.chains if not c.ok), None)


def _walk(entries: Iterable[AuditEntry], key: bytes | None) -> tuple[ChainReport, str]:
    """Walk one chain in order: numbering, links and keyed hashes. Returns the last hash."""
    prev, expected, checked = GENESIS_HASH, 1, 0
    for entry in entries:
        if entry.chain_seq != expected:
            return ChainReport(checked, expected, f"entry {expected} is missing"), prev
        if entry.prev_hash != prev:
            return ChainReport(checked, expected, "previous-hash link does not match"), prev
        if entry_hash(entry, key) != entry.hash:
            return ChainReport(checked, expected, "entry content does not match its hash"), prev
        prev, expected, checked = entry.hash, expected + 1, checked + 1
    return ChainReport(checked), prev


def verify_chain(
    entries: Iterable[AuditEntry],
    head: AuditChain | None,
    attested: dict[int, str] | None = None,
    *,
    key: bytes | None = None,
    head_required: bool = False,
) -> ChainReport:
    """Verify one chain: its entries, its head row (when given or required) and what the
    checkpoints attest of it."""
    listed = list(entries)
    report, last_hash = _walk(listed, key)
    chain = listed[0].chain if listed else (head.chain if head is not None else "")
    attested = attested or {}
    latest = max(attested) if attested else None
    if not report.ok:
        return ChainReport(report.checked, report.broken_at, report.reason, chain, latest)
    checked = report.checked
    by_seq = {e.chain_seq: e.hash for e in listed}
    for seq in sorted(attested):
        if seq > checked:
            reason = f"chain ends at entry {checked} but entry {seq} was checkpointed"
            return ChainReport(checked, checked + 1, reason, chain, latest)
        if seq > 0 and by_seq[seq] != attested[seq]:
            reason = "entry differs from its signed checkpoint"
            return ChainReport(checked, seq, reason, chain, latest)
    if head is not None and (head.seq != checked or head.hash != last_hash):
        reason = f"the head row says entry {head.seq} but the chain ends at entry {checked}"
        return ChainReport(checked, min(head.seq, checked) + 1, reason, chain, latest)
    if head is None and head_required and checked:
        return ChainReport(checked, checked + 1, "the chain's head row is missing", chain, latest)
    return ChainReport(checked, chain=chain, checkpointed=latest)


def _chains(session: Session) -> Iterator[tuple[str, list[AuditEntry]]]:
    query = select(AuditEntry).order_by(col(AuditEntry.chain), col(AuditEntry.chain_seq))
    rows = session.exec(query).yield_per(1000)
    for chain, entries in groupby(rows, key=lambda e: e.chain):
        yield chain, list(entries)


def verify(session: Session, found: Checkpoints | None = None) -> VerifyReport:
    """Verify every chain in the database and every chain the checkpoints know of."""
    found = found if found is not None else checkpoint_file.read(get_settings())
    heads = {h.chain: h for h in session.exec(select(AuditChain)).all()}
    key = get_settings().audit_hmac_key
    reports: dict[str, ChainReport] = {}
    for chain, entries in _chains(session):
        attested = found.heads.get(chain)
        head = heads.get(chain)
        reports[chain] = verify_chain(entries, head, attested, key=key, head_required=True)
    for chain in (set(heads) | set(found.heads)) - set(reports):
        reports[chain] = verify_chain([], heads.get(chain), found.heads.get(chain), key=key)
        reports[chain] = _named(reports[chain], chain)
    return VerifyReport([reports[c] for c in sorted(reports)], unsigned_checkpoints=found.unsigned)


def _named(report: ChainReport, chain: str) -> ChainReport:
    return ChainReport(report.checked, report.broken_at, report.reason, chain, report.checkpointed)
