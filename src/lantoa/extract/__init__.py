"""Stage: extract. A fetched page (HTML, text dump or JSON record) -> one clean ``Article``.

Public API:

- ``extract_page(page) -> Article`` (raises ``ExtractionError`` with a one-line reason)
- ``decode_html(content, declared=None) -> (text, encoding)``
- ``parse_date(text) -> datetime | date | None``

What the bytes are is sniffed, not taken from ``content_type``: collectors label files by their
extension and servers mislabel pages.
"""

from __future__ import annotations

import gzip
import logging
import re
import zlib

from lantoa.errors import ExtractionError
from lantoa.extract.dates import parse_date
from lantoa.extract.decode import decode_html
from lantoa.records import Article, FetchedPage

__all__ = ["MAX_PARSE_BYTES", "decode_html", "extract_page", "parse_date", "sniff"]

log = logging.getLogger(__name__)

MAX_PARSE_BYTES = 8_000_000
"""Bytes of a page that are parsed at most; the rest of a bigger page is ignored (and logged)."""

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or an Office document)"),
    (b"\x89PNG", "a PNG image"),
    (b"GIF8", "a GIF image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"BM", "a BMP image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
    (b"\xd0\xcf\x11\xe0", "an old Office document"),
    (b"ID3", "an MP3 file"),
    (b"OggS", "an Ogg media file"),
    (b"\x1a\x45\xdf\xa3", "a video file"),
    (b"%!PS", "a PostScript file"),
    (b"\x7fELF", "a program"),
    (b"MZ", "a Windows program"),
)
_HTML_HINT = re.compile(
    rb"<(?:!doctype\s+html|html|head|body|meta|title|div|p|article|script)[\s>/]", re.IGNORECASE
)


def _ungzip(content: bytes) -> bytes:
    try:
        decompressor = zlib.decompressobj(wbits=47)
        data = decompressor.decompress(content, MAX_PARSE_BYTES + 1)
    except (zlib.error, gzip.BadGzipFile) as exc:
        raise ExtractionError(f"broken gzip data: {exc}") from exc
    return data


def sniff(content: bytes, content_type: str | None = None) -> str:
    """What the bytes are: "html", "json" or "text"; raises ``ExtractionError`` for anything else."""
    head = content[:8192]
    if not content.strip():
        raise ExtractionError("empty input: no bytes to extract")
    for magic, what in _MAGIC:
        if head.startswith(magic):
            raise ExtractionError(f"binary input: {what}, not a page")
    if head[4:8] == b"ftyp" or (head.startswith(b"RIFF") and head[8:12] in (b"WEBP", b"AVI ", b"WAVE")):
        raise ExtractionError("binary input: an image or media file, not a page")
    utf16 = head.startswith((b"\xff\xfe", b"\xfe\xff"))
    if not utf16 and b"\x00" in head:
        raise ExtractionError("binary input: NUL bytes, not a text page")
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    kind = (content_type or "").split(";")[0].strip().lower()
    if stripped[:1] in (b"{", b"[") and (kind.endswith("json") or not _HTML_HINT.search(head)):
        return "json"
    if utf16 or _HTML_HINT.search(head) or kind in ("text/html", "application/xhtml+xml"):
        return "html"
    if kind.endswith("json"):
        return "json"
    return "text"


def extract_page(page: FetchedPage) -> Article:
    """Turn one fetched page into an ``Article`` (``page_type`` LISTING for home/section pages).

    Raises ``ExtractionError`` for empty, binary, undecodable or textless input.
    """
    if page.error:
        raise ExtractionError(f"page was not fetched: {page.error}")
    content = page.content
    if content[:2] == b"\x1f\x8b":
        content = _ungzip(content)
    if len(content) > MAX_PARSE_BYTES:
        log.warning(
            "%s: %d bytes, only the first %d are parsed",
            page.origin or page.url,
            len(content),
            MAX_PARSE_BYTES,
        )
        content = content[:MAX_PARSE_BYTES]
    kind = sniff(content, page.content_type)
    text, _encoding = decode_html(content, page.encoding)
    if "\x00" in text[:8192] and kind != "html":
        raise ExtractionError("binary input: NUL characters, not a text page")
    url = page.final_url or page.url or None
    if kind == "json":
        from lantoa.extract.jsonrecord import extract_json

        return extract_json(text, url, source=page.source, origin=page.origin)
    if kind == "html":
        from lantoa.extract.htmlpage import extract_html

        return extract_html(text, url, source=page.source, origin=page.origin)
    from lantoa.extract.textdump import extract_text

    return extract_text(text, url, source=page.source, origin=page.origin)
