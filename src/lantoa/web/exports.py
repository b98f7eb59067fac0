"""Exports of a whole result set (no cap) as CSV, JSONL or XLSX, produced as a byte stream.

CSV and JSONL are written row by row as the search streams articles, so memory stays flat
whatever the size. XLSX cannot be written incrementally to a socket (it is a zip with a central
directory at the end): openpyxl's write-only mode writes it to a temporary file row by row, which
is then streamed in chunks and deleted.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from lantoa.errors import InputError
from lantoa.store.api import StoredArticle

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "jsonl": "application/x-ndjson; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
COLUMNS = (
    "id",
    "url",
    "title",
    "source",
    "level",
    "province",
    "published",
    "authors",
    "themes",
    "relevant",
    "duplicates",
    "lead",
    "text",
)
CHUNK = 64 * 1024
_XLSX_CELL_MAX = 32_000


@dataclass(frozen=True)
class ExportRow:
    values: tuple[str | int | bool, ...]


def row_of(stored: StoredArticle) -> ExportRow:
    a, an = stored.enriched.article, stored.enriched.analysis
    return ExportRow(
        (
            stored.id,
            a.url or "",
            a.title,
            a.source or "",
            stored.source_level or "",
            an.province or stored.source_province or "",
            a.published.isoformat() if a.published else "",
            "; ".join(a.authors),
            "; ".join(an.theme_slugs),
            an.relevant,
            stored.duplicates,
            a.lead,
            a.text,
        )
    )


def _csv(articles: Iterable[StoredArticle]) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")  # so that Excel opens UTF-8 Vietnamese correctly
    writer.writerow(COLUMNS)
    for stored in articles:
        writer.writerow([_defuse(v) for v in row_of(stored).values])
        if buffer.tell() >= CHUNK:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def _jsonl(articles: Iterable[StoredArticle]) -> Iterator[bytes]:
    batch: list[str] = []
    size = 0
    for stored in articles:
        line = json.dumps(dict(zip(COLUMNS, row_of(stored).values, strict=True)), ensure_ascii=False)
        batch.append(line + "\n")
        size += len(line)
        if size >= CHUNK:
            yield "".join(batch).encode()
            batch, size = [], 0
    yield "".join(batch).encode()


def _defuse(value: str | int | bool) -> str | int | bool:
    """Scraped text starting like a formula (=, +, -, @) is prefixed with ' so that a
    spreadsheet shows it instead of running it (CSV/formula injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def _safe_cell(value: str | int | bool) -> str | int | bool:
    """Defused, and cut to Excel's cell limit."""
    value = _defuse(value)
    return value[:_XLSX_CELL_MAX] if isinstance(value, str) else value


def _xlsx(articles: Iterable[StoredArticle]) -> Iterator[bytes]:
    from openpyxl import Workbook

    fd, path = tempfile.mkstemp(suffix=".xlsx", prefix="lantoa-export-")
    os.close(fd)
    try:
        book = Workbook(write_only=True)
        sheet = book.create_sheet("articles")
        sheet.append(list(COLUMNS))
        for stored in articles:
            sheet.append([_safe_cell(v) for v in row_of(stored).values])
        book.save(path)
        with open(path, "rb") as fh:
            while chunk := fh.read(CHUNK):
                yield chunk
    finally:
        os.unlink(path)


def export_stream(articles: Iterable[StoredArticle], fmt: str) -> Iterator[bytes]:
    """Bytes of the export in ``fmt`` (csv, jsonl, xlsx); raise ``InputError`` for another format."""
    if fmt == "csv":
        return _csv(articles)
    if fmt == "jsonl":
        return _jsonl(articles)
    if fmt == "xlsx":
        return _xlsx(articles)
    raise InputError(f"unknown export format {fmt!r}: csv, jsonl or xlsx")
