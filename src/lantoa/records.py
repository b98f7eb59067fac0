"""Typed, immutable records that flow one way between the pipeline stages.

page (``FetchedPage``) -> ``Article`` -> ``Analysis`` (attached as ``EnrichedArticle``) -> store.

Every stage takes and returns these records, never free-form dicts, so that the same stage code
runs in one process, a process pool or a Dask cluster (records are plain picklable dataclasses).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


class SourceLevel(StrEnum):
    """Where a source stands in the hierarchy of external-information work."""

    CENTRAL = "central"
    PROVINCE = "province"
    COMMUNE = "commune"
    PRESS = "press"
    FOREIGN = "foreign"
    OTHER = "other"


class Theme(StrEnum):
    """The themes of external-information work (taxonomy v1, ``shared/spec/taxonomy.md``)."""

    DOI_NGOAI = "doi-ngoai"
    BIEN_DAO = "bien-dao"
    BIEN_GIOI = "bien-gioi"
    IUU = "iuu"
    CHI_DAO_DANG = "chi-dao-dang"
    DAU_TRANH_TU_TUONG = "dau-tranh-tu-tuong"
    THONG_TIN_DOI_NGOAI = "thong-tin-doi-ngoai"
    KINH_TE = "kinh-te"
    QUOC_PHONG_AN_NINH = "quoc-phong-an-ninh"
    VAN_HOA_XA_HOI = "van-hoa-xa-hoi"
    NGUOI_VIET_NUOC_NGOAI = "nguoi-viet-nuoc-ngoai"
    NHAN_QUYEN_TON_GIAO = "nhan-quyen-ton-giao"


class PageType(StrEnum):
    """An article page, or a home/section/listing page that links to articles."""

    ARTICLE = "article"
    LISTING = "listing"


@dataclass(frozen=True)
class CrawlSettings:
    """Per-source politeness and limits; defaults suit a government portal on a slow server."""

    interval_s: int = 3600
    """Seconds between two polls of the source's feeds and sitemaps by ``lantoa crawl --watch``."""
    rate_per_s: float = 1.0
    """Requests per second to one host at most."""
    timeout_s: float = 20.0
    max_bytes: int = 10_000_000
    max_pages: int = 500
    """Pages fetched from this source in one run at most."""
    max_depth: int = 1
    """Link depth followed from listing pages (0: feeds and sitemaps only)."""
    allow_private: bool = False
    """Allow private and loopback addresses (tests, intranet portals); refused by default."""
    respect_robots: bool = True
    paused: bool = False


@dataclass(frozen=True)
class Source:
    """A publisher Lantoa follows: a newspaper, a ministry, a provincial or commune portal."""

    name: str
    home_url: str
    level: SourceLevel = SourceLevel.OTHER
    province: str | None = None
    language: str = "vi"
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    crawl: CrawlSettings = field(default_factory=CrawlSettings)


