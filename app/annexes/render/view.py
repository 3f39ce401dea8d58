"""A language-resolved view of the record, shared by the PDF and HTML renderers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from app.annexes.record import Alternative, AnnexRecord, Cell, Group, Scoping
from app.annexes.render.labels import Labels, labels
from app.annexes.render.marks import Mark, legend, marks_for
from app.annexes.render.view_tables import (
    TableView,
    approvals_table,
    case_label,
    comparison_tables,
    findings_tables,
    identification_rows,
    indicators_table,
    no_case,
    records_rows,
    screening_table,
    sources_table,
    statements_table,
)
from app.translations import paths
from app.translations.paths import CellField

MAX_MATRIX_COLUMNS = 16
CellKey = tuple[str, str, str]


def paragraphs(text: str | None) -> tuple[str, ...]:
    """User text split at blank lines; other line breaks and runs of spaces become one space."""
    if not text:
        return ()
    parts = (" ".join(p.split()) for p in text.replace("\r\n", "\n").split("\n\n"))
    return tuple(p for p in parts if p)


@dataclass(frozen=True, slots=True)
class HeatRow:
    header: str
    marks: tuple[Mark, ...]


@dataclass(frozen=True, slots=True)
class HeatChunk:
    """Up to MAX_MATRIX_COLUMNS columns of one alternative's matrix; rows by area group."""

    caption: str
    groups: tuple[tuple[str, int], ...]
    genders: tuple[str, ...]
    sections: tuple[tuple[str | None, tuple[HeatRow, ...]], ...]


@dataclass(frozen=True, slots=True)
class Note:
    target: str
    mark: Mark
    horizon: str
    certainty: str
    justification: tuple[str, ...]
    evidence: tuple[str, ...]
    mitigation: tuple[str, ...]
    # the language of each text when it is not the annex's (shown untranslated)
    justification_lang: str | None = None
    evidence_lang: str | None = None
    mitigation_lang: str | None = None


@dataclass(frozen=True, slots=True)
class AlternativeView:
    key: str
    name: str
    status_quo: bool
    description: tuple[str, ...]
    name_lang: str | None
    description_lang: str | None
    chunks: tuple[HeatChunk, ...]
    notes: tuple[tuple[str, tuple[Note, ...]], ...]


@dataclass(frozen=True, slots=True)
class AnnexView:
    t: Labels
    lang: str
    record: AnnexRecord
    title: str
    identification: tuple[tuple[str, str], ...]
    records: tuple[tuple[str, str], ...]
    text_lang: str | None
    text_note: str | None
    lang_of: Callable[[str], str | None]
    proposal: tuple[str, ...]
    background: tuple[str, ...]
    proposal_abridged: bool
    screening_outcome: str
    screening_reason: tuple[str, ...]
    screening_answers: TableView | None
    full: bool
    alternatives: tuple[AlternativeView, ...]
    scoping: tuple[str, ...]
    legend: tuple[Mark, ...]
    comparison: tuple[TableView, ...]
    comparison_text: tuple[str, ...]
    recommended: str | None
    findings: tuple[tuple[str, TableView | None], ...]
    mitigation: tuple[str, ...]
    participation: tuple[str, ...]
    statements: TableView | None
    sources: TableView | None
    indicators: TableView | None
    approvals: TableView | None
    footer: str
    publicity_mark: str | None
    case: str


def _sections(
    record: AnnexRecord, part: list[Group], grid: dict[CellKey, Mark]
) -> tuple[tuple[str | None, tuple[HeatRow, ...]], ...]:
    sections: list[tuple[str | None, list[HeatRow]]] = []
    for area in record.areas:
        if not sections or area.group_name != sections[-1][0]:
            sections.append((area.group_name, []))
        marks = tuple(grid[(area.key, g.key, s.key)] for g in part for s in record.genders)
        sections[-1][1].append(HeatRow(area.name, marks))
    return tuple((name, tuple(rows)) for name, rows in sections)


