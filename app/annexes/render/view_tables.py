"""Plain tables of the annex (everything but the heatmaps), as strings in the annex language."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from app.annexes.record import INTERNAL_SYSTEM, AnnexRecord
from app.annexes.render.labels import Labels
from app.annexes.render.marks import Mark


@dataclass(frozen=True, slots=True)
class TableView:
    """A captioned table; the first column holds row headers, widths are relative."""

    caption: str
    head: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...]
    mono: frozenset[int] = frozenset()


def _or_none(value: str | None, t: Labels) -> str:
    return value if value else t("none")


def no_case(record: AnnexRecord) -> bool:
    """Whether the draft has no case in a case-management system: its case reference is then
    Ennakko's own draft id, which means nothing to a reader."""
    return record.identification.case.system == INTERNAL_SYSTEM


def case_label(record: AnnexRecord, t: Labels) -> str:
    """The case id as printed: the case system's label, or the words for "no case id"."""
    return t("case.none") if no_case(record) else record.identification.case.label


def identification_rows(record: AnnexRecord, t: Labels) -> tuple[tuple[str, str], ...]:
    """Label/value pairs of the identification section."""
    ident = record.identification
    template = t("field.template_version", name=ident.template.name, version=ident.template.version)
    return (
        (t("field.organisation"), ident.organisation_name),
        (t("field.title"), ident.title),
        (t("field.case_id"), case_label(record, t)),
        *(() if no_case(record) else ((t("field.case_system"), ident.case.system),)),
        (t("field.decision_body"), ident.decision_body),
        (t("field.meeting_date"), _or_none(t.date(ident.meeting_date), t)),
        (t("field.preparer"), ident.preparer),
        (t("field.presenting_official"), _or_none(ident.presenting_official, t)),
        (t("field.template"), template),
        (t("field.draft_version"), str(record.draft_version)),
        (t("field.content_hash"), record.content_hash),
        (t("field.issued_at"), t.moment(record.issued_at)),
        (t("field.language"), t(f"language.{record.language}")),
    )


def records_rows(record: AnnexRecord, t: Labels) -> tuple[tuple[str, str], ...]:
    """JHS 191 records-management metadata as label/value pairs."""
    rm = record.records_management
    retention = (
        t("retention.permanent")
        if rm.retention_years is None
        else t("retention.years", years=rm.retention_years)
    )
    rows = [
        (t("field.document_type"), t.word("document_type", rm.document_type)),
        (t("field.publicity_class"), t(f"publicity.{rm.publicity_class}")),
    ]
    if rm.publicity_reason:
        rows.append((t("field.publicity_reason"), rm.publicity_reason))
    rows.append((t("field.personal_data_class"), t(f"personal_data.{rm.personal_data_class}")))
    rows.append((t("field.retention"), retention))
    return tuple(rows)


def screening_table(record: AnnexRecord, t: Labels) -> TableView | None:
    """The screening questions and answers, if any were recorded."""
    answers = record.screening.answers
    if not answers:
        return None
    rows = tuple((a.question, t(f"answer.{a.answer}"), a.note or "") for a in answers)
    head = (t("screening.question"), t("screening.answer"), t("screening.note"))
    return TableView(t("screening.answers_caption"), head, rows, (5, 1.4, 3.6))


def comparison_tables(record: AnnexRecord, t: Labels) -> tuple[TableView, ...]:
    """Summary counts per alternative and positive/negative counts per impact area."""
    alts = record.alternatives
    names = tuple(a.name for a in alts)
    summaries = {s.alternative: s for s in record.summary}
    measures: tuple[str, ...] = ("positive", "neutral", "negative", "cannot_assess", "not_assessed")
    if record.scoping is not None:
        measures += ("scoped_out",)
    rows: list[tuple[str, ...]] = []
    for measure in measures:
        counts = tuple(
            str(getattr(summaries[a.key], measure)) if a.key in summaries else "" for a in alts
        )
        rows.append((t(f"summary.{measure}"), *counts))
    rows.append(
        (
            t("summary.completeness"),
            *(
                t.percent(summaries[a.key].completeness_percent) if a.key in summaries else ""
                for a in alts
            ),
        )
    )
    widths = (3.0, *(2.0,) * len(alts))
    summary = TableView(t("summary.caption"), (t("summary.measure"), *names), tuple(rows), widths)
    by_area = TableView(
        t("comparison.by_area_caption"),
        (t("matrix.area"), *names),
        _area_counts(record, t),
        widths,
    )
    return (summary, by_area)


def _area_counts(record: AnnexRecord, t: Labels) -> tuple[tuple[str, ...], ...]:
    counts: Counter[tuple[str, str, str]] = Counter()
    for matrix in record.matrix:
        for cell in matrix.cells:
            if cell.value:
                sign = "positive" if cell.value > 0 else "negative"
                counts[(matrix.alternative, cell.area, sign)] += 1
    return tuple(
        (
            area.name,
            *(
                t(
                    "comparison.counts",
                    positive=counts[(a.key, area.key, "positive")],
                    negative=counts[(a.key, area.key, "negative")],
                )
                for a in record.alternatives
            ),
        )
        for area in record.areas
    )


