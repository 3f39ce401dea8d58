"""The PDF/A-2b annex: ReportLab platypus layout on a canvas that writes PDF/A itself."""

from __future__ import annotations

import base64
from copy import deepcopy
from functools import lru_cache, partial
from io import BytesIO
from typing import Any

from reportlab import rl_config
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader, _digester
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate

from app.annexes.record import AnnexRecord
from app.annexes.render.labels import Labels
from app.annexes.render.pdf_story import LANDSCAPE, PORTRAIT, Heading, story
from app.annexes.render.pdfa import DocumentInfo, PdfaCanvas
from app.annexes.render.table_text import RememberingText
from app.annexes.render.theme import (
    BOLD,
    BOTTOM,
    INK,
    MARGIN,
    MUTED,
    REGULAR,
    RULE,
    TOP,
    styles,
)
from app.annexes.render.view import AnnexView, build_view
from app.annexes.render.view_tables import no_case

# ASCII85 on top of Flate only inflates streams by 25 % and costs a Python-level pass
rl_config.useA85 = 0
LOGO_HEIGHT = 9 * mm
# decoded logos kept (one per organisation rendering annexes; each at most ~200 kB of PNG)
LOGOS = 16


class _NumberedCanvas(PdfaCanvas):
    """Defers each page until the total is known, then draws 'page x / y' footers."""

    def __init__(self, *args: Any, footer: str, t: Labels, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._footer = footer
        self._t = t
        self._pages: list[dict[str, Any]] = []

    def beginText(  # noqa: N802 - ReportLab's API
        self, x: float = 0, y: float = 0, direction: str | None = None
    ) -> RememberingText:
        return RememberingText(self, x, y, direction=direction)

    def showPage(self) -> None:  # noqa: N802 - ReportLab's API
        self._pages.append(dict(self.__dict__))
        # keep page numbers (and so bookmark targets) moving while pages are held back
        self._doc.pageCounter += 1
        self._pageNumber += 1
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        self._doc.pageCounter = 1
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            self._draw_footer(number, total)
            super().showPage()
        super().save()

    def _draw_footer(self, number: int, total: int) -> None:
        width, _ = self._pagesize
        y = BOTTOM - 9 * mm
        self.saveState()
        self.setStrokeColor(RULE)
        self.setLineWidth(0.4)
        self.line(MARGIN, y + 9, width - MARGIN, y + 9)
        self.setFillColor(MUTED)
        self.setFont(REGULAR, 7)
        self.drawString(MARGIN, y, self._footer)
        self.drawRightString(width - MARGIN, y, self._t("footer.page", page=number, pages=total))
        self.restoreState()


_IMMUTABLE = (str, int, float, bool, type(None))


class _Frame(Frame):  # type: ignore[misc]  # reportlab ships no type hints
    """A Frame whose deep copy copies only its mutable attributes: platypus deep-copies the
    frame for every keep-with-next group it measures, and a frame is numbers and strings."""

    def __deepcopy__(self, memo: dict[int, Any]) -> _Frame:
        new = memo[id(self)] = _Frame.__new__(_Frame)
        new.__dict__.update(
            (k, v if isinstance(v, _IMMUTABLE) else deepcopy(v, memo))
            for k, v in self.__dict__.items()
        )
        return new


class _AnnexDoc(BaseDocTemplate):  # type: ignore[misc]
    """Portrait and landscape A4 pages sharing the header; headings become bookmarks."""

    def __init__(self, buffer: BytesIO, view: AnnexView) -> None:
        super().__init__(
            buffer,
            pagesize=A4,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=TOP,
            bottomMargin=BOTTOM,
            invariant=1,
            pageCompression=1,
            initialFontName=REGULAR,
            initialFontSize=9,
            lang=view.lang,
            title=view.title,
            author=view.record.identification.organisation_name,
        )
        self._view = view
        self._logo = _logo(view.record.identification.organisation_logo_png)
        self._bookmarks = 0
        self._headers: dict[tuple[float, float], tuple[list[str], list[str]]] = {}
        self.addPageTemplates(
            [self._template(PORTRAIT, A4), self._template(LANDSCAPE, landscape(A4))]
        )

    def _template(self, name: str, size: tuple[float, float]) -> PageTemplate:
        width, height = size
        frame = _Frame(
            MARGIN,
            BOTTOM,
            width - 2 * MARGIN,
            height - TOP - BOTTOM,
            id=name,
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
        )
        return PageTemplate(id=name, frames=[frame], onPage=self._header, pagesize=size)

    def _header(self, canvas: PdfaCanvas, _doc: BaseDocTemplate) -> None:
        """The page header; after the first page of a size, the operators that page's header
        wrote (the header is the same on every page, and leaves the canvas as it found it)."""
        drawn = self._headers.get(canvas._pagesize)
        if drawn is not None:
            code, forms = drawn
            canvas._code += code
            if forms:
                canvas._currentPageHasImages = 1
                canvas._formsinuse += forms
            return
        start, forms_start = len(canvas._code), len(canvas._formsinuse)
        self._draw_header(canvas)
        self._headers[canvas._pagesize] = (
            canvas._code[start:],
            canvas._formsinuse[forms_start:],
        )

    def _draw_header(self, canvas: PdfaCanvas) -> None:
        width, height = canvas._pagesize
        record = self._view.record
        y = height - TOP + 6 * mm
        x = MARGIN
        canvas.saveState()
        if self._logo is not None:
            iw, ih = self._logo.getSize()
            logo_w = LOGO_HEIGHT * iw / ih
            _draw_logo(canvas, self._logo, (x, y - 1.5 * mm, logo_w, LOGO_HEIGHT))
            x += logo_w + 3 * mm
        canvas.setFillColor(INK)
        canvas.setFont(BOLD, 8.5)
        canvas.drawString(x, y + 3 * mm, record.identification.organisation_name)
        canvas.setFont(REGULAR, 7.5)
        canvas.setFillColor(MUTED)
        canvas.drawString(x, y, self._view.title)
        canvas.drawRightString(width - MARGIN, y, self._view.case)
        if self._view.publicity_mark:
            canvas.setFillColor(INK)
            canvas.setFont(BOLD, 8.5)
            canvas.drawRightString(width - MARGIN, y + 3 * mm, self._view.publicity_mark)
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.4)
        canvas.line(MARGIN, y - 2.5 * mm, width - MARGIN, y - 2.5 * mm)
        canvas.restoreState()

    def afterFlowable(self, flowable: Flowable) -> None:  # noqa: N802 - ReportLab's API
        if isinstance(flowable, Heading):
            key = f"h{self._bookmarks}"
            self._bookmarks += 1
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(flowable.outline_text, key, flowable.outline_level)


