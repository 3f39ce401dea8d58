"""The warm PDF render's shortcuts give what ReportLab's own paths give, byte for byte."""

from __future__ import annotations

import base64
import io
from copy import deepcopy
from typing import Any
from xml.sax.saxutils import escape

import pikepdf
import pytest
from PIL import Image, ImageDraw
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfdoc import PDFArray, PDFDocument
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph

from app.annexes.record import AnnexRecord
from app.annexes.render import pdf as pdf_module
from app.annexes.render import render_pdf, stream_memo
from app.annexes.render.paragraphs import text_paragraph
from app.annexes.render.pdfa import NumberArray
from app.annexes.render.theme import REGULAR, FallbackFont, register_fonts, styles, subset_runs
from examples.make_large_record import build_record

# more than one subset of 256 codes: Latin, Finnish/Swedish/Sámi letters, Greek, Cyrillic
MANY = (
    "".join(chr(c) for c in range(0x20, 0x7F))
    + "åäöÅÄÖčđŋšŧžČĐŊŠŦŽ\u00a0"
    + "".join(chr(c) for c in range(0x100, 0x180))
    + "".join(chr(c) for c in range(0x391, 0x3CA) if c != 0x3A2)
    + "".join(chr(c) for c in range(0x410, 0x450))
)


def _font() -> FallbackFont:
    register_fonts()
    font = pdfmetrics.getFont(REGULAR)
    assert isinstance(font, FallbackFont)
    return font


def test_a_split_of_assigned_characters_is_reportlabs_split() -> None:
    font = _font()
    theirs_doc, ours_doc = PDFDocument(), PDFDocument()
    pieces = [MANY, MANY[::-1], "Åström\u00a0öljy", MANY[200:260], ""]
    theirs = [TTFont.splitString(font, text, theirs_doc) for text in pieces]
    ours = [font._own_split(text, ours_doc, "utf-8") for text in pieces]
    assert ours == theirs
    assert {subset for run in theirs for subset, _ in run} >= {0, 1}  # several subsets
    # again, every character now assigned: the shortcut, the same runs
    assert [font._own_split(t, ours_doc, "utf-8") for t in pieces] == [
        TTFont.splitString(font, t, theirs_doc) for t in pieces
    ]


def test_subset_runs_group_codes_as_reportlab_does() -> None:
    assert subset_runs([]) == []
    assert subset_runs([65, 66]) == [(0, b"AB")]
    assert subset_runs([65, 257, 258, 66]) == [(0, b"A"), (1, b"\x01\x02"), (0, b"B")]


def test_a_render_from_the_memos_is_the_render_without_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    record = AnnexRecord.model_validate(build_record(alternatives=1, areas=2, groups=2, genders=2))
    assert record.identification.organisation_logo_png  # the logo's memo is on the path
    warm = render_pdf(record)
    assert render_pdf(record) == warm
    monkeypatch.setattr(stream_memo, "_flated", stream_memo.flate_memo())
    monkeypatch.setattr(stream_memo, "_subsets", stream_memo.WeakKeyDictionary())
    pdf_module._decoded_logo.cache_clear()
    assert render_pdf(record) == warm


def test_the_memos_keep_their_bounds() -> None:
    flated = stream_memo.flate_memo()
    big = bytes(stream_memo.MAX_BYTES)  # with its output, over the budget on its own
    assert flated.get_or_make(big, lambda: b"x") == b"x"
    assert len(flated) == 0
    subsets = stream_memo.subset_memo()
    for n in range(stream_memo.SUBSETS_PER_FACE + 5):
        subsets.get_or_make((n,), lambda: b"font")
    assert len(subsets) == stream_memo.SUBSETS_PER_FACE


def test_a_frames_deep_copy_is_a_deep_copy() -> None:
    frame = pdf_module._Frame(10, 20, 300, 400, id="probe")
    frame._frameBGs = [[1, 2]]  # set by platypus when a page begins
    copy = deepcopy(frame)
    assert type(copy) is pdf_module._Frame
    assert vars(copy) == vars(frame)
    assert copy._frameBGs is not frame._frameBGs
    assert copy._frameBGs[0] is not frame._frameBGs[0]


