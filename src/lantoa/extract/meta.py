"""Page metadata: canonical URL, headline, dates, authors and lead from meta tags, JSON-LD and bylines.

Order of trust, from the measurements on vn-pages-dev: machine-readable fields first (JSON-LD
of a NewsArticle, ``article:published_time``), then the visible parts of the page that the site
profiles name, then a scan of the text. The headline is the page's own ``<h1>`` when it agrees
with ``og:title``/``<title>`` (sites shorten og:title), else og:title without the site suffix.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from selectolax.lexbor import LexborHTMLParser

from lantoa.extract.authors import is_publisher, split_byline
from lantoa.extract.dates import parse_date
from lantoa.extract.lexicon import Profile, lexicon

_ARTICLE_TYPES = frozenset(
    "article newsarticle reportagenewsarticle blogposting analysisnewsarticle opinionnewsarticle "
    "backgroundnewsarticle liveblogposting report scholarlyarticle techarticle".split()
)
_DATE_META = (
    "article:published_time",
    "og:published_time",
    "datepublished",
    "pubdate",
    "publishdate",
    "publish_date",
    "publish-date",
    "date",
    "dc.date",
    "dc.date.issued",
    "dcterms.created",
    "sailthru.date",
    "parsely-pub-date",
    "article.published",
    "published_time",
    "cxenseparse:recs:publishtime",
    "dc.date.created",
    "originalpublicationdate",
    "article_date_original",
    "datecreated",
)
_AUTHOR_META = (
    "article:author",
    "author",
    "dable:author",
    "parsely-author",
    "sailthru.author",
    "dc.creator",
    "byl",
)
_WORDS = re.compile(r"\w+")


@dataclass
class Meta:
    url: str | None = None
    title: str = ""
    h1: str = ""
    published: datetime | date | None = None
    updated: datetime | None = None
    authors: tuple[str, ...] = ()
    lead: str = ""
    lang: str | None = None
    article_marked: bool = False
    """The page says it is an article (og:type, JSON-LD type, article:published_time)."""
    site_names: tuple[str, ...] = ()
    ld: list[dict[str, Any]] = field(default_factory=list)


def _metas(tree: LexborHTMLParser) -> dict[str, str]:
    found: dict[str, str] = {}
    for node in tree.css("meta[content]"):
        attrs = node.attributes
        key = attrs.get("property") or attrs.get("name") or attrs.get("itemprop")
        value = (attrs.get("content") or "").strip()
        if key and value:
            found.setdefault(key.strip().lower(), value)
    return found


def _ld_objects(tree: LexborHTMLParser) -> list[dict[str, Any]]:
    objects: list[dict[str, Any]] = []

    def add(value: Any) -> None:
        if isinstance(value, list):
            for item in value:
                add(item)
        elif isinstance(value, dict):
            if "@graph" in value:
                add(value["@graph"])
            objects.append(value)

    for node in tree.css('script[type="application/ld+json"]'):
        raw = node.text(deep=True).strip()
        try:
            add(json.loads(raw, strict=False))
        except ValueError:
            continue
    return objects


def _ld_type(obj: dict[str, Any]) -> set[str]:
    kind = obj.get("@type", "")
    kinds = kind if isinstance(kind, list) else [kind]
    return {str(k).lower() for k in kinds}


def _ld_names(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [n for v in value for n in _ld_names(v)]
    if isinstance(value, dict) and "organization" not in _ld_type(value):
        name = value.get("name")
        return [name] if isinstance(name, str) else []
    return []


def _clean(text: str | None) -> str:
    import html

    return re.sub(r"\s+", " ", html.unescape(text or "")).strip()


def strip_site_suffix(title: str, site_names: tuple[str, ...] = ()) -> str:
    """'Headline - Báo XYZ' -> 'Headline' (only when the cut part looks like a site name)."""
    for sep in lexicon().title_separators:
        if sep in title:
            head, _, tail = title.rpartition(sep)
            if head and (is_publisher(tail, site_names) or len(tail.split()) <= 3 and len(head) > len(tail)):
                return strip_site_suffix(head.strip(), site_names)
    return title.strip()


def _similar(a: str, b: str) -> bool:
    wa, wb = set(_WORDS.findall(a.lower())), set(_WORDS.findall(b.lower()))
    return bool(wa) and len(wa & wb) >= 0.6 * len(wa)


def _css_text(
    tree: LexborHTMLParser, selectors: tuple[str, ...], limit: int = 400, min_len: int = 1
) -> list[str]:
    texts = []
    for selector in selectors:
        try:
            nodes = tree.css(selector)
        except (ValueError, SyntaxError):
            continue
        for node in nodes[:3]:
            text = _clean(node.text(deep=True, separator=" "))
            if min_len <= len(text) <= limit:
                texts.append(text)
        if texts:
            break
    return texts


_URL_DATE = re.compile(r"/((?:19|20)\d\d)[/-]([01]?\d)[/-]([0-3]?\d)(?:/|[-_]|\.html?|$)")
_DATE_CLASSES = (
    "time, [class*=date], [class*=Date], [class*=time], [class*=posted], [class*=publish], [class*=meta], "
    "[id*=date], [class*=byline], [class*=thoigian], [class*=ngay]"
)


def _fallback_date(tree: LexborHTMLParser, url: str | None, html: str | None) -> date | datetime | None:
    """When no field names the date: the URL's /2024/03/12/, the first dated byline-like block, then
    htmldate's extensive search (slow, ~30 ms, hence last; measured: it finds 3 in 4 of the rest)."""
    if url:
        found = _URL_DATE.search(url)
        if found:
            try:
                return date(int(found.group(1)), int(found.group(2)), int(found.group(3)))
            except ValueError:
                pass
    for node in tree.css(_DATE_CLASSES)[:60]:
        text = node.text(deep=True, separator=" ").strip()
        if 6 <= len(text) <= 120:
            value = parse_date(text)
            if value is not None:
                return value
    if html:
        from htmldate import find_date

        try:
            found_date = find_date(html, url=url, original_date=True, extensive_search=True)
        except Exception:  # htmldate is a last resort: its failure means "no date", not a bad page
            found_date = None
        if found_date:
            return parse_date(found_date)
    return None


