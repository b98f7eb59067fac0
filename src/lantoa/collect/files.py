"""Local inputs: files and folders of saved pages, text dumps, JSONL and WARC archives.

Each file becomes one or more ``FetchedPage`` records (bytes untouched: decoding is the
extractor's job); a file that cannot be used becomes a ``Failure`` with a one-line reason and
the walk goes on, so one bad file never stops a folder.
"""

from __future__ import annotations

import gzip
import json
import logging
import os
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from lantoa.collect.text import one_line
from lantoa.records import Failure, FetchedPage

log = logging.getLogger(__name__)

MAX_FILE_BYTES = 50 * 1024 * 1024
"""Larger HTML or text files are refused (a saved news page is well under 5 MB)."""

HTML_SUFFIXES = {".html", ".htm", ".xhtml", ".shtml", ".php", ".asp", ".aspx"}
TEXT_SUFFIXES = {".txt", ".text", ".md"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
WARC_SUFFIXES = {".warc", ".arc"}
JSON_SUFFIXES = {".json"}
BINARY_SUFFIXES = {
    ".pdf",
    ".png",
    ".jpg",
    ".jpeg",
    ".gif",
    ".webp",
    ".zip",
    ".exe",
    ".bin",
    ".doc",
    ".docx",
    ".xls",
    ".xlsx",
    ".mp3",
    ".mp4",
}
HOUSEKEEPING_PREFIXES = ("LICENSE", "LICENCE", "COPYING", "NOTICE", "README", "CHANGELOG", "AUTHORS")
HOUSEKEEPING_NAMES = {"manifest.json", "ground-truth.json", "index.json", "metadata.json"}
_MAGIC = {
    b"%PDF": "PDF document",
    b"\x89PNG": "PNG image",
    b"\xff\xd8\xff": "JPEG image",
    b"GIF8": "GIF image",
    b"PK\x03\x04": "ZIP archive",
    b"Rar!": "RAR archive",
    b"\x7fELF": "executable",
    b"BZh": "bzip2 archive",
    b"7z\xbc\xaf": "7z archive",
    b"\xd0\xcf\x11\xe0": "Office document",
}


def _failure(target: str, reason: str) -> Failure:
    return Failure("collect", target, one_line(reason), datetime.now(UTC))


def _mtime(path: Path) -> datetime:
    return datetime.fromtimestamp(path.stat().st_mtime, UTC)


def sniff_kind(data: bytes, name: str) -> str | None:
    """``html``, ``text`` or None (binary), from the bytes first and the name second."""
    if any(data.startswith(magic) for magic in _MAGIC):
        return None
    head = data[:4096]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 with a byte-order mark
        text = head.decode("utf-16", "replace").lower()
        return "html" if "<html" in text or "<body" in text else "text"
    if b"\x00" in head:
        return None
    suffix = Path(name).suffix.lower()
    lowered = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if suffix in HTML_SUFFIXES or lowered.startswith((b"<!doctype html", b"<html", b"<?xml")):
        return "html"
    if b"<html" in lowered or b"<body" in lowered or b"<div" in lowered:
        return "html"
    if suffix in BINARY_SUFFIXES:
        return None
    # Plain text must be printable: legacy-encoded bytes are fine, control bytes are not.
    controls = sum(1 for byte in head if byte < 32 and byte not in (9, 10, 12, 13, 27))
    return "text" if controls <= len(head) // 100 else None


def _binary_reason(data: bytes) -> str:
    for magic, label in _MAGIC.items():
        if data.startswith(magic):
            return f"binary file ({label}), not a page or text"
    return "binary file, not a page or text"


def _read_limited(path: Path, opener: str, limit: int) -> bytes:
    """Whole file (decompressed when gzip), refusing more than ``limit`` bytes."""
    if opener == "gzip":
        with gzip.open(path, "rb") as fh:
            data = fh.read(limit + 1)
    else:
        with open(path, "rb") as fh:
            data = fh.read(limit + 1)
    if len(data) > limit:
        raise ValueError(f"file too large (over {limit // (1024 * 1024)} MB)")
    return data


def _is_gzip(path: Path) -> bool:
    with open(path, "rb") as fh:
        return fh.read(2) == b"\x1f\x8b"


def _housekeeping(name: str) -> bool:
    """Licence, readme and manifest files that sit next to saved pages but are not news."""
    upper = name.upper()
    return upper.startswith(HOUSEKEEPING_PREFIXES) or name.lower() in HOUSEKEEPING_NAMES


def iter_files(root: Path) -> Iterator[Path]:
    """Regular files under ``root`` in a stable order.

    In a folder walk, hidden files and folders and housekeeping files (LICENSE, README,
    manifest.json...) are skipped; a file named explicitly is always read.
    """
    if root.is_file():
        yield root
        return
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d != "__pycache__")
        for name in sorted(filenames):
            if name.startswith(".") or _housekeeping(name):
                log.debug("skipped %s", Path(dirpath) / name)
                continue
            yield Path(dirpath) / name


def collect_path(
    target: str, *, source: str | None = None, max_bytes: int = MAX_FILE_BYTES
) -> Iterator[FetchedPage | Failure]:
    """Pages of a file or of every file under a folder (recursive)."""
    root = Path(target)
    if not root.exists():
        yield _failure(target, "no such file or folder")
        return
    for path in iter_files(root):
        yield from collect_file(path, source=source, max_bytes=max_bytes)


