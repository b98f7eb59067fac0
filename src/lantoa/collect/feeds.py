"""RSS/Atom feeds and XML sitemaps (indexes, Google News sitemaps, gzip'ed) to article URLs.

Parsing is separate from fetching so that both work on bytes from anywhere. XML from the web
is untrusted: the sitemap parser resolves no entities and loads nothing from the network.
"""

from __future__ import annotations

import gzip
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime

import feedparser
from lxml import etree

from lantoa.collect.urls import normalize_url
from lantoa.errors import InputError

MAX_DECOMPRESSED = 50 * 1024 * 1024
"""Sitemaps are limited to 50 MB uncompressed by the protocol; more is a zip bomb."""


class FeedError(InputError):
    """A feed or sitemap is broken; the message says how."""


@dataclass(frozen=True)
class Sitemap:
    """What one sitemap document lists: article URLs, or further sitemaps (an index)."""

    urls: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()


def gunzip_limited(data: bytes, limit: int = MAX_DECOMPRESSED) -> bytes:
    """Decompress gzip bytes, refusing more than ``limit`` bytes out (zip bombs)."""
    if not data.startswith(b"\x1f\x8b"):
        return data
    decompressor = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        out = decompressor.decompress(data, limit + 1)
    except zlib.error as exc:
        raise FeedError(f"broken gzip data: {exc}") from exc
    if len(out) > limit:
        raise FeedError(f"gzip data expands past {limit} bytes")
    if not decompressor.eof:
        raise FeedError("broken gzip data: truncated")
    return out


def sniff_xml_kind(data: bytes) -> str | None:
    """``feed``, ``sitemap`` or None (not XML we know), from the root element."""
    if data.startswith(b"\x1f\x8b"):
        try:
            head = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS).decompress(data[:65536], 4096)
        except zlib.error:
            return None
    else:
        head = data[:4096]
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if not text.startswith(b"<") or text.startswith((b"<!doctype html", b"<html")) or b"<html" in text[:512]:
        return None
    for marker in (b"<urlset", b"<sitemapindex", b":urlset", b":sitemapindex"):
        if marker in text:
            return "sitemap"
    for marker in (b"<rss", b"<feed", b"<rdf:rdf", b"<channel"):
        if marker in text:
            return "feed"
    return None


def _safe_parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=False
    )


def _fast_feed_links(data: bytes) -> list[str] | None:
    """Entry links of a well-formed RSS 1/2 or Atom feed with lxml; None to let feedparser try.

    feedparser is lenient but slow (it parses every field of every entry); most feeds are
    well-formed and only their links matter here.
    """
    try:
        root = etree.fromstring(data, parser=_safe_parser())
    except etree.XMLSyntaxError:
        return None
    if root is None:
        return None
    kind = etree.QName(root).localname.lower()
    links: list[str] = []
    if kind in ("rss", "rdf"):
        for item in root.iter("{*}item"):
            link = item.find("{*}link")
            if link is not None and link.text and link.text.strip():
                links.append(link.text.strip())
            else:
                guid = item.find("{*}guid")
                if guid is not None and (guid.text or "").strip().startswith(("http://", "https://")):
                    links.append((guid.text or "").strip())
        return links
    if kind == "feed":
        for entry in root.iter("{*}entry"):
            href = None
            for link in entry.findall("{*}link"):
                if link.get("rel", "alternate") == "alternate" and link.get("href"):
                    href = link.get("href")
                    break
            if href is None:
                ident = entry.find("{*}id")
                if ident is not None and (ident.text or "").strip().startswith(("http://", "https://")):
                    href = (ident.text or "").strip()
            if href:
                links.append(href)
        return links
    return None


def parse_feed(data: bytes, base_url: str) -> list[str]:
    """Normalised article URLs of an RSS or Atom feed, in feed order, each once."""
    fast = _fast_feed_links(data)
    if fast is not None:
        return _unique_normalized(fast, base_url)
    parsed = feedparser.parse(data, response_headers={"content-location": base_url})
    entries = parsed.get("entries") or []
    if parsed.get("bozo") and not entries:
        exc = parsed.get("bozo_exception")
        raise FeedError(f"broken feed: {str(exc).splitlines()[0] if exc else 'not RSS or Atom'}")
    if not parsed.get("version") and not entries:
        raise FeedError("not an RSS or Atom feed")
    links: list[str] = []
    for entry in entries:
        link = entry.get("link") or ""
        if not link:
            for alt in entry.get("links") or []:
                if alt.get("rel", "alternate") == "alternate" and alt.get("href"):
                    link = alt["href"]
                    break
        if not link and str(entry.get("id", "")).startswith(("http://", "https://")):
            link = str(entry["id"])
        if link:
            links.append(link)
    return _unique_normalized(links, base_url)


def _unique_normalized(links: list[str], base_url: str) -> list[str]:
    urls: list[str] = []
    seen: set[str] = set()
    for link in links:
        url = normalize_url(link, base_url)
        if url and url not in seen:
            seen.add(url)
            urls.append(url)
    return urls


def parse_sitemap(data: bytes, base_url: str) -> Sitemap:
    """URLs (``<urlset>``, news sitemaps included) or child sitemaps (``<sitemapindex>``)."""
    data = gunzip_limited(data)
    try:
        root = etree.fromstring(data, parser=_safe_parser())
    except etree.XMLSyntaxError as exc:
        raise FeedError(f"broken sitemap: {exc}") from exc
    if root is None:
        raise FeedError("broken sitemap: empty document")
    kind = etree.QName(root).localname
    if kind not in ("urlset", "sitemapindex"):
        raise FeedError(f"not a sitemap: root element <{kind}>")
    entries: list[tuple[str, str]] = []
    seen: set[str] = set()
    child = "url" if kind == "urlset" else "sitemap"
    for node in root:
        if not isinstance(node.tag, str) or etree.QName(node).localname != child:
            continue
        loc = None
        stamp = ""
        for sub in node.iter():
            if not isinstance(sub.tag, str) or not sub.text:
                continue
            name = etree.QName(sub).localname
            if name == "loc" and loc is None:
                loc = sub.text.strip()
            elif name in ("lastmod", "publication_date"):
                stamp = max(stamp, _utc_stamp(sub.text.strip()))
        url = normalize_url(loc, base_url) if loc else None
        if url and url not in seen:
            seen.add(url)
            entries.append((stamp, url))
    # Newest first (undated entries keep their order, last): a crawl budget is then spent on
    # today's news rather than on the archive an index often lists first.
    entries.sort(key=lambda e: e[0], reverse=True)
    locs = tuple(url for _stamp, url in entries)
    if kind == "urlset":
        return Sitemap(urls=locs)
    return Sitemap(sitemaps=locs)


def _utc_stamp(value: str) -> str:
    """A sortable UTC form of a W3C date-time; "" when it cannot be read."""
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return ""
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC).isoformat()


def gzip_bytes(data: bytes) -> bytes:
    """Small helper for writing gzip'ed sitemaps (tests, exports)."""
    return gzip.compress(data)
