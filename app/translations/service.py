"""Translations of a draft's texts: what is missing or outdated per language, saving a batch
of one language's texts, and the current translations an annex or a guard asks for."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from sqlmodel import Session

from app.audit.service import canonical_json
from app.auth.principal import Principal
from app.core.db import utcnow
from app.core.errors import PreconditionFailed, Unprocessable
from app.core.versioning import stale_details
from app.drafts import service as drafts
from app.drafts.models import DecisionDraft
from app.translations import paths
from app.translations import repository as repo
from app.translations.models import ContentTranslation
from app.translations.sources import Source, source_language, sources_of, target_languages
from app.workflow import changes, machine
from app.workflow.policy import Part

State = Literal["missing", "outdated", "done"]
STATES: tuple[State, ...] = ("missing", "outdated", "done")


@dataclass(frozen=True, slots=True)
class Item:
    path: str
    part: Part
    label: str
    source: str
    translation: str | None
    state: State


@dataclass(frozen=True)
class LanguageView:
    """One target language of a draft: every source text with its translation and state."""

    draft: DecisionDraft
    lang: str
    source_lang: str
    items: list[Item]
    etag: str

    def count(self, state: State) -> int:
        return sum(1 for item in self.items if item.state == state)


def etag_of(rows: Iterable[ContentTranslation]) -> str:
    """The strong ETag of one language's translations: a hash of their paths, texts and the
    sources they translate (quotes included)."""
    content = sorted([r.path, r.text, r.source_hash] for r in rows)
    return '"' + hashlib.sha256(canonical_json(content).encode()).hexdigest()[:40] + '"'


def _state(source: Source, row: ContentTranslation | None) -> State:
    if row is None:
        return "missing"
    return "done" if row.source_hash == source.hash else "outdated"


def _view(
    draft: DecisionDraft, lang: str, sources: Sequence[Source], rows: Sequence[ContentTranslation]
) -> LanguageView:
    by_path = {r.path: r for r in rows}
    items = [
        Item(
            path=s.path,
            part=s.part,
            label=s.label,
            source=s.text,
            translation=by_path[s.path].text if s.path in by_path else None,
            state=_state(s, by_path.get(s.path)),
        )
        for s in sources
    ]
    return LanguageView(draft, lang, source_language(draft), items, etag_of(rows))


def _target_draft(
    session: Session, principal: Principal, draft_id: str, lang: str
) -> DecisionDraft:
    draft = drafts.visible_draft(session, principal=principal, draft_id=draft_id)
    targets = target_languages(draft)
    if lang not in targets:
        raise Unprocessable(
            f"'{lang}' is not a language this draft is translated into",
            code="not_a_target_language",
            details={"lang": lang, "targets": targets},
        )
    return draft


def read(
    session: Session, *, principal: Principal, draft_id: str, lang: str, label_lang: str
) -> LanguageView:
    """The draft's source texts with their `lang` translations and states (labels in
    `label_lang`); 422 when `lang` is not one of the draft's other languages."""
    draft = _target_draft(session, principal, draft_id, lang)
    return _view(
        draft, lang, sources_of(session, draft, label_lang), repo.of_draft(session, draft.id, lang)
    )


def _check_etag(expected: str, current: str, rows: Sequence[ContentTranslation]) -> None:
    if expected == current:
        return
    last = max(rows, key=lambda r: r.updated_at, default=None)
    who = f" by {last.updated_by}" if last else ""
    raise PreconditionFailed(
        f"The translations were changed{who} since you read them",
        details=stale_details(
            current_etag=current,
            changed_by=last.updated_by if last else None,
            changed_at=last.updated_at if last else None,
        ),
    )


def _check_against_sources(texts: Mapping[str, str], by_path: Mapping[str, Source]) -> None:
    """422 naming the paths that name no source text, or whose text is too long."""
    unknown = [path for path in texts if path not in by_path]
    if unknown:
        raise Unprocessable(
            "Some paths name no text of this draft; nothing was saved",
            code="unknown_path",
            details=[{"path": p, "message": "no such text in this draft"} for p in unknown[:50]],
        )
    too_long = [p for p, text in texts.items() if len(text) > paths.max_length(p)]
    if too_long:
        raise Unprocessable(
            "Some translations are longer than their texts may be; nothing was saved",
            details=[
                {"path": p, "message": f"at most {paths.max_length(p)} characters"}
                for p in too_long[:50]
            ],
        )


