"""Records <-> database rows, with an exact round trip.

Dates and datetimes are written as ISO 8601 strings inside JSON; tuples become lists and come
back as tuples; a publication time keeps its UTC offset (``+07:00`` comes back as the
Asia/Ho_Chi_Minh zone, the zone the extractor uses). ``article_row`` is what ``save_article``
writes; ``row_article`` rebuilds the ``EnrichedArticle`` from a row of ``articles``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from typing import Any

from lantoa.dedup.normalize import text_hash
from lantoa.records import (
    VN_TZ,
    Analysis,
    Article,
    DocumentRef,
    EnrichedArticle,
    Location,
    Organization,
    PageType,
    Person,
    ThemeHit,
)

_VN_OFFSET = timedelta(hours=7)


def _zone(offset_minutes: int) -> tzinfo:
    offset = timedelta(minutes=offset_minutes)
    return VN_TZ if offset == _VN_OFFSET else timezone(offset)


def datetime_to_json(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def datetime_from_json(value: str | None) -> datetime | None:
    """Parse ISO 8601; a ``+07:00`` offset becomes the Asia/Ho_Chi_Minh zone."""
    if value is None:
        return None
    parsed = datetime.fromisoformat(value)
    offset = parsed.utcoffset()
    if offset is None:
        return parsed
    return parsed.astimezone(_zone(int(offset.total_seconds() // 60)))


def analysis_to_json(analysis: Analysis) -> dict[str, Any]:
    """Plain JSON-compatible dict of an ``Analysis`` (stored in ``articles.analysis``)."""
    return {
        "language": analysis.language,
        "themes": [{"slug": t.slug, "score": t.score, "evidence": list(t.evidence)} for t in analysis.themes],
        "relevant": analysis.relevant,
        "topic": analysis.topic,
        "persons": [
            {"name": p.name, "titles": list(p.titles), "mentions": p.mentions} for p in analysis.persons
        ],
        "organizations": [
            {"name": o.name, "full_name": o.full_name, "kind": o.kind} for o in analysis.organizations
        ],
        "locations": [
            {"name": loc.name, "kind": loc.kind, "code": loc.code, "province_now": loc.province_now}
            for loc in analysis.locations
        ],
        "documents": [
            {
                "type": d.type,
                "number": d.number,
                "symbol": d.symbol,
                "issuer": d.issuer,
                "date": d.date.isoformat() if d.date else None,
                "surface": d.surface,
            }
            for d in analysis.documents
        ],
        "province": analysis.province,
        "notes": list(analysis.notes),
    }


def analysis_from_json(data: Mapping[str, Any]) -> Analysis:
    """Inverse of ``analysis_to_json``; missing keys take the record's defaults."""
    return Analysis(
        language=data.get("language", "vi"),
        themes=tuple(
            ThemeHit(t["slug"], float(t["score"]), tuple(t.get("evidence", ())))
            for t in data.get("themes", ())
        ),
        relevant=bool(data.get("relevant", False)),
        topic=data.get("topic"),
        persons=tuple(
            Person(p["name"], tuple(p.get("titles", ())), int(p.get("mentions", 1)))
            for p in data.get("persons", ())
        ),
        organizations=tuple(
            Organization(o["name"], o["full_name"], o.get("kind", "other"))
            for o in data.get("organizations", ())
        ),
        locations=tuple(
            Location(loc["name"], loc["kind"], loc.get("code"), loc.get("province_now"))
            for loc in data.get("locations", ())
        ),
        documents=tuple(
            DocumentRef(
                type=d["type"],
                number=d.get("number"),
                symbol=d.get("symbol"),
                issuer=d.get("issuer"),
                date=date.fromisoformat(d["date"]) if d.get("date") else None,
                surface=d.get("surface", ""),
            )
            for d in data.get("documents", ())
        ),
        province=data.get("province"),
        notes=tuple(data.get("notes", ())),
    )


def published_columns(published: datetime | date | None) -> dict[str, Any]:
    """``published`` (UTC instant), ``published_date`` (day in Vietnam) and ``published_has_time``.

    A date without a time is stored as midnight Asia/Ho_Chi_Minh of that day.
    """
    if published is None:
        return {"published": None, "published_date": None, "published_has_time": False}
    if isinstance(published, datetime):
        aware = published if published.tzinfo else published.replace(tzinfo=VN_TZ)
        return {
            "published": aware.astimezone(UTC),
            "published_date": aware.astimezone(VN_TZ).date(),
            "published_has_time": True,
        }
    midnight = datetime(published.year, published.month, published.day, tzinfo=VN_TZ)
    return {"published": midnight.astimezone(UTC), "published_date": published, "published_has_time": False}


def record_hash(enriched: EnrichedArticle) -> str:
    """Fingerprint of everything stored for an article: a change means the stored row is stale."""
    row = article_row(enriched, with_hash=False)
    payload = {k: (v.isoformat() if isinstance(v, date | datetime) else v) for k, v in row.items()}
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def article_row(enriched: EnrichedArticle, *, with_hash: bool = True) -> dict[str, Any]:
    """Column values of ``articles`` for one enriched article (ids, group and times excluded)."""
    art, ana = enriched.article, enriched.analysis
    body = art.text
    extra: dict[str, Any] = {
        "fetched_url": art.fetched_url,
        "origin": art.origin,
        "updated": datetime_to_json(art.updated),
    }
    if isinstance(art.published, datetime):
        extra["published"] = art.published.isoformat()
    if list(art.paragraphs) != (body.split("\n") if body else []):
        extra["paragraphs"] = list(art.paragraphs)
    row: dict[str, Any] = {
        "url": art.url,
        "source": art.source,
        "page_type": art.page_type.value,
        "title": art.title,
        **published_columns(art.published),
        "authors": list(art.authors),
        "lead": art.lead,
        "body": body,
        "captions": list(art.captions),
        "language": art.language,
        "text_hash": text_hash(art),
        "topic": ana.topic,
        "relevant": ana.relevant,
        "province": ana.province,
        "analysis": analysis_to_json(ana),
        "extra": extra,
    }
    if with_hash:
        row["record_hash"] = record_hash(enriched)
    return row


def row_article(row: Mapping[str, Any]) -> EnrichedArticle:
    """Rebuild the ``EnrichedArticle`` stored in one ``articles`` row."""
    extra: Mapping[str, Any] = row["extra"] or {}
    published: datetime | date | None
    if row["published_date"] is None:
        published = None
    elif row["published_has_time"]:
        published = datetime_from_json(extra.get("published")) or row["published"].astimezone(VN_TZ)
    else:
        published = row["published_date"]
        if isinstance(published, datetime):
            published = published.date()
        elif isinstance(published, str):
            published = date.fromisoformat(published)
    body: str = row["body"]
    paragraphs = extra.get("paragraphs")
    if paragraphs is None:
        paragraphs = body.split("\n") if body else []
    article = Article(
        url=row["url"],
        title=row["title"],
        page_type=PageType(row["page_type"]),
        source=row["source"],
        published=published,
        authors=tuple(row["authors"]),
        lead=row["lead"],
        paragraphs=tuple(paragraphs),
        captions=tuple(row["captions"]),
        language=row["language"],
        fetched_url=extra.get("fetched_url"),
        origin=extra.get("origin"),
        updated=datetime_from_json(extra.get("updated")),
    )
    return EnrichedArticle(article, analysis_from_json(row["analysis"]))
