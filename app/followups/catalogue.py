"""The indicator catalogue: the Sotkanet, TEAviisari and own indicators an organisation (or
its region, for its members) follows, imported from a CSV file with errors named per row."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session

from app.audit import service as audit
from app.auth.permissions import MANAGE_INDICATORS, READ_DRAFTS, ensure
from app.auth.principal import Principal
from app.core.db import utcnow
from app.core.errors import NotFound, Unprocessable
from app.followups import repository as repo
from app.followups.models import CatalogueIndicator, IndicatorSource
from app.organisations import service as organisations
from app.organisations.models import Organisation

COLUMNS = ("source", "code", "name_fi", "name_sv", "name_en", "unit")
REQUIRED = ("source", "code", "name_fi")
LIMITS = {"code": 40, "name_fi": 300, "name_sv": 300, "name_en": 300, "unit": 60}
MAX_ROWS = 5000
MAX_BYTES = 2_000_000


@dataclass(frozen=True)
class Imported:
    organisation_id: str
    created: int
    updated: int
    unchanged: int


def visible_ids(session: Session, organisation: Organisation) -> list[str]:
    """The organisation's catalogue and its region's (a member sees the region's entries)."""
    ids = [organisation.id]
    parent = organisation.parent_id
    while parent and parent not in ids:
        ids.append(parent)
        above = organisations.organisation(session, parent)
        parent = above.parent_id if above else None
    return ids


def _organisation(session: Session, principal: Principal, organisation_id: str) -> Organisation:
    return organisations.visible_organisation(
        session, principal=principal, organisation_id=organisation_id
    )


def entries(
    session: Session, *, principal: Principal, organisation_id: str
) -> Sequence[CatalogueIndicator]:
    """The catalogue an organisation's people see: its own entries and its region's."""
    org = _organisation(session, principal, organisation_id)
    ensure(principal, org.id, READ_DRAFTS, "read the indicator catalogue")
    return repo.catalogue(session, visible_ids(session, org))


def entry_for(session: Session, organisation: Organisation, entry_id: str) -> CatalogueIndicator:
    """A catalogue entry the organisation may reference; 422 for any other id."""
    entry = repo.catalogue_entry(session, entry_id)
    if entry is None or entry.organisation_id not in visible_ids(session, organisation):
        raise Unprocessable(
            "No such indicator in the organisation's catalogue",
            code="unknown_catalogue_indicator",
            details={"catalogue_id": entry_id},
        )
    return entry


def get(session: Session, entry_id: str) -> CatalogueIndicator | None:
    return repo.catalogue_entry(session, entry_id)


def _row_errors(line: int, row: dict[str, str]) -> list[dict[str, object]]:
    errors: list[dict[str, object]] = []
    for name in REQUIRED:
        if not row.get(name):
            errors.append({"row": line, "field": name, "message": "required"})
    source = row.get("source")
    if source and source not in {s.value for s in IndicatorSource}:
        errors.append(
            {"row": line, "field": "source", "message": "one of sotkanet, teaviisari, own"}
        )
    for name, limit in LIMITS.items():
        if len(row.get(name) or "") > limit:
            errors.append({"row": line, "field": name, "message": f"at most {limit} characters"})
    if source == "sotkanet" and row.get("code") and not row["code"].isdigit():
        errors.append({"row": line, "field": "code", "message": "a Sotkanet id is a number"})
    return errors


def parse(content: bytes) -> list[tuple[int, dict[str, str]]]:
    """The rows of a catalogue CSV (UTF-8, a header naming the columns; `,` or `;`), or 422
    listing every bad row; nothing is written unless every row is good."""
    if len(content) > MAX_BYTES:
        raise Unprocessable(f"The file is larger than {MAX_BYTES} bytes", code="file_too_large")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise Unprocessable("The file is not UTF-8 text", code="not_utf8") from exc
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = [h.strip() for h in reader.fieldnames or []]
    missing = [c for c in REQUIRED if c not in header]
    unknown = [h for h in header if h not in COLUMNS]
    if missing or unknown:
        raise Unprocessable(
            f"The header must name the columns {', '.join(COLUMNS)}",
            code="bad_header",
            details=[{"row": 1, "field": c, "message": "missing column"} for c in missing]
            + [{"row": 1, "field": c, "message": "unknown column"} for c in unknown],
        )
    rows: list[tuple[int, dict[str, str]]] = []
    errors: list[dict[str, object]] = []
    seen: dict[tuple[str, str], int] = {}
    for raw in reader:
        line = reader.line_num
        if None in raw:
            errors.append({"row": line, "field": None, "message": "more cells than columns"})
            continue
        row = {k.strip(): (v or "").strip() for k, v in raw.items()}
        if not any(row.values()):
            continue
        problems = _row_errors(line, row)
        key = (row.get("source", ""), row.get("code", ""))
        if not problems and key in seen:
            problems.append({"row": line, "field": "code", "message": f"repeats line {seen[key]}"})
        seen.setdefault(key, line)
        errors.extend(problems)
        rows.append((line, row))
        if len(rows) > MAX_ROWS:
            raise Unprocessable(f"At most {MAX_ROWS} rows", code="too_many_rows")
    if errors:
        raise Unprocessable(
            f"{len({e['row'] for e in errors})} rows of the file are not valid; nothing was "
            "imported",
            code="invalid_rows",
            details=errors[:200],
        )
    if not rows:
        raise Unprocessable("The file has no rows", code="empty_file")
    return rows


def import_csv(
    session: Session, *, principal: Principal, organisation_id: str, content: bytes
) -> Imported:
    """Add or update the organisation's catalogue from a CSV file: every row or none."""
    org = _organisation(session, principal, organisation_id)
    ensure(principal, org.id, MANAGE_INDICATORS, "maintain the indicator catalogue")
    rows = parse(content)
    existing = {(e.source.value, e.code): e for e in repo.catalogue(session, [org.id])}
    created = updated = 0
    now = utcnow()
    for _line, row in rows:
        values = {
            "name_fi": row["name_fi"],
            "name_sv": row.get("name_sv") or None,
            "name_en": row.get("name_en") or None,
            "unit": row.get("unit") or None,
        }
        entry = existing.get((row["source"], row["code"]))
        if entry is None:
            entry = CatalogueIndicator(
                organisation_id=org.id,
                source=IndicatorSource(row["source"]),
                code=row["code"],
                name_fi=row["name_fi"],
            )
            for k, v in values.items():
                setattr(entry, k, v)
            created += 1
        elif any(getattr(entry, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(entry, k, v)
            entry.updated_at = now
            updated += 1
        else:
            continue
        session.add(entry)
    session.flush()
    audit.changed(
        session,
        principal,
        "indicators.imported",
        org,
        data={"created": created, "updated": updated, "rows": len(rows)},
        organisation_id=org.id,
        version=None,
    )
    return Imported(org.id, created, updated, len(rows) - created - updated)


def organisation_by_slug_or_id(session: Session, key: str) -> Organisation:
    """The organisation named on the command line by slug or id."""
    org = organisations.organisation_by_slug(session, key) or organisations.organisation(
        session, key
    )
    if org is None:
        raise NotFound(f"No organisation {key}")
    return org
