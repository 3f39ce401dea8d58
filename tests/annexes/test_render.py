"""The PDF/A annex, checked on the real output with pikepdf: structure, fonts, text, layout."""

from __future__ import annotations

import base64
import hashlib
import io
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from pikepdf import Name

from app.annexes.record import AnnexRecord, load_record
from app.annexes.render import render_html, render_pdf
from app.annexes.render.pdf import document_info
from app.annexes.render.pdf_tables import heatmap, notes_table
from app.annexes.render.view import MAX_MATRIX_COLUMNS, build_view
from examples.make_large_record import build_record
from tests.annexes.pdf_inspect import BASE14, document_text, fonts, page_fonts, xmp

ROOT = Path(__file__).resolve().parents[2]
LARGE = ROOT / "examples" / "assessment-large.json"
SCHEMA = ROOT / "app" / "annexes" / "annex-record.schema.json"
SAMI = "åäöčđŋšŧž"


def _record(**kwargs: Any) -> AnnexRecord:
    return AnnexRecord.model_validate(build_record(**kwargs))


def _open(data: bytes) -> pikepdf.Pdf:
    return pikepdf.open(io.BytesIO(data))


@pytest.fixture(scope="module")
def large() -> AnnexRecord:
    return load_record(LARGE)


@pytest.fixture(scope="module")
def large_pdf(large: AnnexRecord) -> bytes:
    return render_pdf(large)


# --- PDF/A structure -------------------------------------------------------------------


def test_xmp_declares_pdfa_2b_and_agrees_with_info(large_pdf: bytes, large: AnnexRecord) -> None:
    with _open(large_pdf) as pdf:
        packet = xmp(pdf)
        info = pdf.docinfo
        assert "<pdfaid:part>2</pdfaid:part>" in packet
        assert "<pdfaid:conformance>B</pdfaid:conformance>" in packet
        assert f"<rdf:li>{large.identification.organisation_name}</rdf:li>" in packet
        assert "<dc:language><rdf:Bag><rdf:li>fi</rdf:li>" in packet
        assert str(info.Title) in packet
        assert "<xmp:CreateDate>2025-03-14T10:15:00+00:00</xmp:CreateDate>" in packet
        assert "<xmp:ModifyDate>2025-03-14T10:15:00+00:00</xmp:ModifyDate>" in packet
        assert str(info.CreationDate) == str(info.ModDate) == "D:20250314101500+00'00'"
        assert str(info.Author) == large.identification.organisation_name


def test_output_intent_carries_an_srgb_icc_profile(large_pdf: bytes) -> None:
    with _open(large_pdf) as pdf:
        intents = pdf.Root.OutputIntents
        assert len(intents) == 1
        assert intents[0].S == Name.GTS_PDFA1
        profile = intents[0].DestOutputProfile
        assert int(profile.N) == 3
        data = profile.read_bytes()
        assert data[36:40] == b"acsp"
        assert data[16:20] == b"RGB "


def test_catalog_lang_version_and_no_encryption(large_pdf: bytes) -> None:
    assert large_pdf.startswith(b"%PDF-1.7")
    with _open(large_pdf) as pdf:
        assert str(pdf.Root.Lang) == "fi"
        assert pdf.pdf_version == "1.7"
        assert not pdf.is_encrypted
        assert Name.Encrypt not in pdf.trailer
        assert len(pdf.Root.Outlines.keys()) > 0


def test_every_font_is_embedded_truetype_and_never_base14(large_pdf: bytes) -> None:
    with _open(large_pdf) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            used = list(page_fonts(page))
            assert used, f"page {number} has no fonts"
            for name, font in used:
                assert Name.FontFile2 in font.FontDescriptor, (number, name)
        all_fonts = list(fonts(pdf))
        assert all_fonts
        for font in all_fonts:
            base = str(font.BaseFont)
            assert not any(b in base for b in BASE14), base
            assert "DejaVuSans" in base
            assert Name.FontFile2 in font.FontDescriptor


def test_pdf_is_byte_identical_and_id_comes_from_the_content_hash(large: AnnexRecord) -> None:
    first, second = render_pdf(large), render_pdf(large)
    assert first == second
    identity = document_info(build_view(large)).identity
    with _open(first) as pdf:
        assert bytes(pdf.trailer.ID[0]) == hashlib.sha256(identity.encode()).digest()[:16]


def test_pikepdf_pdfa_validator_approves_the_annex(large_pdf: bytes) -> None:
    from pikepdf import pdfa

    report = pdfa.validate_written(io.BytesIO(large_pdf), "2b")
    assert report.passed, [str(f) for f in report.findings]


def test_pdfa_validator_approves_a_swedish_short_annex_with_a_transparent_logo() -> None:
    from pikepdf import pdfa
    from PIL import Image, ImageDraw

    logo = Image.new("RGBA", (80, 40), (0, 0, 0, 0))
    ImageDraw.Draw(logo).ellipse((5, 5, 75, 35), fill=(200, 30, 30, 200))
    png = io.BytesIO()
    logo.save(png, "PNG")
    data = build_record(outcome="not_needed")
    data["identification"]["organisation_logo_png"] = base64.b64encode(png.getvalue()).decode()
    pdf = render_pdf(AnnexRecord.model_validate(data), "sv")
    report = pdfa.validate_written(io.BytesIO(pdf), "2b")
    assert report.passed, [str(f) for f in report.findings]


