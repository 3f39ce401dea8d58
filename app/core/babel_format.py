"""Dates and numbers in a language's conventions, with Babel: loaded with the first value a
process formats (app.core.i18n fronts it through app.core.lazy), so a worker answering only
the API never imports Babel."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal


def day(value: date, locale: str) -> str:
    return str(format_date(value, "medium", locale=locale))


def moment(value: datetime, locale: str) -> str:
    return str(format_datetime(value, "short", tzinfo=None, locale=locale))


def number(value: float | int, locale: str) -> str:
    return str(format_decimal(value, locale=locale))


def euros(value: Decimal | float | int, locale: str) -> str:
    return str(format_decimal(value, "#,##0.00", locale=locale))