def findings_tables(
    record: AnnexRecord, t: Labels, marks: dict[int | str, Mark]
) -> tuple[tuple[str, TableView | None], ...]:
    """Cumulative impacts, gender gaps and missing justifications, each titled."""
    n = _names(record)
    return (
        (t("findings.cumulative"), _cumulative(record, t, n)),
        (t("findings.gender_gaps"), _gender_gaps(record, t, n, marks)),
        (t("findings.missing"), _missing(record, t, n)),
    )


def _cumulative(record: AnnexRecord, t: Labels, n: _Names) -> TableView | None:
    rows = tuple(
        (n.group[c.group], n.alt[c.alternative], ", ".join(n.area[a] for a in c.negative_areas))
        for c in record.findings.cumulative
    )
    head = (t("matrix.group"), t("alternative.name"), t("findings.negative_areas"))
    return _maybe(t("findings.cumulative_caption"), head, rows, (2.2, 2.2, 5.6))


def _gender_gaps(
    record: AnnexRecord, t: Labels, n: _Names, marks: dict[int | str, Mark]
) -> TableView | None:
    rows = tuple(
        (
            n.area[g.area],
            n.group[g.group],
            n.alt[g.alternative],
            _value(g.women, marks),
            _value(g.men, marks),
        )
        for g in record.findings.gender_gaps
    )
    head = (
        t("matrix.area"),
        t("matrix.group"),
        t("alternative.name"),
        t("findings.women"),
        t("findings.men"),
    )
    return _maybe(t("findings.gender_gaps_caption"), head, rows, (2.6, 2.0, 1.8, 1.8, 1.8))


def _missing(record: AnnexRecord, t: Labels, n: _Names) -> TableView | None:
    rows = tuple(
        (n.area[m.area], n.group[m.group], n.gender[m.gender], n.alt[m.alternative])
        for m in record.findings.missing_justifications
    )
    head = (t("matrix.area"), t("matrix.group"), t("matrix.gender"), t("alternative.name"))
    return _maybe(t("findings.missing_caption"), head, rows, (3.2, 2.6, 1.6, 2.6))


@dataclass(frozen=True, slots=True)
class _Names:
    area: dict[str, str]
    group: dict[str, str]
    gender: dict[str, str]
    alt: dict[str, str]


def _names(record: AnnexRecord) -> _Names:
    return _Names(
        area={a.key: a.name for a in record.areas},
        group={g.key: g.name for g in record.groups},
        gender={g.key: g.name for g in record.genders},
        alt={a.key: a.name for a in record.alternatives},
    )


def _value(value: int | None, marks: dict[int | str, Mark]) -> str:
    mark = marks["not_assessed"] if value is None else marks[value]
    return f"{mark.symbol} {mark.label}"


def _maybe(
    caption: str,
    head: tuple[str, ...],
    rows: tuple[tuple[str, ...], ...],
    widths: tuple[float, ...],
) -> TableView | None:
    return TableView(caption, head, rows, widths) if rows else None


def statements_table(record: AnnexRecord, t: Labels) -> TableView | None:
    """Statements by influencing bodies and others."""
    statements = record.participation.statements
    rows = tuple((s.body, t.date(s.given_on), s.summary, s.url or "") for s in statements)
    head = (t("statement.body"), t("statement.date"), t("statement.summary"), t("statement.link"))
    return _maybe(t("participation.statements_caption"), head, rows, (2.2, 1.4, 4.4, 2.0))


def sources_table(record: AnnexRecord, t: Labels) -> TableView | None:
    """Data sources used in the assessment."""
    rows = tuple(
        (s.title, s.publisher or "", str(s.year) if s.year else "", s.url or "")
        for s in record.data_sources
    )
    head = (t("sources.title"), t("sources.publisher"), t("sources.year"), t("sources.address"))
    return _maybe(t("sources.caption"), head, rows, (4.0, 2.4, 0.9, 2.7))


def indicators_table(record: AnnexRecord, t: Labels) -> TableView | None:
    """Follow-up indicators."""
    rows = tuple(
        (
            i.name,
            i.baseline or "",
            i.target or "",
            i.data_source or "",
            t.date(i.review_on),
            i.responsible or "",
        )
        for i in record.follow_up_indicators
    )
    head = tuple(
        t(f"indicators.{k}")
        for k in ("name", "baseline", "target", "source", "review_on", "responsible")
    )
    return _maybe(t("indicators.caption"), head, rows, (2.6, 1.5, 1.5, 1.8, 1.3, 1.5))


def approvals_table(record: AnnexRecord, t: Labels) -> TableView | None:
    """Reviews and sign-offs with the content hash each one covers."""
    rows = []
    for a in record.approvals:
        if a.stale:
            status = t("approvals.stale")
        elif a.content_hash == record.content_hash:
            status = t("approvals.current")
        else:
            status = ""
        decision = t(f"decision.{a.decision}")
        rows.append(
            (
                a.reviewer_name,
                t.word("role", a.role),
                decision,
                t.moment(a.decided_at),
                a.content_hash,
                status,
            )
        )
    head = (
        t("approvals.reviewer"),
        t("approvals.role"),
        t("approvals.decision"),
        t("approvals.time"),
        t("approvals.hash"),
        t("approvals.status"),
    )
    if not rows:
        return None
    widths = (1.6, 2.1, 1.3, 1.6, 2.3, 1.6)
    return TableView(t("approvals.caption"), head, tuple(rows), widths, frozenset({4}))