def read_meta(
    tree: LexborHTMLParser, profiles: tuple[Profile, ...], url: str | None, html: str | None = None
) -> Meta:
    metas = _metas(tree)
    lds = _ld_objects(tree)
    articles = [o for o in lds if _ld_type(o) & _ARTICLE_TYPES]
    meta = Meta(ld=lds)
    html_node = tree.css_first("html")
    meta.lang = (html_node.attributes.get("lang") or None) if html_node else None
    meta.site_names = tuple(
        n
        for n in (
            metas.get("og:site_name"),
            metas.get("apple-mobile-web-app-title"),
            metas.get("application-name"),
        )
        if n
    )
    canonical = tree.css_first('link[rel="canonical"][href]')
    meta.url = (canonical.attributes.get("href") if canonical else None) or metas.get("og:url") or url
    if meta.url and not meta.url.startswith(("http://", "https://")):
        meta.url = url
    # og:type is not evidence: Vietnamese CMSes set og:type=article on section pages too.
    meta.article_marked = bool(
        articles or "article:published_time" in metas or tree.css_first("[itemprop=datePublished]")
    )

    # Headline.
    h1 = next((t for n in tree.css("h1") if (t := _clean(n.text(deep=True, separator=" ")))), "")
    meta.h1 = h1
    title_node = tree.css_first("title")
    page_title = _clean(title_node.text()) if title_node else ""
    ld_headline = next((_clean(o["headline"]) for o in articles if isinstance(o.get("headline"), str)), "")
    og_title = _clean(metas.get("og:title") or metas.get("twitter:title") or metas.get("title"))
    reference = og_title or ld_headline or page_title
    if h1 and (not reference or _similar(h1, reference) or _similar(reference, h1)) and len(h1) < 400:
        meta.title = h1
    else:
        meta.title = strip_site_suffix(og_title or ld_headline or page_title or h1, meta.site_names)

    # Dates: JSON-LD, then meta tags, then <time>, then the profile's visible date.
    candidates: list[str] = []
    for obj in articles:
        for key in ("datePublished", "dateCreated"):
            if isinstance(obj.get(key), str):
                candidates.append(obj[key])
    candidates += [metas[k] for k in _DATE_META if k in metas]
    for node in tree.css("[itemprop=datePublished]"):
        attr = node.attributes.get("datetime") or node.attributes.get("content")
        candidates.append(attr or node.text())
    candidates += _css_text(tree, tuple(s for p in profiles for s in p.date), limit=200)
    for node in tree.css("time[datetime]")[:2]:
        candidates.append(node.attributes.get("datetime") or "")
    for raw in candidates:
        published = parse_date(raw)
        if published is not None:
            meta.published = published
            break
    if meta.published is None:
        meta.published = _fallback_date(tree, meta.url or url, html)
    for modified in [o.get("dateModified") for o in articles] + [metas.get("article:modified_time")]:
        updated = parse_date(modified) if isinstance(modified, str) else None
        if isinstance(updated, datetime):
            meta.updated = updated
            break

    # Authors: visible byline, JSON-LD persons, meta tags (not the publisher's own name).
    names: list[str] = []
    for text in _css_text(tree, tuple(s for p in profiles for s in p.author), limit=200):
        names += split_byline(text, meta.site_names)
        if names:
            break
    ld_names: list[str] = []
    for obj in articles:
        for raw in _ld_names(obj.get("author")):
            ld_names += split_byline(_clean(raw), meta.site_names)
    if len(ld_names) > len(names):
        names = ld_names
    if not names:
        for key in _AUTHOR_META:
            if key in metas:
                names += split_byline(_clean(metas[key]), meta.site_names)
    meta.authors = tuple(dict.fromkeys(names))

    leads = _css_text(tree, tuple(s for p in profiles for s in p.lead), limit=2000, min_len=30)
    meta.lead = leads[0] if leads else ""
    return meta