def _chunks(
    record: AnnexRecord, t: Labels, name: str, grid: dict[CellKey, Mark]
) -> tuple[HeatChunk, ...]:
    genders = tuple(g.name for g in record.genders)
    per_chunk = max(1, MAX_MATRIX_COLUMNS // max(1, len(genders)))
    groups = record.groups
    chunks = []
    for start in range(0, len(groups), per_chunk):
        part = groups[start : start + per_chunk]
        caption = t(
            "matrix.caption",
            alternative=name,
            first=start + 1,
            last=start + len(part),
            count=len(groups),
        )
        spans = tuple((g.name, len(genders)) for g in part)
        chunks.append(HeatChunk(caption, spans, genders * len(part), _sections(record, part, grid)))
    return tuple(chunks)


def texts_lang(record: AnnexRecord) -> Callable[[str], str | None]:
    """The language of the text at a path when it is shown untranslated, else None (records
    made before translations list no paths: all their people's texts are untranslated)."""
    written = record.text_language
    if written is None:
        return lambda _path: None
    if record.untranslated is None:
        return lambda _path: written
    shown = frozenset(record.untranslated)
    return lambda path: written if path in shown else None


LangOf = Callable[[str], str | None]


def _note(t: Labels, cell: Cell, mark: Mark, lang_of: LangOf, alt: str) -> Note:
    def lang(field: CellField) -> str | None:
        return lang_of(paths.cell(alt, cell.area, cell.group, cell.gender, field))

    return Note(
        target="",
        mark=mark,
        horizon=t(f"horizon.{cell.horizon}") if cell.horizon else "",
        certainty=t(f"certainty.{cell.certainty}") if cell.certainty else "",
        justification=paragraphs(cell.justification),
        evidence=paragraphs(cell.evidence),
        mitigation=paragraphs(cell.mitigation),
        justification_lang=lang("justification"),
        evidence_lang=lang("evidence"),
        mitigation_lang=lang("mitigation"),
    )


def _group_notes(
    record: AnnexRecord,
    t: Labels,
    cells: dict[CellKey, Cell],
    grid: dict[CellKey, Mark],
    lang_of: LangOf,
    alt: str,
) -> tuple[tuple[str, tuple[Note, ...]], ...]:
    """Notes of cells with text, by area; genders of a group with identical text share one."""
    sections: list[tuple[str, tuple[Note, ...]]] = []
    for area in record.areas:
        notes: list[Note] = []
        for group in record.groups:
            previous: Note | None = None
            genders: list[str] = []
            for gender in record.genders:
                key = (area.key, group.key, gender.key)
                cell = cells.get(key)
                if cell is None or not (cell.justification or cell.evidence or cell.mitigation):
                    continue
                note = _note(t, cell, grid[key], lang_of, alt)
                if note == previous:
                    genders.append(gender.name)
                    continue
                if previous is not None:
                    notes.append(_target(previous, group.name, genders))
                previous, genders = note, [gender.name]
            if previous is not None:
                notes.append(_target(previous, group.name, genders))
        if notes:
            sections.append((area.name, tuple(notes)))
    return tuple(sections)


def _target(note: Note, group: str, genders: list[str]) -> Note:
    return replace(note, target=f"{group} · {', '.join(genders)}")


def _alternative(
    record: AnnexRecord,
    t: Labels,
    alt: Alternative,
    marks: dict[int | str, Mark],
    lang_of: LangOf,
) -> AlternativeView:
    cells = {
        (c.area, c.group, c.gender): c
        for m in record.matrix
        if m.alternative == alt.key
        for c in m.cells
    }
    grid: dict[CellKey, Mark] = {}
    scoping = record.scoping
    for area in record.areas:
        applies = None if area.groups is None else frozenset(area.groups)
        for group in record.groups:
            blank = marks[
                "not_assessed" if applies is None or group.key in applies else "not_applicable"
            ]
            if blank is marks["not_assessed"] and not _in_scope(scoping, area.key, group.key):
                blank = marks["scoped_out"]
            for gender in record.genders:
                k = (area.key, group.key, gender.key)
                cell = cells.get(k)
                grid[k] = blank if cell is None else _mark(cell, marks)
    return AlternativeView(
        key=alt.key,
        name=alt.name,
        status_quo=alt.is_status_quo,
        description=paragraphs(alt.description),
        name_lang=lang_of(paths.alternative(alt.key, "name")),
        description_lang=lang_of(paths.alternative(alt.key, "description")),
        chunks=_chunks(record, t, alt.name, grid),
        notes=_group_notes(record, t, cells, grid, lang_of, alt.key),
    )


def _in_scope(scoping: Scoping | None, area: str, group: str) -> bool:
    return scoping is None or (
        (scoping.areas is None or area in scoping.areas)
        and (scoping.groups is None or group in scoping.groups)
    )


def _scoping_text(record: AnnexRecord, t: Labels) -> tuple[str, ...]:
    """The scope in words: what was assessed, what was left out and why."""
    scoping = record.scoping
    if scoping is None:
        return ()
    areas = {a.key: a.name for a in record.areas}
    groups = {g.key: g.name for g in record.groups}

    def names(keys: list[str] | None, known: dict[str, str]) -> str:
        return t("scoping.all") if keys is None else ", ".join(known[k] for k in keys)

    return (
        t("scoping.areas", names=names(scoping.areas, areas)),
        t("scoping.groups", names=names(scoping.groups, groups)),
        t("scoping.reason", reason=scoping.reason),
    )


def _mark(cell: Cell, marks: dict[int | str, Mark]) -> Mark:
    return marks[cell.value] if cell.value is not None else marks[cell.status]


def _footer(record: AnnexRecord, t: Labels) -> str:
    parts = (
        t("case.none") if no_case(record) else t("footer.case", case_id=case_label(record, t)),
        t("footer.version", version=record.draft_version),
        t("footer.hash", hash=record.content_hash[:12]),
    )
    return " · ".join(parts)


def _text_note(record: AnnexRecord, t: Labels) -> str | None:
    """Says, in the annex's language, that people's texts are in another language."""
    if record.text_language is None:
        return None
    key = "texts.other_language" if record.untranslated is None else "texts.untranslated"
    return t(key, language=t(f"language.{record.text_language}"))


def _publicity_mark(record: AnnexRecord, t: Labels) -> str | None:
    publicity = record.records_management.publicity_class
    return None if publicity == "public" else t(f"publicity.{publicity}").upper()


def build_view(record: AnnexRecord, lang: str | None = None) -> AnnexView:
    """Resolve labels, dates and marks once for both renderers (`lang` overrides labels)."""
    lang = lang or record.language
    t = labels(lang)
    lang_of = texts_lang(record)
    marks = marks_for(
        record.scale,
        t("matrix.cannot_assess"),
        t("matrix.not_assessed"),
        t("matrix.not_applicable"),
        t("matrix.scoped_out"),
    )
    some_not_applicable = any(
        a.groups is not None and len(set(a.groups)) < len(record.groups) for a in record.areas
    )
    full = record.screening.outcome != "not_needed"
    alternatives = (
        tuple(_alternative(record, t, a, marks, lang_of) for a in record.alternatives)
        if full
        else ()
    )
    comparison = record.comparison
    recommended = next(
        (a.name for a in record.alternatives if a.key == comparison.recommended_alternative), None
    )
    return AnnexView(
        t=t,
        lang=lang,
        record=record,
        title=f"{t('annex')}: {t('document_title')}",
        identification=identification_rows(record, t),
        records=records_rows(record, t),
        text_lang=record.text_language,
        text_note=_text_note(record, t),
        lang_of=lang_of,
        proposal=paragraphs(record.proposal.text),
        background=paragraphs(record.proposal.background),
        proposal_abridged=record.proposal.abridged,
        screening_outcome=t(f"outcome.{record.screening.outcome}"),
        screening_reason=paragraphs(record.screening.reason),
        screening_answers=screening_table(record, t),
        full=full,
        alternatives=alternatives,
        scoping=_scoping_text(record, t) if full else (),
        legend=tuple(
            legend(
                marks,
                with_not_applicable=some_not_applicable,
                with_scoped_out=record.scoping is not None,
            )
        ),
        comparison=comparison_tables(record, t) if full else (),
        comparison_text=paragraphs(comparison.text),
        recommended=recommended,
        findings=findings_tables(record, t, marks),
        mitigation=paragraphs(record.mitigation),
        participation=paragraphs(record.participation.description),
        statements=statements_table(record, t),
        sources=sources_table(record, t),
        indicators=indicators_table(record, t),
        approvals=approvals_table(record, t),
        footer=_footer(record, t),
        publicity_mark=_publicity_mark(record, t),
        case=case_label(record, t),
    )
