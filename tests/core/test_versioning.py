"""The shared rules of versioned writes: If-Match parsing, create-or-replace, If-None-Match."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from app.core.errors import PreconditionFailed, PreconditionRequired
from app.core.versioning import (
    check_create_or_replace,
    check_version,
    matching_if_match,
    names_tag,
    required_if_match,
)

_HASH = re.compile(r'^"[0-9a-f]{4}"$')


@pytest.mark.parametrize("value", [None, "", "   "])
def test_a_missing_if_match_is_428(value: str | None) -> None:
    with pytest.raises(PreconditionRequired):
        required_if_match(value)


def test_an_if_match_of_another_form_is_412_naming_it() -> None:
    with pytest.raises(PreconditionFailed) as raised:
        matching_if_match(' "v3" ', _HASH, what="these texts")
    assert raised.value.details == {"if_match": ' "v3" '}
    assert "these texts" in raised.value.message


def test_an_if_match_is_read_stripped() -> None:
    assert matching_if_match(' "ab12" ', _HASH, what="x").group(0) == '"ab12"'


def test_create_or_replace_names_a_version_only_to_replace() -> None:
    check_create_or_replace(exists=False, expected=None, absent="a", present="p")
    check_create_or_replace(exists=True, expected=2, absent="a", present="p")
    with pytest.raises(PreconditionFailed, match=r"^a$"):
        check_create_or_replace(exists=False, expected=1, absent="a", present="p")
    with pytest.raises(PreconditionRequired, match=r"^p$"):
        check_create_or_replace(exists=True, expected=None, absent="a", present="p")


def test_a_stale_version_names_the_last_writer() -> None:
    at = datetime(2026, 1, 2, 3, 4, tzinfo=UTC)
    with pytest.raises(PreconditionFailed) as raised:
        check_version(expected=1, current=3, changed_by="Sanna", changed_at=at)
    assert raised.value.details == {
        "current_version": 3,
        "current_etag": '"v3"',
        "changed_by": "Sanna",
        "changed_at": at.isoformat(),
    }


def test_if_none_match_names_a_tag_in_a_list() -> None:
    assert names_tag('"a", "b"', '"b"')
    assert not names_tag('"a"', '"b"')
    assert not names_tag(None, '"b"')
