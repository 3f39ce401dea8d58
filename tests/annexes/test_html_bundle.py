"""The HTML annex, the export bundle, the record schema and the offline renderer."""

from __future__ import annotations

import hashlib
import io
import itertools
import json
import zipfile
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path

import pikepdf
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from app.annexes.offline import render_file
from app.annexes.record import AnnexRecord, json_schema, json_schema_text, load_record
from app.annexes.render import render_bundle, render_html
from app.annexes.render.labels import labels
from app.annexes.render.marks import FILLS, INK
from app.annexes.render.pdf import layout
from app.annexes.render.theme import REGULAR, wrap
from app.annexes.render.view import build_view
from examples.make_large_record import build_record

ROOT = Path(__file__).resolve().parents[2]
LARGE = ROOT / "examples" / "assessment-large.json"
SCHEMA = ROOT / "app" / "annexes" / "annex-record.schema.json"


def _open(data: bytes) -> pikepdf.Pdf:
    return pikepdf.open(io.BytesIO(data))


@pytest.fixture(scope="module")
def large() -> AnnexRecord:
    return load_record(LARGE)


@pytest.fixture(scope="module")
def large_html(large: AnnexRecord) -> str:
    return render_html(large)


# --- HTML ---------------------------------------------------------------------------------


class _Audit(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lang: str | None = None
        self.headings: list[int] = []
        self.tables = 0
        self.captions: list[bool] = []
        self.th_scopes: list[str | None] = []
        self.references: list[str] = []
        self.scripts = 0
        self._after_table = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self.headings.append(int(tag[1]))
        if self._after_table:
            self.captions.append(tag == "caption")
            self._after_table = False
        if tag == "table":
            self.tables += 1
            self._after_table = True
        if tag == "th":
            self.th_scopes.append(a.get("scope"))
        if tag == "script":
            self.scripts += 1
        self.references += [v or "" for k, v in attrs if k in ("src", "href", "srcset", "action")]


def _audit(html: str) -> _Audit:
    audit = _Audit()
    audit.feed(html)
    return audit


def test_html_has_lang_captions_scoped_headers_and_no_scripts(large_html: str) -> None:
    audit = _audit(large_html)
    assert audit.lang == "fi"
    assert audit.tables > 10
    assert audit.captions == [True] * audit.tables
    assert audit.th_scopes
    assert set(audit.th_scopes) <= {"col", "row", "colgroup", "rowgroup"}
    assert audit.scripts == 0


def test_html_heading_levels_never_skip(large_html: str) -> None:
    levels = _audit(large_html).headings
    assert levels[0] == 1
    assert levels.count(1) == 1
    for previous, current in itertools.pairwise(levels):
        assert current <= previous + 1


def test_html_makes_no_external_requests(large_html: str) -> None:
    audit = _audit(large_html)
    for ref in audit.references:
        assert ref.startswith(("#", "data:image/png;base64,")), ref
    assert "@import" not in large_html
    assert "url(" not in large_html


def test_html_shows_direction_as_symbol_and_text_not_only_colour(large_html: str) -> None:
    assert '<span class="sym" aria-hidden="true">−−</span>' in large_html
    assert '<span class="vh">Merkittävä kielteinen vaikutus</span>' in large_html
    assert "@media print" in large_html


def test_heatmap_colours_pass_wcag_aa_with_the_text_colour() -> None:
    def luminance(hex_colour: str) -> float:
        channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    for fill in FILLS.values():
        contrast = (luminance(fill) + 0.05) / (luminance(INK) + 0.05)
        assert contrast >= 4.5, fill


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_every_language_renders_with_its_own_labels(large: AnnexRecord, lang: str) -> None:
    html = render_html(large, lang)
    assert f'<html lang="{lang}">' in html
    assert labels(lang)("document_title") in html


def test_catalogues_have_identical_keys() -> None:
    keys = [
        set(json.loads((ROOT / "app" / "locales" / lang / "annex.json").read_text()))
        for lang in ("fi", "sv", "en")
    ]
    assert keys[0] == keys[1] == keys[2]


# --- bundle, schema, offline ----------------------------------------------------------------


def test_bundle_is_deterministic_and_its_manifest_matches(large: AnnexRecord) -> None:
    data = render_bundle(large)
    assert data == render_bundle(large)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        assert names == sorted(names) == ["annex.html", "annex.json", "annex.pdf", "manifest.json"]
        assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        manifest = json.loads(archive.read("manifest.json"))
        for entry in manifest["files"]:
            body = archive.read(entry["name"])
            assert hashlib.sha256(body).hexdigest() == entry["sha256"]
            assert len(body) == entry["size"]
        assert AnnexRecord.model_validate_json(archive.read("annex.json")) == large
    assert manifest["content_hash"] == large.content_hash


def test_committed_schema_is_current_and_validates_the_example() -> None:
    assert SCHEMA.read_text(encoding="utf-8") == json_schema_text()
    import jsonschema_rs

    validator = jsonschema_rs.validator_for(json_schema())
    example = json.loads(LARGE.read_text(encoding="utf-8"))
    assert validator.is_valid(example)
    assert not validator.is_valid({**example, "unexpected": 1})


def test_record_rejects_dangling_keys_and_values_off_the_scale() -> None:
    data = build_record(alternatives=2, areas=2, groups=2, genders=2)
    data["matrix"][0]["cells"][0]["area"] = "nowhere"
    with pytest.raises(ValidationError, match="unknown area"):
        AnnexRecord.model_validate(data)
    data = build_record(alternatives=2, areas=2, groups=2, genders=2)
    data["matrix"][0]["cells"][0] |= {"status": "assessed", "value": 3}
    with pytest.raises(ValidationError, match="not on the scale"):
        AnnexRecord.model_validate(data)
    data = build_record(alternatives=2, areas=2, groups=2, genders=2)
    data["issued_at"] = datetime(2025, 3, 14).isoformat()
    with pytest.raises(ValidationError):
        AnnexRecord.model_validate(data)


def test_example_is_what_the_generator_writes() -> None:
    assert json.loads(LARGE.read_text(encoding="utf-8")) == build_record()


@pytest.mark.parametrize("fmt", ["pdf", "html", "json", "zip"])
def test_render_file_writes_each_format(tmp_path: Path, fmt: str) -> None:
    out = render_file(LARGE, "en", fmt, tmp_path / f"annex.{fmt}")  # type: ignore[arg-type]
    expected = {
        "pdf": b"%PDF-1.7",
        "html": b"<!DOCTYPE",
        "json": b'{\n  "alt',
        "zip": b"PK\x03\x04",
    }
    assert out.read_bytes().startswith(expected[fmt])


def test_layout_reports_the_same_page_count_as_the_file(large: AnnexRecord) -> None:
    raw, pages = layout(build_view(large))
    with _open(raw) as pdf:
        assert len(pdf.pages) == pages


@settings(max_examples=60, deadline=None)
@given(
    text=st.text(alphabet=st.sampled_from("abcčđŋšŧž äöå-–/ 0123456789"), max_size=300),
    width=st.floats(min_value=20, max_value=400),
)
def test_wrapped_lines_never_exceed_the_width(text: str, width: float) -> None:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    for line in wrap(text, width).split("\n"):
        assert stringWidth(line, REGULAR, 7.5) <= width + 0.01
