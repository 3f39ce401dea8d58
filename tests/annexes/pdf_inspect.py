"""Read back what a PDF really contains, with pikepdf only: fonts, text, XMP."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pikepdf
from pikepdf import Name

BASE14 = ("Helvetica", "Times", "Courier", "Symbol", "ZapfDingbats")
_BFCHAR = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>")
_BFRANGE = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>")


def fonts(pdf: pikepdf.Pdf) -> Iterator[pikepdf.Dictionary]:
    """Every font dictionary in the file, wherever it is referenced from."""
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Dictionary) and obj.get(Name.Type) == Name.Font:
            yield obj


def page_fonts(page: pikepdf.Page) -> Iterator[tuple[str, pikepdf.Object]]:
    """Fonts in a page's resources (and in its form XObjects)."""
    resources = page.obj.get(Name.Resources, pikepdf.Dictionary())
    yield from _resource_fonts(resources)


def _resource_fonts(resources: pikepdf.Object) -> Iterator[tuple[str, pikepdf.Object]]:
    for name, font in resources.get(Name.Font, pikepdf.Dictionary()).items():
        yield str(name), font
    for xobject in resources.get(Name.XObject, pikepdf.Dictionary()).values():
        if xobject.get(Name.Subtype) == Name.Form and Name.Resources in xobject:
            yield from _resource_fonts(xobject.Resources)


def _to_unicode(font: pikepdf.Object) -> dict[int, str]:
    data = font.ToUnicode.read_bytes()
    mapping: dict[int, str] = {}
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", data, re.S):
        for lo, hi, dst in _BFRANGE.findall(block):
            start = int(dst, 16)
            for offset, code in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                mapping[code] = chr(start + offset)
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.S):
        for src, dst in _BFCHAR.findall(block):
            mapping[int(src, 16)] = bytes.fromhex(dst.decode()).decode("utf-16-be")
    return mapping


def page_text(page: pikepdf.Page) -> str:
    """Text shown on a page, decoded through each font's /ToUnicode map."""
    maps = {name: _to_unicode(font) for name, font in page_fonts(page) if Name.ToUnicode in font}
    current: dict[int, str] = {}
    out: list[str] = []
    for instruction in pikepdf.parse_content_stream(page):
        if isinstance(instruction, pikepdf.ContentStreamInlineImage):
            continue
        operands, op = instruction.operands, str(instruction.operator)
        if op == "Tf":
            current = maps.get(str(operands[0]), {})
        elif op in ("Tj", "'", '"'):
            out.append(_decode(bytes(operands[-1]), current))
        elif op == "TJ":
            out.append(
                "".join(
                    _decode(bytes(item), current)
                    for item in operands[0]
                    if isinstance(item, pikepdf.String)
                )
            )
        elif op in ("Td", "TD", "T*", "ET"):
            out.append("\n")
    return "".join(out)


def _decode(raw: bytes, mapping: dict[int, str]) -> str:
    return "".join(mapping.get(b, "") for b in raw)


def document_text(pdf: pikepdf.Pdf) -> str:
    """Text of every page, pages separated by form feeds."""
    return "\f".join(page_text(page) for page in pdf.pages)


def xmp(pdf: pikepdf.Pdf) -> str:
    """The raw XMP packet."""
    return pdf.Root.Metadata.read_bytes().decode("utf-8")
