"""Generate examples/assessment-large.json: a realistic, deterministic annex record.

3 alternatives (incl. status quo) × 12 impact areas × 8 population groups × 4 genders
(all / women / men / other) for a service-network decision in Inari, with Finnish,
Swedish and Sámi text. `build_record()` also makes smaller or larger records for tests
and benchmarks.

    .venv/bin/python -m examples.make_large_record [--out examples/assessment-large.json]
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import random
import struct
import zlib
from pathlib import Path
from typing import Any

from app.annexes.record import AnnexRecord
from examples.large_record_data import (
    ALTERNATIVES,
    AREAS,
    BIAS,
    EVIDENCE,
    GENDER_NOTES,
    GENDERS,
    GROUPS,
    LONG,
    REASONS,
    SAME_AS_ALL,
    SCALE,
    TEXTS,
    VULNERABLE,
)

OUT = Path(__file__).with_name("assessment-large.json")
ISSUED_AT = "2025-03-14T10:15:00+00:00"


def _png(size: int = 96) -> bytes:
    """A small deterministic emblem (a blue disc with a white band) as a PNG."""
    rows = []
    half = size / 2
    for y in range(size):
        row = bytearray([0])
        for x in range(size):
            inside = (x - half) ** 2 + (y - half) ** 2 < (half - 2) ** 2
            band = inside and abs(y - half) < size / 10
            row += bytes((255, 255, 255) if band or not inside else (0, 84, 145))
        rows.append(bytes(row))

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"".join(rows), 9)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )


def _score(rng: random.Random, alt: str, area: str, group: str) -> int:
    bias = BIAS[alt].get(area, 0.0)
    if bias < 0:
        bias += VULNERABLE.get(group, 0.0)
    raw = rng.gauss(bias, 0.45 if alt == "status_quo" else 0.65)
    return max(-2, min(2, round(raw)))


def _justification(
    rng: random.Random, value: int, base: int, gender: str, long_share: float
) -> str | None:
    if value == 0:
        return "Tunnistettua vaikutusta ei ole." if rng.random() < 0.1 else None
    if rng.random() < 0.012:
        return None
    if gender != "all":
        if value == base:
            return SAME_AS_ALL
        return f"{GENDER_NOTES[gender]} {rng.choice(REASONS[value])}"
    if rng.random() < long_share:
        return LONG
    return rng.choice(REASONS[value])


def _cell(
    rng: random.Random, area: str, group: str, gender: str, value: int, base: int, long_share: float
) -> dict[str, Any]:
    cell: dict[str, Any] = {"area": area, "group": group, "gender": gender, "status": "assessed"}
    cell["value"] = value
    if value:
        cell["horizon"] = rng.choice(["short", "long", "both"])
        cell["certainty"] = rng.choice(["low", "medium", "medium", "high"])
    text = _justification(rng, value, base, gender, long_share)
    if text:
        cell["justification"] = text
    if value and gender == "all" and rng.random() < 0.5:
        cell["evidence"] = rng.choice(EVIDENCE)
    if value < 0 and gender == "all" and rng.random() < 0.4:
        cell["mitigation"] = (
            "Asiointiliikenne kahdesti viikossa kyliin sekä saamenkielinen etäyhteys "
            "(gáiddusbálvalus) kirjastoon ja terveysasemalle."
        )
    return cell


def _unscored(roll: float, area: str, group: str, gender: str) -> dict[str, Any] | None:
    cell: dict[str, Any] = {"area": area, "group": group, "gender": gender}
    if roll < 0.03:
        return cell | {"status": "not_assessed"}
    if roll < 0.06:
        return cell | {
            "status": "cannot_assess",
            "justification": "Ryhmää koskevaa tietoa ei ole saatavilla kunta- eikä kylätasolla.",
        }
    return None


def _cells(
    rng: random.Random,
    alt: str,
    areas: list[str],
    groups: list[str],
    genders: list[str],
    long_share: float,
) -> list[dict[str, Any]]:
    cells: list[dict[str, Any]] = []
    for area in areas:
        for group in groups:
            base = _score(rng, alt, area, group)
            roll = rng.random()
            if roll < 0.015:
                continue  # never opened by an assessor: absent, shown as not assessed
            whole: dict[str, Any] = {}
            for gender in genders:
                unscored = _unscored(roll, area, group, gender)
                if unscored is not None:
                    cells.append(unscored)
                    continue
                value = base
                if gender != "all" and rng.random() < 0.12:
                    value = max(-2, min(2, base + rng.choice([-1, 1])))
                cell = _cell(rng, area, group, gender, value, base, long_share)
                if gender == "all":
                    whole = cell
                elif value == base:
                    cell |= {k: whole[k] for k in ("horizon", "certainty") if k in whole}
                cells.append(cell)
    return cells


def _summary(alt: str, cells: list[dict[str, Any]], total: int) -> dict[str, Any]:
    values = [c.get("value") for c in cells if c["status"] == "assessed"]
    cannot = sum(1 for c in cells if c["status"] == "cannot_assess")
    assessed = len(values)
    return {
        "alternative": alt,
        "positive": sum(1 for v in values if v and v > 0),
        "neutral": sum(1 for v in values if v == 0),
        "negative": sum(1 for v in values if v and v < 0),
        "cannot_assess": cannot,
        "not_assessed": total - assessed - cannot,
        "completeness_percent": round(100 * (assessed + cannot) / total, 1),
    }


def _findings(matrix: list[dict[str, Any]]) -> dict[str, Any]:
    cumulative, gaps, missing = [], [], []
    for m in matrix:
        alt = m["alternative"]
        by_key = {(c["area"], c["group"], c["gender"]): c for c in m["cells"]}
        groups = dict.fromkeys(c["group"] for c in m["cells"])
        for group in groups:
            negative = [
                c["area"]
                for c in m["cells"]
                if c["group"] == group and c["gender"] == "all" and (c.get("value") or 0) < 0
            ]
            if len(negative) >= 3:
                cumulative.append({"group": group, "alternative": alt, "negative_areas": negative})
        for (area, group, gender), c in by_key.items():
            if gender == "women" and (area, group, "men") in by_key:
                w, men = c.get("value"), by_key[(area, group, "men")].get("value")
                if w is not None and men is not None and w != men:
                    gaps.append(
                        {"area": area, "group": group, "alternative": alt, "women": w, "men": men}
                    )
            if c.get("value") and not c.get("justification"):
                missing.append({"alternative": alt, "area": area, "group": group, "gender": gender})
    return {"cumulative": cumulative, "gender_gaps": gaps, "missing_justifications": missing}


def _approvals(content_hash: str) -> list[dict[str, Any]]:
    old = hashlib.sha256(b"draft version 3").hexdigest()
    return [
        {
            "reviewer_name": "Áile Guttorm",
            "role": "Lapsiasiavaltuutetun yhdyshenkilö",
            "decision": "changes_requested",
            "decided_at": "2025-03-03T12:40:00+00:00",
            "content_hash": old,
            "stale": True,
            "comment": "Lapsivaikutukset Nellimin (Njellim) päiväkodin osalta puuttuvat.",
        },
        {
            "reviewer_name": "Merja Lindqvist",
            "role": "Hyvinvointikoordinaattori (HYTE)",
            "decision": "approved",
            "decided_at": "2025-03-12T08:05:00+00:00",
            "content_hash": content_hash,
        },
        {
            "reviewer_name": "Niillas Sammallahti",
            "role": "Tasa-arvo- ja yhdenvertaisuusasiantuntija",
            "decision": "approved",
            "decided_at": "2025-03-13T14:20:00+00:00",
            "content_hash": content_hash,
        },
    ]


def _texts(recommended: str) -> dict[str, Any]:
    comparison = TEXTS["comparison"] | {"recommended_alternative": recommended}
    return TEXTS | {"comparison": comparison}


def build_record(
    *,
    seed: int = 2025,
    alternatives: int = 3,
    areas: int = 12,
    groups: int = 8,
    genders: int = 4,
    long_share: float = 0.08,
    outcome: str = "full",
) -> dict[str, Any]:
    """A valid annex record as plain JSON data; the same arguments give the same record."""
    rng = random.Random(seed)
    area_rows, group_rows = AREAS[:areas], GROUPS[:groups]
    gender_rows, alt_rows = GENDERS[:genders], ALTERNATIVES[:alternatives]
    keys = ([x[0] for x in area_rows], [g[0] for g in group_rows], [g[0] for g in gender_rows])
    matrix: list[dict[str, Any]] = [
        {"alternative": a[0], "cells": _cells(rng, a[0], *keys, long_share)} for a in alt_rows
    ]
    content_hash = hashlib.sha256(
        json.dumps(matrix, sort_keys=True, ensure_ascii=False).encode()
    ).hexdigest()
    record = _frame(content_hash, outcome)
    if outcome == "not_needed":
        return record | {
            "scale": _scale(),
            "approvals": _approvals(content_hash)[1:2],
            "issued_at": ISSUED_AT,
        }
    total = len(area_rows) * len(group_rows) * len(gender_rows)
    group_keys = set(keys[1])
    return record | {
        "alternatives": [
            {"key": k, "name": n, "description": d, "is_status_quo": sq} for k, n, d, sq in alt_rows
        ],
        "scale": _scale(),
        "areas": [{"key": k, "name": n, "group_name": g} for k, n, g in area_rows],
        "groups": [
            {"key": k, "name": n, "parent": p if p in group_keys else None}
            for k, n, p in group_rows
        ],
        "genders": [{"key": k, "name": n} for k, n in gender_rows],
        "matrix": matrix,
        "summary": [_summary(m["alternative"], m["cells"], total) for m in matrix],
        "findings": _findings(matrix),
        **_texts(alt_rows[-1][0]),
        "approvals": _approvals(content_hash),
        "issued_at": ISSUED_AT,
    }


def _frame(content_hash: str, outcome: str) -> dict[str, Any]:
    return {
        "schema_version": "ennakko.annex/1",
        "language": "fi",
        "identification": _identification(),
        "records_management": {
            "document_type": "Vaikutusten ennakkoarviointi (päätöksen liite)",
            "publicity_class": "public",
            "personal_data_class": "no_personal_data",
            "retention_years": None,
        },
        "draft_version": 4,
        "content_hash": content_hash,
        "proposal": {
            "text": "Kunnanvaltuusto päättää uudistaa sivistys- ja hyvinvointipalvelujen "
            "palveluverkon vuosina 2026–2028 vaihtoehdon 2 mukaisesti: kylien palvelupisteet "
            "korvataan hyvinvointiautolla ja saamenkielisellä etäpalvelulla.",
            "background": "Palvelupisteiden käyntimäärät ovat laskeneet, ja kunnan talous "
            "edellyttää säästöjä. Asukastilaisuudet pidettiin Ivalossa, Inarissa ja Nellimissä.",
            "abridged": False,
        },
        "screening": _screening(outcome),
    }


def _scale() -> dict[str, Any]:
    return {
        "values": [
            {"value": v, "symbol": s, "direction": d, "label": lbl} for v, s, d, lbl in SCALE
        ],
        "cannot_assess_symbol": "?",
    }


def _identification() -> dict[str, Any]:
    return {
        "organisation_name": "Inarin kunta – Anára gielda – Aanaar kieldâ",
        "organisation_logo_png": base64.b64encode(_png()).decode("ascii"),
        "title": "Sivistys- ja hyvinvointipalvelujen palveluverkon uudistaminen 2026–2028",
        "case": {"id": "INARI-2025-000112", "label": "112/00.01.02/2025", "system": "Dynasty"},
        "decision_body": "Kunnanvaltuusto",
        "meeting_date": "2025-03-24",
        "preparer": "Sanna Aikio, hyvinvointikoordinaattori",
        "presenting_official": "Kunnanjohtaja Toni K. Laine",
        "template": {"key": "ina-eva", "name": "Inarin EVA-matriisi", "version": "2025.1"},
    }


def _screening(outcome: str) -> dict[str, Any]:
    if outcome == "not_needed":
        return {
            "outcome": "not_needed",
            "reason": "Kyse on viranhaltijan täyttöpäätöksen tiedoksi merkitsemisestä; päätös ei "
            "vaikuta kuntalaisiin eikä henkilöstön asemaan.",
            "answers": [
                {"question": "Koskeeko päätös ihmisiä?", "answer": "no"},
                {"question": "Eroavatko sukupuolten tilanteet asiassa?", "answer": "no"},
            ],
        }
    return {
        "outcome": outcome,
        "reason": "Päätös muuttaa palveluverkkoa ja koskee erityisesti ikääntyneitä, "
        "lapsiperheitä ja saamenkielisiä asukkaita. Investointi ylittää 100 000 €.",
        "answers": [
            {"question": "Koskeeko päätös ihmisiä?", "answer": "yes"},
            {
                "question": "Eroavatko sukupuolten tilanteet asiassa?",
                "answer": "yes",
                "note": "Naiset käyttävät palvelupisteitä useammin ja toimivat useammin "
                "omaishoitajina.",
            },
            {"question": "Muuttuuko palveluverkko?", "answer": "yes"},
            {"question": "Koskeeko päätös henkilöstöä?", "answer": "yes"},
            {"question": "Ylittääkö investointi tai hankinta 100 000 €?", "answer": "yes"},
        ],
    }


def main() -> None:
    """Write the large example record (validated against the annex schema)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    data = build_record()
    AnnexRecord.model_validate(data)
    args.out.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