def collect_file(
    path: Path, *, source: str | None = None, max_bytes: int = MAX_FILE_BYTES
) -> Iterator[FetchedPage | Failure]:
    """One file: dispatch on its (decompressed) name and content."""
    target = str(path)
    try:
        if path.stat().st_size == 0:
            yield _failure(target, "empty file")
            return
        gzipped = _is_gzip(path)
        name = path.name[:-3] if gzipped and path.name.lower().endswith(".gz") else path.name
        suffix = Path(name).suffix.lower()
        if suffix in WARC_SUFFIXES:
            yield from collect_warc(path, source=source)
            return
        if suffix in JSONL_SUFFIXES:
            yield from collect_jsonl(path, gzipped=gzipped, source=source)
            return
        data = _read_limited(path, "gzip" if gzipped else "plain", max_bytes)
    except (OSError, EOFError, zlib.error, ValueError) as exc:
        yield _failure(target, _reason(exc))
        return
    if not data.strip():
        yield _failure(target, "empty file")
        return
    if suffix in JSON_SUFFIXES:
        yield FetchedPage(
            url=path.resolve().as_uri(),
            content=data,
            fetched_at=_mtime(path),
            content_type="application/json",
            source=source,
            origin=target,
        )
        return
    kind = sniff_kind(data, name)
    if kind is None:
        yield _failure(target, _binary_reason(data))
        return
    yield FetchedPage(
        url=path.resolve().as_uri(),
        content=data,
        fetched_at=_mtime(path),
        content_type="text/html" if kind == "html" else "text/plain",
        source=source,
        origin=target,
    )


def _reason(exc: BaseException) -> str:
    if isinstance(exc, gzip.BadGzipFile | EOFError | zlib.error):
        return f"broken gzip file: {exc or 'truncated'}"
    if isinstance(exc, PermissionError):
        return "permission denied"
    if isinstance(exc, OSError):
        return f"cannot read file: {exc.strerror or exc}"
    return str(exc)


def collect_jsonl(
    path: Path, *, gzipped: bool = False, source: str | None = None
) -> Iterator[FetchedPage | Failure]:
    """One page per JSON line; the JSON itself is the content (the extractor reads its fields).

    A record's ``url`` field, when present, is its URL; otherwise the file URI with ``#L<n>``.
    """
    target = str(path)
    uri = path.resolve().as_uri()
    fetched_at = _mtime(path)
    try:
        fh = gzip.open(path, "rb") if gzipped else open(path, "rb")
        with fh:
            for number, raw in enumerate(fh, start=1):
                line = raw.strip()
                if not line:
                    continue
                origin = f"{target}#L{number}"
                try:
                    record = json.loads(line)
                except (json.JSONDecodeError, UnicodeDecodeError) as exc:
                    yield _failure(origin, f"invalid JSON line: {exc}")
                    continue
                if not isinstance(record, dict):
                    yield _failure(origin, "JSON line is not an object")
                    continue
                url = record.get("url")
                yield FetchedPage(
                    url=url if isinstance(url, str) and url else f"{uri}#L{number}",
                    content=line,
                    fetched_at=fetched_at,
                    content_type="application/json",
                    encoding="utf-8",
                    source=source,
                    origin=origin,
                )
    except (OSError, EOFError, zlib.error) as exc:
        yield _failure(target, _reason(exc))


def collect_warc(path: Path, *, source: str | None = None) -> Iterator[FetchedPage | Failure]:
    """HTML responses of a WARC (or ARC) file, plain or gzip'ed; other records are skipped."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    target = str(path)
    try:
        with open(path, "rb") as fh:
            head = fh.read(512)
            if head.startswith(b"\x1f\x8b"):
                head = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS).decompress(head, 64)
            if not head.lstrip().startswith((b"WARC/", b"filedesc://")):
                yield _failure(target, "not a valid WARC file: no WARC/ or ARC header")
                return
            fh.seek(0)
            iterator = ArchiveIterator(fh, arc2warc=True)
            for record in iterator:
                if record.rec_type != "response":
                    continue
                url = record.rec_headers.get_header("WARC-Target-URI") or ""
                http = record.http_headers
                content_type = (http.get_header("Content-Type") if http else None) or ""
                mime = content_type.split(";")[0].strip().lower()
                if mime and mime not in ("text/html", "application/xhtml+xml", "text/plain"):
                    continue
                # The body must be read before asking for the offset (warcio reads lazily).
                try:
                    body = record.content_stream().read()
                except (OSError, EOFError, zlib.error, ValueError) as exc:
                    yield _failure(f"{target}#{iterator.get_record_offset()}", f"broken WARC record: {exc}")
                    continue
                origin = f"{target}#{iterator.get_record_offset()}"
                status = None
                if http is not None:
                    try:
                        status = int(http.get_statuscode())
                    except (TypeError, ValueError):
                        status = None
                charset = None
                if "charset=" in content_type.lower():
                    charset = content_type.lower().split("charset=", 1)[1].split(";")[0].strip(" \"'") or None
                yield FetchedPage(
                    url=url,
                    content=body,
                    final_url=url,
                    fetched_at=_warc_date(record.rec_headers.get_header("WARC-Date")),
                    status=status,
                    content_type=mime or "text/html",
                    encoding=charset,
                    source=source,
                    origin=origin,
                )
    except ArchiveLoadFailed as exc:
        yield _failure(target, f"not a valid WARC file: {str(exc).splitlines()[0]}")
    except (OSError, EOFError, zlib.error, ValueError) as exc:
        yield _failure(target, f"broken WARC file: {_reason(exc)}")


def _warc_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