def _draw_logo(canvas: PdfaCanvas, logo: ImageReader, box: tuple[float, ...]) -> None:
    """canvas.drawImage(logo, *box, mask="auto"): the first time in a document as it is; on
    later pages what drawImage does for an image it has already embedded, less hashing the
    pixels again to find its name (the name is worked out once per logo)."""
    name = _image_name(logo)
    ref = canvas._doc.getXObjectName(name)
    if canvas._doc.idToObject.get(ref) is None:
        canvas.drawImage(logo, *box, mask="auto")
        return
    x, y, width, height = box
    canvas._currentPageHasImages = 1
    canvas.saveState()
    canvas.translate(x, y)
    canvas.scale(width, height)
    canvas._code.append(f"/{ref} Do")
    canvas.restoreState()
    canvas._formsinuse.append(name)


@lru_cache(maxsize=LOGOS)
def _image_name(logo: ImageReader) -> str:
    """The name drawImage gives an ImageReader drawn with mask="auto"."""
    alpha = logo._dataA
    mask = alpha.getRGBData() if alpha else b"auto"
    return str(_digester(logo.getRGBData() + mask))


def _logo(data: str | None) -> ImageReader | None:
    return None if data is None else _decoded_logo(data)


@lru_cache(maxsize=LOGOS)
def _decoded_logo(data: str) -> ImageReader:
    """An organisation's logo, decoded once (it heads every page of its every annex)."""
    reader = ImageReader(BytesIO(base64.b64decode(data)))
    reader.getRGBData()  # decoded now, so drawing only reads it, from any thread
    if reader._dataA is not None:
        reader._dataA.getRGBData()
    return reader


@lru_cache(maxsize=1)
def _frame_widths() -> tuple[float, float]:
    return A4[0] - 2 * MARGIN, A4[1] - 2 * MARGIN


def layout(view: AnnexView) -> tuple[bytes, int]:
    """The annex as PDF/A-2b bytes and its page count."""
    buffer = BytesIO()
    doc = _AnnexDoc(buffer, view)
    portrait_w, landscape_w = _frame_widths()
    flowables = story(view, styles(), portrait_w, landscape_w)
    maker = partial(_NumberedCanvas, footer=view.footer, t=view.t, pdfa=document_info(view))
    doc.build(flowables, canvasmaker=maker)
    return buffer.getvalue(), doc.page


def document_info(view: AnnexView) -> DocumentInfo:
    """Title, author, dates and identity that the Info dictionary and XMP both carry."""
    record = view.record
    ident = record.identification
    return DocumentInfo(
        title=f"{view.title} – {ident.title}",
        author=ident.organisation_name,
        subject=view.case if no_case(record) else f"{ident.case.label} ({ident.case.system})",
        keywords=f"sha256:{record.content_hash}; version {record.draft_version}",
        lang=view.lang,
        created_at=record.issued_at,
        identity=f"{record.content_hash}:{record.draft_version}:{view.lang}",
    )


def render_pdf(record: AnnexRecord, lang: str | None = None) -> bytes:
    """The annex as PDF/A-2b bytes; the same record always gives the same bytes."""
    view = build_view(record, lang)
    pdf, _ = layout(view)
    return pdf