@dataclass(frozen=True)
class FetchedPage:
    """Raw bytes of one page as fetched or read, with how they were obtained.

    ``content`` is kept as bytes: decoding is the extractor's job because the declared charset
    of Vietnamese portals is often wrong (windows-1258 pages declared as UTF-8 and the reverse).
    """

    url: str
    content: bytes
    final_url: str | None = None
    fetched_at: datetime | None = None
    status: int | None = None
    content_type: str | None = None
    encoding: str | None = None
    """Charset declared by the HTTP header, if any (a hint, not the truth)."""
    source: str | None = None
    """Name of the ``Source`` this page was collected for, if known."""
    origin: str | None = None
    """Where the bytes came from when not from the web: a file path, ``warc:path#offset``..."""
    error: str | None = None
    """One-line reason when the fetch failed; ``content`` is then empty."""
    etag: str | None = None
    """``ETag`` response header, kept by ``Store.record_page`` for the next conditional GET."""
    last_modified: str | None = None
    """``Last-Modified`` response header, kept by ``Store.record_page`` for conditional GET."""

    @property
    def content_hash(self) -> str:
        return hashlib.sha256(self.content).hexdigest()

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass(frozen=True)
class Article:
    """One clean article extracted from a page (or a listing page recognised as such)."""

    url: str | None
    """Canonical URL (``<link rel=canonical>``, ``og:url``, else the final URL); None for local text."""
    title: str
    page_type: PageType = PageType.ARTICLE
    source: str | None = None
    published: datetime | date | None = None
    """Aware datetime (Asia/Ho_Chi_Minh when the page gives no zone), or a date when no time is shown."""
    authors: tuple[str, ...] = ()
    lead: str = ""
    paragraphs: tuple[str, ...] = ()
    """Body paragraphs, without the lead, captions, bylines or related-news lists."""
    captions: tuple[str, ...] = ()
    language: str = "vi"
    fetched_url: str | None = None
    origin: str | None = None
    updated: datetime | None = None

    @property
    def text(self) -> str:
        """Body paragraphs joined by newlines (captions excluded)."""
        return "\n".join(self.paragraphs)

    @property
    def full_text(self) -> str:
        """Headline, lead and body: what analysis, search and deduplication read."""
        return "\n".join(p for p in (self.title, self.lead, *self.paragraphs) if p)


# --- Understanding (the language stage) -------------------------------------------------------


@dataclass(frozen=True)
class ThemeHit:
    """A theme of taxonomy.md assigned to an article, with the evidence an officer can check."""

    slug: str
    score: float
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True)
class Person:
    name: str
    titles: tuple[str, ...] = ()
    mentions: int = 1


@dataclass(frozen=True)
class Organization:
    name: str
    """As written in the text (may be an abbreviation such as UBND)."""
    full_name: str
    kind: str = "other"
    """party / state / mass / press / foreign / business / other."""


@dataclass(frozen=True)
class Location:
    name: str
    kind: str
    """country / province / district / commune / sea / island / city / region."""
    code: str | None = None
    """Official administrative code when the place is a Vietnamese unit."""
    province_now: str | None = None
    """The current (post July 2025) province the place belongs to, for Vietnamese units."""


@dataclass(frozen=True)
class DocumentRef:
    """A Party or State document cited in the text."""

    type: str
    """Nghị quyết, Kết luận, Chỉ thị, Quyết định, Nghị định, Luật, Thông tư..."""
    number: str | None = None
    symbol: str | None = None
    """Full number and symbol, e.g. ``57-KL/TW``."""
    issuer: str | None = None
    date: date | None = None
    surface: str = ""
    """The citation as written in the text."""

    @property
    def key(self) -> str:
        """Identity used to merge different citations of the same document."""
        if self.symbol:
            return self.symbol.upper()
        return f"{self.type}|{self.number or ''}|{self.issuer or ''}".lower()


@dataclass(frozen=True)
class Analysis:
    """What the language stage understood of one article."""

    language: str = "vi"
    themes: tuple[ThemeHit, ...] = ()
    relevant: bool = False
    topic: str | None = None
    persons: tuple[Person, ...] = ()
    organizations: tuple[Organization, ...] = ()
    locations: tuple[Location, ...] = ()
    documents: tuple[DocumentRef, ...] = ()
    province: str | None = None
    """The current province the article is mainly about (not the province of its source)."""
    notes: tuple[str, ...] = ()
    """Plain warnings for the officer, e.g. 'text is not Vietnamese'."""

    @property
    def theme_slugs(self) -> tuple[str, ...]:
        return tuple(sorted(t.slug for t in self.themes))


@dataclass(frozen=True)
class EnrichedArticle:
    article: Article
    analysis: Analysis


@dataclass(frozen=True)
class Failure:
    """An input that could not be processed, kept with its reason so nothing is silently dropped."""

    stage: str
    """collect / extract / analyze / store."""
    target: str
    """URL or file path (with the record locator for WARC/JSONL)."""
    reason: str
    at: datetime | None = None
