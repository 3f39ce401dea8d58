"""The export bundle: annex.pdf, annex.html, annex.json and a manifest of their sha256 sums.

The files are made elsewhere (render_bundle in pdf.py, which ReportLab is loaded for); this
module only packs them, so the annex service can pack stored files without loading it.

The zip is deterministic (fixed timestamps and permissions, sorted entries), so the same
record always gives the same bundle bytes.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from io import BytesIO

from app.annexes.record import SCHEMA_ID, AnnexRecord

ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
MANIFEST = "manifest.json"


def record_json(record: AnnexRecord) -> bytes:
    """The canonical JSON of the record (sorted keys, UTF-8, trailing newline)."""
    data = record.model_dump(mode="json")
    return (json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()


def _entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=ZIP_EPOCH)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    info.create_system = 3
    return info


def manifest(record: AnnexRecord, files: dict[str, bytes]) -> bytes:
    """Names, sizes and sha256 sums of the bundle members, with the record's identity."""
    data = {
        "schema_version": SCHEMA_ID,
        "case_id": record.identification.case.id,
        "draft_version": record.draft_version,
        "content_hash": record.content_hash,
        "issued_at": record.issued_at.isoformat(),
        "files": [
            {"name": name, "size": len(body), "sha256": hashlib.sha256(body).hexdigest()}
            for name, body in sorted(files.items())
        ],
    }
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode()


def bundle_of(record: AnnexRecord, *, pdf: bytes, html: bytes) -> bytes:
    """The bundle of already rendered files, so its members equal the files stored beside it."""
    files = {"annex.pdf": pdf, "annex.html": html, "annex.json": record_json(record)}
    files[MANIFEST] = manifest(record, files)
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(files):
            archive.writestr(_entry(name), files[name], compresslevel=6)
    return buffer.getvalue()
