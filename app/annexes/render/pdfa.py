"""PDF/A-2b written by ReportLab itself: output intent, XMP, Info, /Lang, a fixed /ID, PDF 1.7.

`PdfaCanvas` puts every PDF/A piece into ReportLab's own document objects while it writes the
file, so there is no second parse-and-rewrite pass. Every value comes from the caller, never
from the clock, so the bytes are reproducible.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase.pdfdoc import (
    PDFArray,
    PDFCatalog,
    PDFDictionary,
    PDFDocument,
    PDFInfo,
    PDFName,
    PDFStream,
    PDFString,
    PDFTrueTypeFont,
)
from reportlab.pdfgen.canvas import Canvas

from app.annexes.render.stream_memo import MEMO_FLATE, memoise_font_streams

ICC_PATH = Path(__file__).resolve().parents[1] / "color" / "sRGB.icc"
OUTPUT_CONDITION = "sRGB IEC61966-2.1"
PRODUCER = "Ennakko annex renderer (ReportLab)"
PDF_VERSION = (1, 7)
CREATOR_TOOL = "Ennakko"

_XMP = """<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    xmlns:pdf="http://ns.adobe.com/pdf/1.3/"
    xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/"
    xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">
   <pdfaid:part>2</pdfaid:part>
   <pdfaid:conformance>B</pdfaid:conformance>
   <dc:format>application/pdf</dc:format>
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{title}</rdf:li></rdf:Alt></dc:title>
   <dc:creator><rdf:Seq><rdf:li>{author}</rdf:li></rdf:Seq></dc:creator>
   <dc:description><rdf:Alt><rdf:li xml:lang="x-default">{subject}</rdf:li></rdf:Alt>
   </dc:description>
   <dc:language><rdf:Bag><rdf:li>{lang}</rdf:li></rdf:Bag></dc:language>
   <xmp:CreateDate>{date}</xmp:CreateDate>
   <xmp:ModifyDate>{date}</xmp:ModifyDate>
   <xmp:MetadataDate>{date}</xmp:MetadataDate>
   <xmp:CreatorTool>{creator_tool}</xmp:CreatorTool>
   <pdf:Producer>{producer}</pdf:Producer>
   <pdf:Keywords>{keywords}</pdf:Keywords>
   <xmpMM:DocumentID>uuid:{uuid}</xmpMM:DocumentID>
   <xmpMM:InstanceID>uuid:{uuid}</xmpMM:InstanceID>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""


@dataclass(frozen=True, slots=True)
class DocumentInfo:
    title: str
    author: str
    subject: str
    keywords: str
    lang: str
    created_at: datetime
    identity: str


@lru_cache(maxsize=1)
def icc_profile() -> bytes:
    """The shipped sRGB profile (read once)."""
    return ICC_PATH.read_bytes()


