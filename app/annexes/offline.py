"""Render an annex from a JSON record file without a database (`ennakko annex render`)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from app.annexes.record import load_record
from app.annexes.render import render_bundle, render_html, render_pdf
from app.annexes.render.bundle import record_json

Format = Literal["pdf", "html", "json", "zip"]
FORMATS: tuple[Format, ...] = ("pdf", "html", "json", "zip")


def render_bytes(input_path: Path, lang: str | None, fmt: Format) -> bytes:
    """The rendered annex; `lang` overrides the record language for the fixed labels."""
    record = load_record(input_path)
    if fmt == "pdf":
        return render_pdf(record, lang)
    if fmt == "html":
        return render_html(record, lang).encode("utf-8")
    if fmt == "zip":
        return render_bundle(record, lang)
    if fmt == "json":
        return record_json(record)
    raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")


def render_file(
    input_path: Path | str, lang: str | None, fmt: Format, out_path: Path | str
) -> Path:
    """Render `input_path` (an ennakko.annex/1 record) to `out_path` in `fmt`."""
    out = Path(out_path)
    data = render_bytes(Path(input_path), lang, fmt)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(out)
    return out
