"""Translation catalogues: app/locales/<lang>/<domain>.json, keys namespaced by file stem.

Dates and numbers are formatted by Babel (app/core/babel_format.py), loaded through
app.core.lazy with the first value formatted: a worker answering only the API never imports
it."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from types import ModuleType
from typing import Literal

from app.core import lazy

LOCALES_DIR = Path(__file__).resolve().parents[1] / "locales"
LANGUAGES: tuple[str, ...] = ("fi", "sv", "en")
Lang = Literal["fi", "sv", "en"]
BABEL_LOCALE = {"fi": "fi_FI", "sv": "sv_FI", "en": "en_GB"}
BABEL_FORMAT = "app.core.babel_format"


@lru_cache
def catalogue(lang: str) -> dict[str, str]:
    """Every string for `lang`, loaded once."""
    entries: dict[str, str] = {}
    for path in sorted((LOCALES_DIR / lang).glob("*.json")):
        for key, value in json.loads(path.read_text(encoding="utf-8")).items():
            entries[f"{path.stem}.{key}"] = value
    return entries


def plural_key(entries: dict[str, str], key: str, count: object) -> str:
    """`key.one` for a count of one when the catalogue has it, else `key` (the other form).

    Finnish, Swedish and English all have two cardinal forms: one, and everything else."""
    if isinstance(count, int) and not isinstance(count, bool) and abs(count) == 1:
        singular = f"{key}.one"
        if singular in entries:
            return singular
    return key


def translate(lang: str, key: str, **params: object) -> str:
    """The string for `key` (its singular `key.one` when `count` is 1); a missing key shows
    itself rather than failing a page."""
    entries = catalogue(lang if lang in LANGUAGES else "fi")
    if "count" in params:
        key = plural_key(entries, key, params["count"])
    text = entries.get(key, key)
    return text.format(**params) if params else text


def missing_translations() -> dict[str, list[str]]:
    """Keys present in some language but absent or empty in another."""
    all_keys = set().union(*(catalogue(lang).keys() for lang in LANGUAGES))
    return {
        lang: sorted(k for k in all_keys if not catalogue(lang).get(k, "").strip())
        for lang in LANGUAGES
        if any(not catalogue(lang).get(k, "").strip() for k in all_keys)
    }


def _babel() -> ModuleType:
    return lazy.load(BABEL_FORMAT)


def format_day(value: date | None, lang: str) -> str:
    return "" if value is None else str(_babel().day(value, BABEL_LOCALE[lang]))


def format_moment(value: datetime | None, lang: str) -> str:
    return "" if value is None else str(_babel().moment(value, BABEL_LOCALE[lang]))


def format_number(value: float | int, lang: str) -> str:
    return str(_babel().number(value, BABEL_LOCALE[lang]))


def format_euros(value: Decimal | float | int, lang: str) -> str:
    """A sum of money as the budget field shows it, in read and edit views alike: grouped
    thousands and two decimals (the form parses it back: spaces and "," are accepted)."""
    return str(_babel().euros(value, BABEL_LOCALE[lang]))
