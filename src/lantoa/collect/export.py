"""Articles out of the store: one flat record per article for JSONL, CSV and the terminal.

Exports stream from ``Store.iter_articles`` and write row by row, so a million articles take
no more memory than one.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from datetime import date, datetime
from typing import IO, Any

from lantoa.extract.jsonrecord import article_json, iso
from lantoa.store.api import StoredArticle

CSV_FIELDS = (
    "id",
    "url",
    "source",
    "source_level",
    "source_province",
    "page_type",
    "title",
    "published",
    "authors",
    "lead",
    "text",
    "captions",
    "language",
    "themes",
    "relevant",
    "topic",
    "province",
    "group_id",
    "canonical_id",
    "duplicates",
    "ingested_at",
)


def article_record(stored: StoredArticle) -> dict[str, Any]:
    """The export form of a stored article (same keys as ``lantoa extract``, plus store fields)."""
    article = stored.enriched.article
    analysis = stored.enriched.analysis
    return {
        "id": stored.id,
        **article_json(article),
        "source": article.source,
        "source_level": stored.source_level,
        "source_province": stored.source_province,
        "themes": list(analysis.theme_slugs),
        "relevant": analysis.relevant,
        "topic": analysis.topic,
        "province": analysis.province,
        "group_id": stored.group_id,
        "canonical_id": stored.canonical_id,
        "duplicates": stored.duplicates,
        "ingested_at": iso(stored.ingested_at),
    }


def write_jsonl(articles: Iterable[StoredArticle], out: IO[str]) -> int:
    count = 0
    for stored in articles:
        out.write(json.dumps(article_record(stored), ensure_ascii=False) + "\n")
        count += 1
    return count


def write_csv(articles: Iterable[StoredArticle], out: IO[str]) -> int:
    """CSV with lists joined by ``; `` and paragraphs by newlines (quoted), header first."""
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, extrasaction="ignore")
    writer.writeheader()
    count = 0
    for stored in articles:
        record = article_record(stored)
        for key in ("authors", "captions", "themes"):
            record[key] = "; ".join(record[key])
        writer.writerow(record)
        count += 1
    return count


def _cell(value: str, width: int) -> str:
    value = " ".join(value.split())
    return value if len(value) <= width else value[: width - 1] + "…"


def table_lines(articles: Iterable[StoredArticle]) -> Iterable[str]:
    """Fixed-width lines for the terminal: id, publication date, source, title."""
    yield f"{'ID':>7}  {'NGÀY ĐĂNG':<16}  {'NGUỒN':<16}  TIÊU ĐỀ"
    for stored in articles:
        article = stored.enriched.article
        published = article.published
        when = ""
        if isinstance(published, datetime):
            when = published.strftime("%Y-%m-%d %H:%M")
        elif isinstance(published, date):
            when = published.isoformat()
        yield f"{stored.id:>7}  {when:<16}  {_cell(article.source or '-', 16):<16}  {_cell(article.title, 90)}"


def show_text(stored: StoredArticle) -> str:
    """A readable page for ``lantoa articles show``: fields first, then the lead and body."""
    record = article_record(stored)
    lines = [record["title"], "=" * min(len(record["title"]), 100)]
    labels = (
        ("id", "ID"),
        ("url", "URL"),
        ("source", "Nguồn"),
        ("source_level", "Cấp"),
        ("published", "Ngày đăng"),
        ("authors", "Tác giả"),
        ("page_type", "Loại trang"),
        ("language", "Ngôn ngữ"),
        ("themes", "Chủ đề"),
        ("province", "Tỉnh/thành"),
        ("duplicates", "Bản trùng"),
    )
    for key, label in labels:
        value = record[key]
        if isinstance(value, list):
            value = ", ".join(value)
        if value not in (None, "", []):
            lines.append(f"{label}: {value}")
    lines.append("")
    if record["lead"]:
        lines.extend([record["lead"], ""])
    lines.append(record["text"])
    if record["captions"]:
        lines.extend(["", "Chú thích ảnh:", *(f"- {c}" for c in record["captions"])])
    return "\n".join(lines)