@pytest.mark.parametrize(
    "text", ["Vaikutukset sukupuoliin", "Åström & <Öberg> 🏫 čđŋ", "  two   spaces\nand a line  "]
)
def test_a_remembered_parse_is_paragraphs_own(text: str) -> None:
    style = styles().body
    theirs = Paragraph(escape(text), style)
    ours, again = text_paragraph(text, style), text_paragraph(text, style)
    assert ours.text == theirs.text
    assert [vars(f) for f in ours.frags] == [vars(f) for f in theirs.frags]
    ours.frags[0].text = "changed by layout"  # each paragraph has its own fragments
    assert again.frags[0].text == theirs.frags[0].text
    assert text_paragraph(text, style).frags[0].text == theirs.frags[0].text
    fresh = text_paragraph(text, style)
    # ReportLab's own line breaking of the remembered fragments (not the one-line shortcut)
    assert Paragraph.wrap(fresh, 200, 500) == theirs.wrap(200, 500)
    assert repr(fresh.blPara) == repr(theirs.blPara)
    shared = [
        key
        for a, b in zip(again.frags, text_paragraph(text, style).frags, strict=True)
        for key, value in vars(a).items()
        if isinstance(value, list) and value is getattr(b, key)
    ]
    assert not shared


def _fresh_header(doc: Any, canvas: Any, _doc: Any) -> None:
    doc._draw_header(canvas)


def test_a_repeated_header_is_the_header_drawn_again(monkeypatch: pytest.MonkeyPatch) -> None:
    data = build_record(alternatives=2, areas=3, groups=2, genders=2)
    data["records_management"] |= {
        "publicity_class": "partly_secret",
        "publicity_reason": "JulkL 24 § 1 mom. 25 k",
    }
    record = AnnexRecord.model_validate(data)
    ours = render_pdf(record)
    monkeypatch.setattr(pdf_module._AnnexDoc, "_header", _fresh_header)
    assert render_pdf(record) == ours
    with pikepdf.open(io.BytesIO(ours)) as doc:
        sizes = {tuple(float(v) for v in page.MediaBox) for page in doc.pages}
        assert len(sizes) == 2  # portrait and landscape pages, each header repeated


@pytest.mark.parametrize("mode", ["RGB", "RGBA"])
def test_the_logo_on_later_pages_is_drawimages_own(
    monkeypatch: pytest.MonkeyPatch, mode: str
) -> None:
    logo = Image.new(mode, (80, 40), (0, 0, 0, 0) if mode == "RGBA" else (255, 255, 255))
    ImageDraw.Draw(logo).ellipse((5, 5, 75, 35), fill=(200, 30, 30, 200))
    png = io.BytesIO()
    logo.save(png, "PNG")
    data = build_record(alternatives=1, areas=3, groups=2, genders=2)
    data["identification"]["organisation_logo_png"] = base64.b64encode(png.getvalue()).decode()
    record = AnnexRecord.model_validate(data)
    ours = render_pdf(record)
    drawn: list[str] = []

    def draw_image(canvas: Any, image: Any, box: tuple[float, ...]) -> None:
        drawn.append(pdf_module._image_name(image))
        canvas.drawImage(image, *box, mask="auto")

    monkeypatch.setattr(pdf_module, "_draw_logo", draw_image)
    # every page's header drawn afresh, not repeated from the first of its size
    monkeypatch.setattr(pdf_module._AnnexDoc, "_header", _fresh_header)
    assert render_pdf(record) == ours
    with pikepdf.open(io.BytesIO(ours)) as doc:
        assert len(doc.pages) > 2
        assert len(drawn) == len(doc.pages)
        names = {str(k) for page in doc.pages for k in page.Resources.XObject}
        # one embedded logo on every page, named as drawImage names it
        assert names == {f"/FormXob.{drawn[0]}"}
        assert set(drawn) == {drawn[0]}


@pytest.mark.parametrize(
    "sequence",
    [[0, 500, 1000, 612.5, 1 / 3, -2.25, 123456, 1e-6] * 40, [], [1, "x", 2.5], [True, 3]],
)
@pytest.mark.parametrize("multiline", [True, False, "forced"])
def test_a_number_array_is_formatted_as_a_pdf_array(sequence: list[Any], multiline: Any) -> None:
    doc = PDFDocument()
    ours, theirs = NumberArray(sequence), PDFArray(sequence)
    ours.multiline = theirs.multiline = multiline
    assert ours.format(doc) == theirs.format(doc)
