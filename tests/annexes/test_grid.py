"""The annex's own table flowable (grid.py) and one-line paragraphs (paragraphs.py): split
across pages without losing or reordering a row, header repeated; drawn where ReportLab's
Paragraph would draw."""

from __future__ import annotations

import io
import re
from xml.sax.saxutils import escape

import pikepdf
import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate

from app.annexes.render.grid import Cell, Font, Grid, GridModel, Row
from app.annexes.render.paragraphs import TextParagraph, text_paragraph
from app.annexes.render.pdf_tables import HEAD, TEXT, flow_rows
from app.annexes.render.theme import BOLD, REGULAR, styles
from tests.annexes.pdf_inspect import page_text


def _model(rows: int, *, keep_every: int = 0, lines: int = 1) -> GridModel:
    """A header and `rows` numbered body rows; every `keep_every`th row may not end a page."""
    head = Row([Cell("Kohde", HEAD, 0), Cell("Perustelu", HEAD, 1)])
    body = [
        Row(
            [Cell(f"rivi {i:03d}", TEXT, 0), Cell("\n".join(["teksti"] * lines), TEXT, 1)],
            keep=bool(keep_every) and i % keep_every == 0,
        )
        for i in range(rows)
    ]
    return GridModel([120.0, 300.0], [head, *body], head=1)


def _pages(grid: Grid, height: float) -> list[Grid]:
    parts, rest = [], grid
    while True:
        split = rest.split(500, height)
        assert split, "a page must take at least one row"
        if split == [rest]:
            return [*parts, rest]
        first, rest = split
        assert first.height <= height
        parts.append(first)


def test_a_split_table_keeps_every_row_in_order_under_its_header() -> None:
    model = _model(60, lines=3)
    parts = _pages(Grid(model), 200)
    assert len(parts) > 3
    body = [i for part in parts for i in part.rows()[model.head :]]
    assert body == list(range(1, len(model.rows)))
    for part in parts:
        assert part.rows()[: model.head] == [0]


def test_a_kept_row_never_ends_a_part() -> None:
    model = _model(40, keep_every=3)
    for part in _pages(Grid(model), 90)[:-1]:
        assert not model.rows[part.rows()[-1]].keep


def test_no_part_when_not_even_one_row_fits() -> None:
    model = _model(5, lines=8)
    assert Grid(model).split(500, model.head_height + 10) == []


def test_a_whole_table_that_fits_is_not_split() -> None:
    grid = Grid(_model(3))
    assert grid.split(500, grid.height) == [grid]


def test_rows_spanned_by_a_cell_grow_to_hold_it() -> None:
    tall = Cell("yksi\nkaksi\nkolme\nneljä", HEAD, 0, rows=2)
    rows = [
        Row([tall, Cell("ryhmä", HEAD, 1)]),
        Row([Cell("nainen", Font(BOLD, 6.5, 8), 1)]),
    ]
    model = GridModel([80.0, 40.0], rows, head=2)
    need = 4 * HEAD.leading + rows[0].top + rows[0].bottom
    assert sum(model.heights) == pytest.approx(need)
    assert model.heights[0] > HEAD.leading + rows[0].top + rows[0].bottom


def test_a_long_row_flows_as_rows_of_at_most_twelve_lines() -> None:
    cells = ["\n".join(f"a{i}" for i in range(30)), "b"]
    parts = flow_rows(cells)
    assert [len(p[0].split("\n")) for p in parts] == [12, 12, 6]
    assert "\n".join(p[0] for p in parts) == cells[0]


def test_a_table_over_pages_shows_its_header_and_rows_in_order_on_each_page() -> None:
    buffer = io.BytesIO()
    styles()  # registers the fonts
    doc = SimpleDocTemplate(buffer, pagesize=A4, invariant=1, initialFontName=REGULAR)
    doc.build([Grid(_model(120, lines=2))])
    seen: list[int] = []
    with pikepdf.open(io.BytesIO(buffer.getvalue())) as pdf:
        assert len(pdf.pages) > 2
        for page in pdf.pages:
            lines = [line for line in page_text(page).split("\n") if line]
            assert lines[:2] == ["Kohde", "Perustelu"]
            seen += [int(m) for m in re.findall(r"rivi (\d+)", "\n".join(lines))]
    assert seen == list(range(120))


def _text_ops(paragraph: Paragraph, width: float) -> tuple[tuple[float, float], str]:
    canvas = Canvas(io.BytesIO(), invariant=1)
    size = paragraph.wrapOn(canvas, width, 800)
    paragraph.drawOn(canvas, 40, 400)
    code = " ".join(canvas._code)
    return size, code[code.index("BT") : code.rindex("ET") + 2]


@pytest.mark.parametrize(
    "text",
    ["Vaikutusten ennakkoarviointi", "Åström Öberg 🏫 čđŋ", "  two   spaces\nand a line  "],
)
def test_a_one_line_paragraph_is_drawn_as_paragraph_draws_it(text: str) -> None:
    style = styles().h2
    ours = text_paragraph(text, style)
    ours_size, ours_ops = _text_ops(ours, 400)
    assert ours._line is not None  # the shortcut was taken
    assert (ours_size, ours_ops) == _text_ops(Paragraph(escape(text), style), 400)


@pytest.mark.parametrize(
    "text", ["sana " * 60, "kaksi\u00a0sanaa yhdessä", "Vaikutusten ennakkoarviointi", "a & b"]
)
def test_longer_or_unusual_paragraphs_are_left_to_paragraph(text: str) -> None:
    style = styles().body
    ours = text_paragraph(text, style)
    width = 60 if text.startswith("Vaikutusten") else 400
    ours_size, ours_ops = _text_ops(ours, width)
    assert ours._line is None
    assert (ours_size, ours_ops) == _text_ops(Paragraph(escape(text), style), width)


def test_a_split_one_line_paragraph_splits_as_paragraph_does() -> None:
    style = styles().body
    ours = text_paragraph("Yksi rivi", style)
    ours.wrap(400, 800)
    theirs = Paragraph("Yksi rivi", style)
    theirs.wrap(400, 800)
    assert [p.getPlainText() for p in ours.split(400, 5)] == [
        p.getPlainText() for p in theirs.split(400, 5)
    ]
    assert isinstance(ours, TextParagraph)
