"""The annex's fixed labels in fi/sv/en, and locale-aware dates and numbers."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime, format_time
from babel.numbers import format_percent

from app.core.i18n import BABEL_LOCALE, catalogue

PREFIX = "annex."
LOCAL_TIME = ZoneInfo("Europe/Helsinki")


@lru_cache(maxsize=8)
def _strings(lang: str) -> dict[str, str]:
    return {k[len(PREFIX) :]: v for k, v in catalogue(lang).items() if k.startswith(PREFIX)}


class Labels:
    """Translator bound to one language; a missing key fails loudly (tests keep sets equal)."""

    __slots__ = ("_strings", "lang", "locale")

    def __init__(self, lang: str) -> None:
        if lang not in BABEL_LOCALE:
            raise ValueError(f"unsupported annex language {lang!r}")
        self.lang = lang
        self.locale = BABEL_LOCALE[lang]
        self._strings = _strings(lang)

    def __call__(self, key: str, **params: object) -> str:
        text = self._strings[key]
        return text.format(**params) if params else text

    def word(self, key: str, code: str) -> str:
        """The words for a code (`role.expert`), or the code itself when the organisation
        configured one the catalogue does not know."""
        return self._strings.get(f"{key}.{code}", code)

    def date(self, value: date | None) -> str:
        """A calendar date, e.g. '14.3.2025', '14.3.2025', '14 Mar 2025'."""
        return "" if value is None else format_date(value, "medium", locale=self.locale)

    def moment(self, value: datetime) -> str:
        """A timestamp in Finnish local time with its offset, e.g. '14.3.2025 10.30 UTC+03:00'."""
        day = format_date(value.astimezone(LOCAL_TIME), "medium", locale=self.locale)
        time = format_time(value, "short", tzinfo=LOCAL_TIME, locale=self.locale)
        offset = format_datetime(value, "ZZZZ", tzinfo=LOCAL_TIME, locale=self.locale)
        return f"{day} {time} {offset}"

    def percent(self, value: float) -> str:
        """A percentage with one decimal, locale spacing and separators."""
        return format_percent(round(value, 1) / 100, locale=self.locale, decimal_quantization=False)


@lru_cache(maxsize=8)
def labels(lang: str) -> Labels:
    """The cached translator for `lang`."""
    return Labels(lang)
