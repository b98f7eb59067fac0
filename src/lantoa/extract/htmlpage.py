"""One HTML page -> ``Article``: metadata first (on the intact tree), then the body."""

from __future__ import annotations

import logging
from urllib.parse import SplitResult, urlsplit

from selectolax.lexbor import LexborHTMLParser

from lantoa.errors import ExtractionError
from lantoa.extract.authors import trailing_byline
from lantoa.extract.body import Body, block_key, clean_tree, extract_body, page_running_text, rescue
from lantoa.extract.dates import parse_date
from lantoa.extract.language import guess_language
from lantoa.extract.lexicon import profiles, site_profile
from lantoa.extract.meta import read_meta
from lantoa.records import Article, PageType

log = logging.getLogger(__name__)

_ARTICLE_MIN_CHARS = 400
"""Body text under which a page is a listing unless it says it is an article."""
_MARKED_MIN_CHARS = 150


def _split(url: str | None) -> SplitResult | None:
    """``urlsplit`` that takes a malformed URL (scraped links are untrusted) as no URL."""
    if not url:
        return None
    try:
        return urlsplit(url)
    except ValueError:
        return None


def _listing(url: str | None, body: Body, marked: bool) -> bool:
    """A home, section or listing page rather than an article.

    An article page says so (JSON-LD, article:published_time) or shows a body of running text;
    a listing shows teasers: short texts, many links, a date on every item.
    """
    parts = _split(url)
    if parts and parts.path in ("", "/") and not parts.query and not marked:
        return True
    if marked:
        return body.chars < _MARKED_MIN_CHARS
    date_lines = sum(1 for p in body.paragraphs if len(p) < 60 and parse_date(p) is not None)
    teasers = date_lines >= 3 and date_lines >= 0.2 * len(body.paragraphs)
    return body.chars < _ARTICLE_MIN_CHARS or body.link_density >= 0.4 or teasers


def extract_html(
    text: str, url: str | None, *, source: str | None = None, origin: str | None = None
) -> Article:
    """Parse ``text`` (decoded HTML) into an article or a listing page."""
    tree = LexborHTMLParser(text)
    if tree.body is None and tree.head is None:
        raise ExtractionError("not an HTML page: no <head> or <body>")
    generic, _sites = profiles()
    parts = _split(url)
    host = parts.hostname if parts else None
    meta_url = None
    site = site_profile(host)
    if site is None:
        canonical = tree.css_first('link[rel="canonical"][href]') or tree.css_first('meta[property="og:url"]')
        if canonical is not None:
            meta_url = canonical.attributes.get("href") or canonical.attributes.get("content")
            canonical_parts = _split(meta_url)
            site = site_profile(canonical_parts.hostname if canonical_parts else None)
    chain = (site, generic) if site else (generic,)
    meta = read_meta(tree, chain, url or meta_url, text)

    clean_tree(tree)
    skip = {block_key(meta.title), block_key(meta.h1), block_key(meta.lead)} - {""}
    body, container = extract_body(tree, chain, skip)
    if site is None:
        body = rescue(text, url or meta.url, body, page_running_text(tree), skip)
    paragraphs = list(body.paragraphs)
    authors = meta.authors
    tail, used = trailing_byline(paragraphs, meta.site_names)
    if used:
        paragraphs = paragraphs[:-used]
        authors = authors or tail
    if not meta.title and not paragraphs:
        raise ExtractionError("no text in page: neither a headline nor a body")

    page_type = PageType.ARTICLE
    if _listing(meta.url, body, meta.article_marked):
        page_type = PageType.LISTING
    title = meta.title or (paragraphs[0][:200] if paragraphs else "")
    language = guess_language(" ".join([title, meta.lead, *paragraphs[:20]]), meta.lang)
    if page_type is PageType.LISTING:
        return Article(
            url=meta.url,
            title=title,
            page_type=page_type,
            source=source,
            published=meta.published,
            language=language,
            fetched_url=url,
            origin=origin,
        )
    return Article(
        url=meta.url,
        title=title,
        page_type=page_type,
        source=source,
        published=meta.published,
        authors=authors,
        lead=meta.lead,
        paragraphs=tuple(paragraphs),
        captions=body.captions,
        language=language,
        fetched_url=url,
        origin=origin,
        updated=meta.updated,
    )