def _pdf_date(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("D:%Y%m%d%H%M%S+00'00'")


def _xmp_date(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")


def _uuid(digest: bytes) -> str:
    h = digest[:16].hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"


def xmp_packet(info: DocumentInfo, digest: bytes) -> bytes:
    """The XMP metadata packet declaring PDF/A-2b, consistent with the Info dictionary."""
    fields = {
        "title": info.title,
        "author": info.author,
        "subject": info.subject,
        "keywords": info.keywords,
        "lang": info.lang,
        "creator_tool": CREATOR_TOOL,
        "producer": PRODUCER,
    }
    escaped = {k: escape(v) for k, v in fields.items()}
    text = _XMP.format(**escaped, date=_xmp_date(info.created_at), uuid=_uuid(digest))
    return text.encode("utf-8")


# ReportLab writes a ToUnicode entry beyond the BMP as five or six hex digits ("<05> <1F3EB>"),
# which is not UTF-16BE: readers take four digits and extract U+1F3E for 🏫.
_ASTRAL_ENTRY = re.compile(r"<([0-9A-Fa-f]{2})> <([0-9A-Fa-f]{5,6})>")


def _utf16_entry(match: re.Match[str]) -> str:
    char = chr(int(match.group(2), 16))
    return f"<{match.group(1)}> <{char.encode('utf-16-be').hex().upper()}>"


def fix_astral_to_unicode(doc: PDFDocument) -> None:
    """Rewrite the ToUnicode entries beyond the BMP of every font subset the document holds
    as UTF-16BE surrogate pairs (call once the fonts' objects exist, before writing)."""
    for key, stream in doc.idToObject.items():
        cmap = isinstance(key, str) and key.startswith("toUnicodeCMap:")
        if cmap and isinstance(stream.content, str):
            stream.content = _ASTRAL_ENTRY.sub(_utf16_entry, stream.content)


class _Info(PDFInfo):  # type: ignore[misc]  # reportlab ships no type hints
    """The Info dictionary with the caller's values and date (ReportLab's has its own)."""

    def __init__(self, info: DocumentInfo) -> None:
        super().__init__()
        self._info = info

    def format(self, document: PDFDocument) -> bytes:
        info, date = self._info, PDFString(_pdf_date(self._info.created_at))
        fields = {
            "Title": PDFString(info.title),
            "Author": PDFString(info.author),
            "Subject": PDFString(info.subject),
            "Keywords": PDFString(info.keywords),
            "Creator": PDFString(CREATOR_TOOL),
            "Producer": PDFString(PRODUCER),
            "CreationDate": date,
            "ModDate": date,
        }
        return bytes(PDFDictionary(fields).format(document))


def _output_intent(doc: PDFDocument) -> PDFDictionary:
    profile = PDFStream(PDFDictionary({"N": 3}), icc_profile(), filters=[MEMO_FLATE])
    return PDFDictionary(
        {
            "Type": PDFName("OutputIntent"),
            "S": PDFName("GTS_PDFA1"),
            "OutputConditionIdentifier": PDFString(OUTPUT_CONDITION),
            "Info": PDFString(OUTPUT_CONDITION),
            "RegistryName": PDFString("http://www.color.org"),
            "DestOutputProfile": doc.Reference(profile, "pdfaOutputProfile"),
        }
    )


def declare_pdfa(doc: PDFDocument, info: DocumentInfo) -> None:
    """Put the PDF/A-2b pieces into ReportLab's document before it is written."""
    digest = hashlib.sha256(info.identity.encode("utf-8")).digest()
    catalog = doc.Catalog
    catalog.Lang = PDFString(info.lang)
    # the catalog writes only the keys it lists: add the output intents to this one's list
    catalog.__NoDefault__ = [*PDFCatalog.__NoDefault__, "OutputIntents"]
    catalog.OutputIntents = PDFArray([_output_intent(doc)])
    # XMP must stay unfiltered (PDF/A): a stream without filters is written as it is
    catalog.Metadata = PDFStream(
        PDFDictionary({"Type": PDFName("Metadata"), "Subtype": PDFName("XML")}),
        xmp_packet(info, digest),
    )
    doc.info = _Info(info)
    file_id = digest[:16].hex().upper().encode("ascii")
    doc._ID = b"[<" + file_id + b"><" + file_id + b">]"


class NumberArray(PDFArray):  # type: ignore[misc]
    """A PDFArray of plain numbers formatted in one fp_str call, not one format() per number
    (a font subset's Widths hold 256): the same bytes, fp_str joins its arguments by spaces."""

    def format(self, document: PDFDocument, IND: bytes = b"\n ") -> bytes:  # noqa: N803
        multiline = (self.multiline and rl_config.pdfMultiLine) or self.multiline == "forced"
        seq = self.sequence
        if not multiline or not seq or any(type(n) not in _NUMBER_TYPES for n in seq):
            return bytes(super().format(document, IND))
        numbers: bytes = fp_str(seq).encode("ascii").replace(b" ", IND)
        return b"[ " + numbers + b" ]"


_NUMBER_TYPES = (int, float)


def number_widths(doc: PDFDocument) -> None:
    """Let every font subset's Widths format as a NumberArray (call once fonts exist)."""
    for obj in doc.idToObject.values():
        widths: Any = getattr(obj, "Widths", None) if isinstance(obj, PDFTrueTypeFont) else None
        if type(widths) is PDFArray:
            obj.Widths = NumberArray(widths.sequence)


class PdfaCanvas(Canvas):  # type: ignore[misc]
    """A canvas writing PDF/A-2b (PDF 1.7) with the caller's identity, dates and metadata."""

    def __init__(self, *args: Any, pdfa: DocumentInfo, **kwargs: Any) -> None:
        super().__init__(*args, pdfVersion=PDF_VERSION, **kwargs)
        declare_pdfa(self._doc, pdfa)

    def showPage(self) -> None:  # noqa: N802 - ReportLab's API
        super().showPage()
        pages = self._doc.Pages.pages
        if pages:
            # ReportLab writes an empty /Trans (no transition) on every page
            pages[-1].Trans = None

    def save(self) -> None:
        doc = self._doc
        # what ReportLab's save does first (realise the fonts), then the ToUnicode repair
        for font in doc.delayedFonts:
            font.addObjects(doc)
        doc.delayedFonts = []
        fix_astral_to_unicode(doc)
        memoise_font_streams(doc)
        number_widths(doc)
        super().save()