def save(
    session: Session,
    *,
    principal: Principal,
    draft_id: str,
    lang: str,
    expected_etag: str,
    texts: Mapping[str, str],
    label_lang: str,
) -> LanguageView:
    """Save one language's texts at once (an empty text removes the translation); every path
    must name a source text, and each part's editing rule applies to its translations."""
    draft = _target_draft(session, principal, draft_id, lang)
    drafts.lock(session, draft)
    sources = sources_of(session, draft, label_lang)
    by_path = {s.path: s for s in sources}
    _check_against_sources(texts, by_path)
    rows = list(repo.of_draft(session, draft.id, lang))
    _check_etag(expected_etag, etag_of(rows), rows)
    stored = {r.path: r for r in rows}
    written = [
        p
        for p, text in texts.items()
        if text
        and (p not in stored or (stored[p].text, stored[p].source_hash) != (text, by_path[p].hash))
    ]
    removed = [p for p, text in texts.items() if not text and p in stored]
    for part in sorted({by_path[p].part for p in [*written, *removed]}):
        machine.ensure_can_edit(session, principal, draft, part)
    if not written and not removed:
        return _view(draft, lang, sources, rows)
    _write(session, draft, lang, principal, {p: (texts[p], by_path[p].hash) for p in written})
    repo.remove(session, draft.id, lang, removed)
    session.flush()
    changes.record(
        session,
        actor=principal,
        draft=draft,
        action="translations.updated",
        data={"lang": lang, "written": sorted(written)[:500], "removed": sorted(removed)[:500]},
    )
    return _view(draft, lang, sources, repo.of_draft(session, draft.id, lang))


def save_every_text(
    session: Session,
    *,
    principal: Principal,
    draft_id: str,
    lang: str,
    by_source: Mapping[str, str],
    label_lang: str,
) -> LanguageView:
    """Translate every text of the draft from a table of source text → translation (demo and
    seed data: a text missing from the table is a KeyError, a bug in the table)."""
    current = read(
        session, principal=principal, draft_id=draft_id, lang=lang, label_lang=label_lang
    )
    return save(
        session,
        principal=principal,
        draft_id=draft_id,
        lang=lang,
        expected_etag=current.etag,
        texts={item.path: by_source[item.source] for item in current.items},
        label_lang=label_lang,
    )


def _write(
    session: Session,
    draft: DecisionDraft,
    lang: str,
    principal: Principal,
    texts: Mapping[str, tuple[str, str]],
) -> None:
    now = utcnow()
    stored = {r.path: r for r in repo.of_draft(session, draft.id, lang)}
    for path, (text, source_hash) in texts.items():
        row = stored.get(path)
        if row is None:
            row = ContentTranslation(
                draft_id=draft.id,
                lang=lang,
                path=path,
                organisation_id=draft.organisation_id,
                text=text,
                source_hash=source_hash,
            )
        row.text, row.source_hash = text, source_hash
        row.updated_at, row.updated_by = now, principal.name
        session.add(row)


# What the annex, the guard and the pages ask of a draft they already hold.


def _current(
    sources: Sequence[Source], rows: Iterable[ContentTranslation], targets: Sequence[str]
) -> dict[str, dict[str, str]]:
    hashes = {s.path: s.hash for s in sources}
    found: dict[str, dict[str, str]] = {lang: {} for lang in targets}
    for row in rows:
        if row.lang in found and hashes.get(row.path) == row.source_hash:
            found[row.lang][row.path] = row.text
    return found


def current_texts(session: Session, draft: DecisionDraft) -> dict[str, dict[str, str]]:
    """Per target language, the translations whose source has not changed since, by path."""
    targets = target_languages(draft)
    if not targets:
        return {}
    sources = sources_of(session, draft, source_language(draft))
    return _current(sources, repo.of_draft(session, draft.id), targets)


def untranslated_counts(session: Session, draft: DecisionDraft) -> dict[str, int]:
    """Per target language, how many source texts lack a current translation."""
    targets = target_languages(draft)
    if not targets:
        return {}
    sources = sources_of(session, draft, source_language(draft))
    current = _current(sources, repo.of_draft(session, draft.id), targets)
    return {lang: sum(1 for s in sources if s.path not in current[lang]) for lang in targets}