# --- PDF content and layout -----------------------------------------------------------


def test_text_keeps_sami_letters_symbols_and_footer(large_pdf: bytes) -> None:
    with _open(large_pdf) as pdf:
        text = document_text(pdf)
        pages = len(pdf.pages)
    for letter in SAMI:
        assert letter in text, letter
    for symbol in ("++", "−−", "?", "○", "Ei vaikutusta", "Ei arvioitu"):
        assert symbol in text
    assert f"sivu 1 / {pages}" in text
    assert f"sivu {pages} / {pages}" in text
    assert "Asiatunnus 112/00.01.02/2025 · versio 4 · tiiviste" in text


def test_large_example_has_a_sensible_page_count(large_pdf: bytes) -> None:
    with _open(large_pdf) as pdf:
        assert 25 <= len(pdf.pages) <= 60
        sizes = {tuple(round(float(x)) for x in p.mediabox[2:]) for p in pdf.pages}
    assert sizes == {(595, 842), (842, 595)}


def test_a_sixty_page_annex_renders() -> None:
    data = render_pdf(_record(long_share=1.0))
    with _open(data) as pdf:
        pages = len(pdf.pages)
        last = document_text(pdf).split("\f")[-1]
    assert pages >= 60
    assert f"sivu {pages} / {pages}" in last


def test_not_needed_screening_gives_a_one_page_annex() -> None:
    data = render_pdf(_record(outcome="not_needed"))
    with _open(data) as pdf:
        assert len(pdf.pages) == 1
        text = document_text(pdf)
    assert "Arviointia ei tarvita" in text
    assert "Tarkastus- ja hyväksymisloki" in text
    assert "Vaikutusmatriisi" not in text


def _target_page(destination: object) -> tuple[int, int]:
    assert isinstance(destination, pikepdf.Array)
    page: pikepdf.Object = destination[0]
    return page.objgen


def test_bookmarks_point_at_the_pages_of_their_sections(large_pdf: bytes) -> None:
    with _open(large_pdf) as pdf:
        numbers = {page.obj.objgen: i for i, page in enumerate(pdf.pages, start=1)}
        texts = document_text(pdf).split("\f")
        with pdf.open_outline() as outline:
            entries = [
                (child.title, numbers[_target_page(child.destination)])
                for top in outline.root
                for child in top.children
            ]
    assert len(entries) >= 10
    for title, page in entries:
        assert title.split(":")[0] in texts[page - 1].replace("\n", " "), (title, page)
    assert entries[-1][1] == len(texts)


def test_non_public_annex_is_marked_on_every_page() -> None:
    data = build_record(outcome="not_needed")
    data["records_management"] |= {
        "publicity_class": "partly_secret",
        "publicity_reason": "JulkL 24 § 1 mom. 25 k",
    }
    record = AnnexRecord.model_validate(data)
    with _open(render_pdf(record)) as pdf:
        assert "OSITTAIN SALASSA PIDETTÄVÄ" in document_text(pdf)
    html = render_html(record)
    assert '<strong class="publicity">OSITTAIN SALASSA PIDETTÄVÄ</strong>' in html
    assert "JulkL 24 § 1 mom. 25 k" in html
    assert 'id="matrix"' not in html


def test_wide_matrices_are_split_and_every_table_fits_its_frame(large: AnnexRecord) -> None:
    view = build_view(large)
    width = 297 * 72 / 25.4 - 2 * 16 * 72 / 25.4
    for alt in view.alternatives:
        assert len(alt.chunks) == 2
        for chunk in alt.chunks:
            assert len(chunk.genders) <= MAX_MATRIX_COLUMNS
            assert sum(heatmap(chunk, view.t, width).model.widths) <= width + 0.01
        assert sum(notes_table(alt.notes, view.t, width).model.widths) <= width + 0.01


def test_label_language_can_be_overridden(large: AnnexRecord) -> None:
    with _open(render_pdf(large, "sv")) as pdf:
        text = document_text(pdf)
        pages = len(pdf.pages)
        assert str(pdf.Root.Lang) == "sv"
    assert "Bilaga: Förhandsbedömning av konsekvenser" in text
    assert f"sida {pages} / {pages}" in text


def test_user_markup_is_text_in_pdf_and_escaped_in_html() -> None:
    data = build_record(alternatives=2, areas=2, groups=2, genders=2)
    data["identification"]["title"] = "<script>alert(1)</script> & <b>lihavoitu</b>"
    data["matrix"][0]["cells"][0]["justification"] = "<img src=x onerror=alert(1)>"
    record = AnnexRecord.model_validate(data)
    with _open(render_pdf(record)) as pdf:
        assert "<script>alert(1)</script> & <b>lihavoitu</b>" in document_text(pdf)
    html = render_html(record)
    assert "<script" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;lihavoitu&lt;/b&gt;" in html
