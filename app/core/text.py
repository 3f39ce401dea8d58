"""One rule for text: what an incoming text may hold, and how stored text is shown safely.

Input. Refused in every text field, the same on every database: control characters (Unicode
category Cc: C0, DEL and C1) other than tab, line feed and carriage return, and unpaired
surrogates. NUL is one of them: PostgreSQL cannot store it and SQLite would, so the two
disagreed; the others mean nothing in a document, and no UTF-8 text can hold a lone
surrogate. Nothing is normalised, trimmed of these or dropped: the request is refused with a
422 that names the field and the character.

Display. Bidirectional formatting characters (embeddings, overrides, isolates: U+202A–U+202E,
U+2066–U+2069) are legitimate text and are kept. Where a text that holds one is displayed it
is wrapped in a first-strong isolate (FSI … PDI) balanced so that nothing inside can leak
out: an override in a title can reorder the title, never the text around it. Unicode
isolates work in every context a template can put text in (element text, attributes) and in
the PDF, unlike a `<bdi>` element.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable
from typing import Annotated, Any

from markupsafe import Markup
from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")

_NAMES = {
    "\x00": "NULL",
    "\x07": "BELL",
    "\x08": "BACKSPACE",
    "\x0b": "LINE TABULATION",
    "\x0c": "FORM FEED",
    "\x1b": "ESCAPE",
    "\x7f": "DELETE",
    "\x85": "NEXT LINE",
}


def character_name(char: str) -> str:
    """`U+0000 NULL`: the character as an error message can name it."""
    code = f"U+{ord(char):04X}"
    if "\ud800" <= char <= "\udfff":
        return f"{code} (unpaired surrogate)"
    name = _NAMES.get(char) or unicodedata.name(char, "")
    return f"{code} {name}" if name else f"{code} (control character)"


def forbidden_character(value: str) -> str | None:
    match = FORBIDDEN.search(value)
    return match.group() if match else None


def text_error(char: str) -> PydanticCustomError:
    return PydanticCustomError(
        "text_character",
        "Text cannot contain {character}",
        {"character": character_name(char)},
    )


def check_text(value: str) -> str:
    """The text rule as a validator: the value unchanged, or an error naming the character."""
    char = forbidden_character(value)
    if char is not None:
        raise text_error(char)
    return value


def each_string(value: Any, check: Callable[[str], object]) -> Any:
    """`value` unchanged once `check` has seen every string in it (it raises to refuse one):
    in lists, tuples, sets, and dict keys and values."""
    if isinstance(value, str):
        check(value)
    elif isinstance(value, dict):
        for key, item in value.items():
            each_string(key, check)
            each_string(item, check)
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            each_string(item, check)
    return value


def check_texts(value: Any) -> Any:
    """The text rule over every string in a value: lists, tuples, sets and dict keys and values."""
    return each_string(value, check_text)


def first_forbidden(value: Any, path: str = "") -> tuple[str, str] | None:
    """Where the first string in `value` breaks the text rule, and the character."""
    if isinstance(value, str):
        char = forbidden_character(value)
        return (path, char) if char is not None else None
    if isinstance(value, dict):
        items: Any = value.items()
        for key, item in items:
            found = first_forbidden(key, path) or first_forbidden(item, f"{path}.{key}")
            if found:
                return found
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            found = first_forbidden(item, f"{path}[{index}]")
            if found:
                return found
    return None


# In JSON text a refused character is either itself (DEL, C1, a surrogate) or an escape; a
# clean dump proves the document clean at C speed, a suspect one is walked for the path.
_ESCAPES_IN_JSON = ("\\u00", "\\b", "\\f")


def check_document(data: Any) -> Any:
    """The text rule over a whole document (a template, a policy) before it is parsed into
    models: one pass, where a validator on every field of every nested model costs more than
    the parsing itself."""
    try:
        dumped = json.dumps(data, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        dumped = None
    if (
        dumped is not None
        and FORBIDDEN.search(dumped) is None
        and not any(escape in dumped for escape in _ESCAPES_IN_JSON)
    ):
        return data
    found = first_forbidden(data)
    if found is not None:
        path, char = found
        raise PydanticCustomError(
            "text_character",
            "{path}: text cannot contain {character}",
            {"path": path.lstrip(".") or "(document)", "character": character_name(char)},
        )
    return data


Text = Annotated[str, AfterValidator(check_text)]
"""A text value under the text rule (bodies get it from `InputModel`, path and query
parameters from `app.core.text_params.parameters_under_text_rule`)."""


# Display -------------------------------------------------------------------------------------
_OPENERS = frozenset("\u202a\u202b\u202d\u202e")  # LRE RLE LRO RLO, closed by PDF
_ISOLATES = frozenset("\u2066\u2067\u2068")  # LRI RLI FSI, closed by PDI
_PDI, _FSI = "\u2069", "\u2068"
_BIDI_CONTROL = re.compile("[\u202a-\u202e\u2066-\u2069]")


def isolate(text: str) -> str:
    """`text` unchanged, or, when it holds bidi formatting characters, isolated from its
    surroundings: FSI, one more FSI per PDI that would otherwise close it early, the text, a
    PDI per isolate it leaves open, PDI. The matching PDI ends every embedding and override
    opened inside (UAX #9, X6a), so nothing of the text reaches what follows it."""
    if _BIDI_CONTROL.search(text) is None:
        return text
    open_isolates = unmatched_closers = 0
    for char in text:
        if char in _ISOLATES:
            open_isolates += 1
        elif char == _PDI:
            if open_isolates:
                open_isolates -= 1
            else:
                unmatched_closers += 1
    return _FSI * (1 + unmatched_closers) + text + _PDI * (open_isolates + 1)


class Verbatim(str):
    """Text put back into a form control: shown and posted back exactly as stored."""

    __slots__ = ()


def display(value: Any) -> Any:
    """Jinja `finalize`: every string a template prints goes out isolated (see `isolate`).

    Markup is the templates' own HTML and `Verbatim` the value of a form control, which the
    browser shows in a box of its own and posts back: adding isolates there would change the
    stored text on every save."""
    if isinstance(value, str) and not isinstance(value, Verbatim | Markup):
        return isolate(value)
    return value


def verbatim(value: Any) -> Any:
    """Jinja filter for form control values: exempt from `display`."""
    return Verbatim(value) if isinstance(value, str) else value
