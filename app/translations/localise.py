"""Choosing, text by text, what an annex in one language shows: the current translation when
there is one, else the source text, remembering which paths stayed in the source language."""

from __future__ import annotations

from collections.abc import Mapping

from app.translations.paths import counts


class Localiser:
    """`say(path, source)` for one annex language; `untranslated` lists the fallbacks."""

    def __init__(self, *, source_lang: str, lang: str, current: Mapping[str, str]) -> None:
        self.source_lang = source_lang
        self.lang = lang
        self._current = current if lang != source_lang else {}
        self.untranslated: list[str] = []

    def say(self, path: str, source: str | None) -> str | None:
        """The text at `path` in the annex language, or `source` as written."""
        if self.lang == self.source_lang or not counts(source):
            return source
        translated = self._current.get(path)
        if translated is not None:
            return translated
        self.untranslated.append(path)
        return source

    @property
    def fallback_lang(self) -> str | None:
        """The source language when some text is shown in it, else None."""
        return self.source_lang if self.untranslated else None
