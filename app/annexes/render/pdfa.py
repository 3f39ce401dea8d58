"""Turn ReportLab's output into PDF/A-2b: output intent, XMP, Info, /Lang, a fixed /ID.

Every value comes from the caller, never from the clock, so the bytes are reproducible.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from xml.sax.saxutils import escape

import pikepdf
from pikepdf import Array, Dictionary, Name, String

ICC_PATH = Path(__file__).resolve().parents[1] / "color" / "sRGB.icc"
OUTPUT_CONDITION = "sRGB IEC61966-2.1"
PRODUCER = "Ennakko annex renderer (ReportLab, pikepdf)"
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


def _output_intent(pdf: pikepdf.Pdf) -> Dictionary:
    profile = pdf.make_stream(icc_profile())
    profile.N = 3
    return Dictionary(
        Type=Name.OutputIntent,
        S=Name.GTS_PDFA1,
        OutputConditionIdentifier=String(OUTPUT_CONDITION),
        Info=String(OUTPUT_CONDITION),
        RegistryName=String("http://www.color.org"),
        DestOutputProfile=profile,
    )


# ReportLab writes a ToUnicode entry beyond the BMP as five or six hex digits ("<05> <1F3EB>"),
# which is not UTF-16BE: readers take four digits and extract U+1F3E for 🏫.
_ASTRAL_ENTRY = re.compile(rb"<([0-9A-Fa-f]{2})> <([0-9A-Fa-f]{5,6})>")


def _utf16_entry(match: re.Match[bytes]) -> bytes:
    char = chr(int(match.group(2), 16))
    return b"<%s> <%s>" % (match.group(1), char.encode("utf-16-be").hex().upper().encode())


def fix_astral_to_unicode(pdf: pikepdf.Pdf) -> None:
    """Rewrite every font's ToUnicode entries beyond the BMP as UTF-16BE surrogate pairs."""
    seen: set[tuple[int, int]] = set()
    for page in pdf.pages:
        fonts = page.obj.get(Name.Resources, Dictionary()).get(Name.Font, Dictionary())
        for font in fonts.values():
            if font.objgen in seen or Name.ToUnicode not in font:
                continue
            seen.add(font.objgen)
            cmap = font.ToUnicode.read_bytes()
            fixed = _ASTRAL_ENTRY.sub(_utf16_entry, cmap)
            if fixed != cmap:
                font.ToUnicode.write(fixed)


def make_pdfa(raw: bytes, info: DocumentInfo) -> bytes:
    """Add what PDF/A-2b needs to a ReportLab PDF and write it deterministically as PDF 1.7."""
    digest = hashlib.sha256(info.identity.encode("utf-8")).digest()
    with pikepdf.open(BytesIO(raw)) as pdf:
        for page in pdf.pages:
            # ReportLab writes an empty /Trans (no transition) on every page
            if Name.Trans in page.obj:
                del page.obj[Name.Trans]
        fix_astral_to_unicode(pdf)
        root = pdf.Root
        root.Lang = String(info.lang)
        root.OutputIntents = Array([_output_intent(pdf)])
        metadata = pdf.make_stream(xmp_packet(info, digest))
        metadata.Type = Name.Metadata
        metadata.Subtype = Name.XML
        root.Metadata = metadata
        date = _pdf_date(info.created_at)
        pdf.trailer.Info = pdf.make_indirect(
            Dictionary(
                Title=String(info.title),
                Author=String(info.author),
                Subject=String(info.subject),
                Keywords=String(info.keywords),
                Creator=String(CREATOR_TOOL),
                Producer=String(PRODUCER),
                CreationDate=String(date),
                ModDate=String(date),
            )
        )
        file_id = String(digest[:16])
        pdf.trailer.ID = Array([file_id, file_id])
        out = BytesIO()
        pdf.save(
            out,
            force_version="1.7",
            fix_metadata_version=False,
            stream_decode_level=pikepdf.StreamDecodeLevel.none,
            static_id=False,
            deterministic_id=True,
        )
    return out.getvalue()
