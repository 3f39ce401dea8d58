"""Every character of the annex reaches the PDF: its extracted text equals the HTML's.

Emoji and symbols that DejaVu lacks come from the embedded fallback font (Symbola), with
ToUnicode entries that extraction reads back as the same characters. The comparison is by
words, as a reader copies them: the PDF's line-break hyphens are undone, and what each format
has only as page furniture (the PDF's page numbers, the HTML's navigation marked
data-pdf="no") is left out.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from html.parser import HTMLParser
from typing import Any

import pikepdf
import pytest

from app.annexes.record import AnnexRecord
from app.annexes.render import render_html, render_pdf
from app.annexes.render.view import build_view
from examples.make_large_record import build_record
from tests.annexes.pdf_inspect import document_text

EMOJI = "🏫🚌"
SYMBOLS = "✓ ★ ⚠️ 👍🏽 ♿ ☂ ⅔ → € § ½ ∑"
SAMI = "čđŋšŧž ČĐŊŠŦŽ áâ"
PUNCTUATION = ".,:;()[]"
VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "wbr"}
)


class _VisibleText(HTMLParser):
    """The text a browser shows, without <head> and elements marked data-pdf="no"."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID:
            return
        if self._skip or tag in ("head", "style", "title") or ("data-pdf", "no") in attrs:
            self._skip.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if self._skip and self._skip[-1] == tag:
            self._skip.pop()

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_words(html: str) -> set[str]:
    parser = _VisibleText()
    parser.feed(html)
    return {w.strip(PUNCTUATION) for w in " ".join(parser.parts).split()} - {""}


def pdf_words(text: str, page_label: re.Pattern[str], known: set[str]) -> set[str]:
    """Words of the PDF's text with page labels removed and line breaks inside words undone:
    a line's last piece that is no word of its own joins the next line's first piece when
    together they begin a word (a hyphen added at the break goes), as a reader rejoins a
    word the layout broke."""
    words: list[str] = []
    carry = ""
    for line in page_label.sub("", text).splitlines():
        pieces = line.split()
        if not pieces:
            continue
        if carry and carry.strip(PUNCTUATION) not in known:
            for joined in (carry[:-1] + pieces[0], carry + pieces[0]):
                if any(k.startswith(joined.strip(PUNCTUATION)) for k in known):
                    pieces[0] = joined
                    carry = ""
                    break
        if carry:
            words.append(carry)
        words += pieces[:-1]
        carry = pieces[-1]
    words.append(carry)
    return {w.strip(PUNCTUATION) for w in words} - {""}


def _texts_everywhere(data: dict[str, Any]) -> dict[str, Any]:
    """The large example with emoji, symbols and Sámi letters in every kind of user text."""
    data["identification"]["title"] = f"Koulukyydit {EMOJI} uudistetaan"
    data["alternatives"][1]["description"] = f"Kyyti {EMOJI} joka päivä {SYMBOLS}"
    data["alternatives"][1]["name"] = f"Kutsutaksi {EMOJI[1]}"
    data["mitigation"] = f"Lieventäminen: {SYMBOLS} {EMOJI} {SAMI}"
    cell = data["matrix"][0]["cells"][0]
    cell.update(
        status="assessed",
        value=-2,
        justification=f"Matka {EMOJI} pitenee {SYMBOLS}",
        evidence=f"Lähde ★ {SAMI}",
        mitigation=f"Kyyti {EMOJI[1]}",
    )
    data["areas"][0]["name"] = f"Liikkuminen {EMOJI[1]}"
    data["groups"][0]["name"] = f"Koululaiset {EMOJI[0]}"
    return data


@pytest.fixture(scope="module", params=["fi", "sv"])
def record(request: pytest.FixtureRequest) -> AnnexRecord:
    data = _texts_everywhere(build_record(alternatives=3, areas=4, groups=3, genders=3))
    data["language"] = request.param
    return AnnexRecord.model_validate(data)


def _label(record: AnnexRecord) -> re.Pattern[str]:
    sample = build_view(record, None).t("footer.page", page=7, pages=9)
    return re.compile(re.escape(sample).replace("7", r"\d+").replace("9", r"\d+"))


def test_pdf_text_equals_html_text(record: AnnexRecord) -> None:
    html = render_html(record)
    with pikepdf.open(io.BytesIO(render_pdf(record))) as pdf:
        text = document_text(pdf)
    expected = html_words(html)
    found = pdf_words(text, _label(record), expected)
    assert found == expected, (
        f"only in the HTML: {sorted(expected - found)}; only in the PDF: {sorted(found - expected)}"
    )
    for char in EMOJI + SYMBOLS.replace(" ", "") + SAMI.replace(" ", ""):
        assert char in text, f"U+{ord(char):04X} missing from the PDF text"


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_a_reader_copies_the_emoji_from_the_pdf(record: AnnexRecord, tmp_path: Any) -> None:
    """poppler, as a PDF reader extracts text, gets the same characters as the HTML shows."""
    path = tmp_path / "annex.pdf"
    path.write_bytes(render_pdf(record))
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    assert f"Koulukyydit {EMOJI} uudistetaan" in text
    assert f"Matka {EMOJI} pitenee" in text
    assert "👍🏽" in text
    assert "⚠️" in text
