"""The annex as a list of platypus flowables, section by section in DOMAIN.md's order."""

from __future__ import annotations

from collections.abc import Iterator

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    NextPageTemplate,
    PageBreak,
    Spacer,
)

from app.annexes.render.paragraphs import TextParagraph, plain_fragments, text_paragraph
from app.annexes.render.pdf_tables import (
    heatmap,
    key_values,
    legend_table,
    notes_table,
    plain_table,
)
from app.annexes.render.theme import Styles
from app.annexes.render.view import AlternativeView, AnnexView
from app.annexes.render.view_tables import TableView

ROOM = 90.0
PORTRAIT = "portrait"
LANDSCAPE = "landscape"


class Heading(TextParagraph):
    """A heading that also becomes a PDF bookmark (outline entry)."""

    def __init__(self, text: str, style: ParagraphStyle, level: int) -> None:
        markup, frags = plain_fragments(text, style)
        super().__init__(markup, style, frags=frags)
        self.outline_text = text
        self.outline_level = level


def _heading(
    text: str, style: ParagraphStyle, level: int, room: float = ROOM
) -> Iterator[Flowable]:
    # a heading needs room for itself, a caption and a few rows, or it starts a new page
    yield CondPageBreak(room)
    yield Heading(text, style, level)


def _paras(texts: tuple[str, ...], st: Styles) -> Iterator[Flowable]:
    for text in texts:
        yield text_paragraph(text, st.body)


def _table(table: TableView | None, empty: str, st: Styles, width: float) -> Iterator[Flowable]:
    if table is None:
        yield text_paragraph(empty, st.body)
        return
    yield CondPageBreak(ROOM * 0.8)
    yield text_paragraph(table.caption, st.caption_flow)
    yield plain_table(table, width)


def _identification(v: AnnexView, st: Styles, width: float) -> Iterator[Flowable]:
    t = v.t
    yield from _heading(v.title, st.h1, 0)
    yield text_paragraph(v.record.identification.title, st.subtitle)
    if v.text_note:
        yield text_paragraph(v.text_note, st.caption_flow)
    yield from _heading(t("section.identification"), st.h2, 1)
    yield key_values(v.identification, width)
    yield from _heading(t("section.records"), st.h3, 2)
    yield key_values(v.records, width)


def _proposal(v: AnnexView, st: Styles, _width: float) -> Iterator[Flowable]:
    t = v.t
    if not v.proposal and not v.background:
        return
    yield from _heading(t("section.proposal"), st.h2, 1)
    yield from _paras(v.proposal, st)
    if v.background:
        yield from _heading(t("proposal.background"), st.h3, 2, room=0)
        yield from _paras(v.background, st)
    if v.proposal_abridged:
        yield text_paragraph(t("proposal.abridged"), st.caption_flow)


def _screening(v: AnnexView, st: Styles, width: float) -> Iterator[Flowable]:
    t = v.t
    yield from _heading(t("section.screening"), st.h2, 1)
    yield key_values(((t("screening.outcome"), v.screening_outcome),), width)
    yield Spacer(1, 4)
    yield text_paragraph(t("screening.reason"), st.strong)
    yield from _paras(v.screening_reason, st)
    if v.screening_answers is not None:
        yield from _table(v.screening_answers, "", st, width)


def _alternatives(v: AnnexView, st: Styles, _width: float) -> Iterator[Flowable]:
    t = v.t
    yield from _heading(t("section.alternatives"), st.h2, 1)
    for alt in v.alternatives:
        name = f"{alt.name} ({t('alternative.status_quo')})" if alt.status_quo else alt.name
        yield from _heading(name, st.h3, 2, room=0)
        yield from _paras(alt.description, st)


def _matrix(v: AnnexView, st: Styles, width: float) -> Iterator[Flowable]:
    t = v.t
    yield NextPageTemplate(LANDSCAPE)
    yield PageBreak()
    yield from _heading(t("section.matrix"), st.h2, 1)
    for text in v.scoping:
        yield text_paragraph(text, st.body)
    yield text_paragraph(t("matrix.legend"), st.caption)
    yield legend_table(v.legend, width)
    for i, alt in enumerate(v.alternatives):
        if i:
            yield PageBreak()
        yield from _alternative_matrix(v, alt, st, width)
    yield NextPageTemplate(PORTRAIT)
    yield PageBreak()


def _alternative_matrix(
    v: AnnexView, alt: AlternativeView, st: Styles, width: float
) -> Iterator[Flowable]:
    t = v.t
    yield from _heading(t("section.matrix_for", alternative=alt.name), st.h3, 2)
    for chunk in alt.chunks:
        yield text_paragraph(chunk.caption, st.caption)
        yield heatmap(chunk, t, width)
    yield from _heading(t("section.justifications", alternative=alt.name), st.h3, 2)
    if alt.notes:
        yield text_paragraph(
            t("matrix.justifications_caption", alternative=alt.name), st.caption_flow
        )
        yield notes_table(alt.notes, t, width)
    else:
        yield text_paragraph(t("matrix.no_justifications"), st.body)


def _comparison(v: AnnexView, st: Styles, width: float) -> Iterator[Flowable]:
    t = v.t
    yield from _heading(t("section.comparison"), st.h2, 1)
    yield from _paras(v.comparison_text, st)
    if v.recommended:
        yield key_values(((t("comparison.recommended"), v.recommended),), width)
    for table in v.comparison:
        yield from _table(table, "", st, width)


def _findings(v: AnnexView, st: Styles, width: float) -> Iterator[Flowable]:
    t = v.t
    yield from _heading(t("section.findings"), st.h2, 1)
    for title, table in v.findings:
        yield from _heading(title, st.h3, 2)
        yield from _table(table, t("findings.none"), st, width)


def _texts(v: AnnexView, st: Styles, width: float) -> Iterator[Flowable]:
    t = v.t
    yield from _heading(t("section.mitigation"), st.h2, 1)
    yield from _paras(v.mitigation or (t("mitigation.none"),), st)
    yield from _heading(t("section.participation"), st.h2, 1)
    if not v.participation and v.statements is None:
        yield text_paragraph(t("participation.none"), st.body)
    yield from _paras(v.participation, st)
    if v.statements is not None:
        yield from _table(v.statements, "", st, width)
    yield from _heading(t("section.sources"), st.h2, 1)
    yield from _table(v.sources, t("sources.none"), st, width)
    yield from _heading(t("section.indicators"), st.h2, 1)
    yield from _table(v.indicators, t("indicators.none"), st, width)


def _approvals(v: AnnexView, st: Styles, width: float) -> Iterator[Flowable]:
    t = v.t
    yield from _heading(t("section.approvals"), st.h2, 1)
    yield from _table(v.approvals, t("approvals.none"), st, width)


def story(
    v: AnnexView, st: Styles, portrait_width: float, landscape_width: float
) -> list[Flowable]:
    """Every flowable of the annex; a not-needed screening gives the short form.

    What a reader needs first comes first: the alternatives, their comparison, the findings
    and the conclusions; the full matrices (landscape pages) follow, then the approvals."""
    w = portrait_width
    parts: list[Iterator[Flowable]] = [
        _identification(v, st, w),
        _proposal(v, st, w),
        _screening(v, st, w),
    ]
    if v.full:
        parts += [
            _alternatives(v, st, w),
            _comparison(v, st, w),
            _findings(v, st, w),
            _texts(v, st, w),
            _matrix(v, st, landscape_width),
        ]
    parts.append(_approvals(v, st, w))
    return [flowable for part in parts for flowable in part]
