"""TrueType faces parsed once per machine, not once per process.

ReportLab parses a TTF in pure Python (cmap, hmtx, loca): for the four annex fonts that is
some 40-80 ms of every cold `ennakko annex render`. The parse result is plain data (ints,
floats, bytes, and dicts, lists and tuples of them), so it is kept with `marshal` (some 3 ms
to load; JSON plus rebuilding the int-keyed tables and tuples is slower than the parse; never
pickle, which runs code) in `var/cache/fonts`, one file per font, named by the font's sha256
and the ReportLab version and written atomically. Each file starts with the sha256 of its
payload, so only bytes this module wrote are ever unmarshalled, and the result must have
exactly the fields (and field types) a parse gives. A file that is missing, unreadable,
corrupt, of another format or ReportLab version or for other font bytes is ignored and
rebuilt from the font; a cache that cannot be written only costs the parse. The font's own
bytes are always read from its file (subsetting copies glyphs from them), so the key is
checked on every load. The cache is as trusted as the checkout it lives in.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import tempfile
from collections.abc import Callable
from fnmatch import fnmatch
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

import reportlab
from reportlab import rl_config
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTEncoding, TTFNameBytes, TTFont, TTFontFace

from app.annexes.render import stream_memo

FORMAT = 1
REPORTLAB_VERSION: str = reportlab.Version
_NUMBER = (int, float)
# the face's attributes as TTFontFile leaves them, with the type each is kept as
_KEPT: dict[str, type | tuple[type, ...]] = {
    "validate": int, "filename": str, "_pos": int, "version": int, "numTables": int,
    "searchRange": int, "entrySelector": int, "rangeShift": int, "table": dict,
    "tables": list, "unitsPerEm": int, "bbox": list, "ascent": _NUMBER, "descent": _NUMBER,
    "capHeight": _NUMBER, "stemV": int, "italicAngle": _NUMBER, "underlinePosition": int,
    "underlineThickness": int, "flags": int, "numGlyphs": int, "_full_font": bool,
    "defaultWidth": _NUMBER, "glyphPos": list, "subfontNameX": bytes, "fontRevision": tuple,
    "charToGlyph": dict, "glyphToChar": dict, "charWidths": dict, "hmetrics": list,
    "name": bytes, "familyName": bytes, "styleName": bytes, "fullName": bytes,
    "uniqueFontID": bytes,
}  # fmt: skip
# TTFNameBytes (a bytes subclass marshal does not take) kept as their bytes
_NAMES = frozenset({"name", "familyName", "styleName", "fullName", "uniqueFontID"})
# rebuilt, not kept: the file's bytes, and the scale function of its units per em
_REBUILT = frozenset({"_ttf_data", "_pdfScale"})
FIELDS = frozenset(_KEPT) | _REBUILT


class CachedFace(TTFontFace):  # type: ignore[misc]  # reportlab ships no type hints
    """A TTFontFace filled from a parse result instead of parsing the file again."""

    def __init__(self, state: dict[str, Any]) -> None:  # pylint: disable=super-init-not-called
        pdfmetrics.TypeFace.__init__(self, None)
        self.__dict__.update(state)

    def makeSubset(self, subset: list[int]) -> bytes:  # noqa: N802 - ReportLab's API
        """The subset font file, made once per character list (a pure function of it)."""
        return stream_memo.subset_file(self, subset, super().makeSubset)


def _scale(units_per_em: int) -> Callable[[float], float]:
    """TTFontFile's font units → PDF glyph space (1000 per em), the same arithmetic."""
    if units_per_em == 1000:
        return lambda x: x
    factor = 1000 / units_per_em
    return lambda x: x * factor


def _encode(face: TTFontFace) -> dict[str, Any] | None:
    """The face's parse result as plain data for marshal; None if ReportLab keeps other fields."""
    state = vars(face)
    # what TypeFace.__init__ sets and parsing leaves alone, CachedFace sets the same way
    typeface = {k: v for k, v in vars(pdfmetrics.TypeFace(None)).items() if k not in FIELDS}
    if set(state) != FIELDS | set(typeface):
        return None
    if any(state[key] != value for key, value in typeface.items()):
        return None
    data: dict[str, Any] = {key: state[key] for key in _KEPT}
    data.update({key: bytes(state[key]) for key in _NAMES})
    return data


def _decode(data: Any, font_bytes: bytes) -> dict[str, Any]:
    """The face's state back from `_encode`'s data (ValueError if it is not that)."""
    if not isinstance(data, dict) or set(data) != set(_KEPT):
        raise ValueError("unexpected fields")
    if not all(isinstance(data[key], kind) for key, kind in _KEPT.items()):
        raise ValueError("unexpected field types")
    state = dict(data)
    state.update({key: TTFNameBytes(data[key]) for key in _NAMES})
    state["_ttf_data"] = font_bytes
    state["_pdfScale"] = _scale(data["unitsPerEm"])
    return state


def _cache_file(cache_dir: Path, digest: str) -> Path:
    return cache_dir / f"ttf-{digest}-rl{REPORTLAB_VERSION}-f{FORMAT}.marshal"


def _read(path: Path, digest: str, font_bytes: bytes) -> dict[str, Any] | None:
    try:
        check, payload = path.read_bytes().split(b"\n", 1)
        if check != hashlib.sha256(payload).hexdigest().encode("ascii"):
            return None  # torn or altered: not unmarshalled
        # only bytes this module wrote (hash checked above); plain data, type-checked below
        kept = marshal.loads(payload)  # noqa: S302
        if kept[:3] != (FORMAT, REPORTLAB_VERSION, digest):
            return None
        return _decode(kept[3], font_bytes)
    except (OSError, ValueError, EOFError, TypeError, IndexError):
        return None


def _write(path: Path, digest: str, face: TTFontFace) -> None:
    data = _encode(face)
    if data is None:
        return
    payload = marshal.dumps((FORMAT, REPORTLAB_VERSION, digest, data))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        with os.fdopen(fd, "wb") as out:
            out.write(hashlib.sha256(payload).hexdigest().encode("ascii") + b"\n" + payload)
        os.replace(tmp, path)
    except (OSError, ValueError):
        return


def init_font(font: TTFont, name: str, face: TTFontFace) -> None:
    """Set up `font` (a TTFont or subclass) around a parsed face: TTFont.__init__ less the
    parse, with its defaults (tests compare the two attribute by attribute)."""
    font.fontName = name
    font.face = face
    font.encoding = TTEncoding()
    font.state = WeakKeyDictionary()
    font._asciiReadable = rl_config.ttfAsciiReadable
    font.shapable = not any(fnmatch(name, glob) for glob in rl_config.unShapedFontGlob)


def cached_font(name: str, path: Path, cache_dir: Path | None) -> TTFont:
    """TTFont(name, path), its face from the cache when it can be."""
    font = TTFont.__new__(TTFont)
    init_font(font, name, load_face(path, cache_dir))
    return font


def load_face(path: Path, cache_dir: Path | None) -> TTFontFace:
    """The parsed face of the TTF at `path`, from `cache_dir` when a valid entry is there."""
    font_bytes = path.read_bytes()
    digest = hashlib.sha256(font_bytes).hexdigest()
    if cache_dir is not None:
        state = _read(_cache_file(cache_dir, digest), digest, font_bytes)
        if state is not None:
            state["filename"] = str(path)  # as TTFontFile names it; the bytes are the key
            return CachedFace(state)
    face = TTFontFace(str(path))
    if cache_dir is not None:
        _write(_cache_file(cache_dir, digest), digest, face)
    return face
