"""One JSON record (from the JSONL collector) -> ``Article``, and an ``Article`` -> its JSON form.

Keys: url, title, text or paragraphs, published, authors, lead, source (others ignored). A record
with an ``html`` key and no text is extracted from that HTML.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from lantoa.errors import ExtractionError
from lantoa.extract.authors import split_byline
from lantoa.extract.dates import parse_date
from lantoa.extract.language import guess_language
from lantoa.records import Article, PageType


def _strings(value: Any, field: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    raise ExtractionError(f"bad JSON record: `{field}` must be a string or a list of strings")


def extract_json(
    raw: str, url: str | None, *, source: str | None = None, origin: str | None = None
) -> Article:
    try:
        record = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ExtractionError(f"bad JSON record: {exc.msg} at line {exc.lineno} column {exc.colno}") from exc
    if not isinstance(record, dict):
        raise ExtractionError("bad JSON record: expected an object with url, title and text")
    record_url = record.get("url") if isinstance(record.get("url"), str) else None
    if "paragraphs" in record:
        paragraphs = [p.strip() for p in _strings(record["paragraphs"], "paragraphs") if p.strip()]
    else:
        text = "\n".join(_strings(record.get("text"), "text"))
        paragraphs = [p.strip() for p in text.splitlines() if p.strip()]
    if not paragraphs and isinstance(record.get("html"), str):
        from lantoa.extract.htmlpage import extract_html

        return extract_html(record["html"], record_url or url, source=source, origin=origin)
    title = " ".join(_strings(record.get("title"), "title")).strip()
    if not title and not paragraphs:
        raise ExtractionError("bad JSON record: no title and no text")
    if not title:
        title, paragraphs = paragraphs[0], paragraphs[1:]
    authors: list[str] = []
    for raw_author in _strings(record.get("authors") or record.get("author"), "authors"):
        authors += split_byline(raw_author) or [raw_author.strip()]
    published_raw = record.get("published") or record.get("published_at") or record.get("date")
    published = parse_date(str(published_raw)) if published_raw else None
    lead = " ".join(_strings(record.get("lead"), "lead")).strip()
    page_type = PageType.LISTING if record.get("page_type") == "listing" else PageType.ARTICLE
    record_source = record.get("source") if isinstance(record.get("source"), str) else None
    return Article(
        url=record_url or url,
        title=title,
        page_type=page_type,
        source=record_source or source,
        published=published,
        authors=tuple(dict.fromkeys(a for a in authors if a)),
        lead=lead,
        paragraphs=tuple(paragraphs),
        language=str(record.get("language") or guess_language(" ".join([title, lead, *paragraphs[:20]]))),
        fetched_url=url,
        origin=origin,
    )


def iso(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


def article_json(article: Article) -> dict[str, Any]:
    """The JSON form of an extracted article (keys fixed by issue 2; exports add store fields)."""
    return {
        "url": article.url,
        "page_type": article.page_type.value,
        "title": article.title,
        "published": iso(article.published),
        "authors": list(article.authors),
        "lead": article.lead,
        "text": article.text,
        "captions": list(article.captions),
        "language": article.language,
    }
