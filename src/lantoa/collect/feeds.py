"""RSS/Atom feeds and XML sitemaps (indexes, Google News sitemaps, gzip'ed) to article URLs.

Parsing is separate from fetching so that both work on bytes from anywhere. XML from the web
is untrusted: the sitemap parser resolves no entities and loads nothing from the network.
"""

from __future__ import annotations

import gzip
import zlib
from dataclasses import dataclass

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
    if not text.startswith(b"<"):
        return None
    for marker in (b"<urlset", b"<sitemapindex", b":urlset", b":sitemapindex"):
        if marker in text:
            return "sitemap"
    for marker in (b"<rss", b"<feed", b"<rdf:rdf", b"<channel"):
        if marker in text:
            return "feed"
    return None


def parse_feed(data: bytes, base_url: str) -> list[str]:
    """Normalised article URLs of an RSS or Atom feed, in feed order, each once."""
    parsed = feedparser.parse(data, response_headers={"content-location": base_url})
    entries = parsed.get("entries") or []
    if parsed.get("bozo") and not entries:
        exc = parsed.get("bozo_exception")
        raise FeedError(f"broken feed: {str(exc).splitlines()[0] if exc else 'not RSS or Atom'}")
    if not parsed.get("version") and not entries:
        raise FeedError("not an RSS or Atom feed")
    urls: list[str] = []
    seen: set[str] = set()
    for entry in entries:
        link = entry.get("link") or ""
        if not link:
            for alt in entry.get("links") or []:
                if alt.get("rel", "alternate") == "alternate" and alt.get("href"):
                    link = alt["href"]
                    break
        if not link and str(entry.get("id", "")).startswith(("http://", "https://")):
            link = str(entry["id"])
        url = normalize_url(link, base_url) if link else None
        if url and url not in seen:
            seen.add(url)
            urls.append(url)
    return urls


def parse_sitemap(data: bytes, base_url: str) -> Sitemap:
    """URLs (``<urlset>``, news sitemaps included) or child sitemaps (``<sitemapindex>``)."""
    data = gunzip_limited(data)
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=False
    )
    try:
        root = etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise FeedError(f"broken sitemap: {exc}") from exc
    if root is None:
        raise FeedError("broken sitemap: empty document")
    kind = etree.QName(root).localname
    if kind not in ("urlset", "sitemapindex"):
        raise FeedError(f"not a sitemap: root element <{kind}>")
    locs: list[str] = []
    seen: set[str] = set()
    child = "url" if kind == "urlset" else "sitemap"
    for node in root:
        if not isinstance(node.tag, str) or etree.QName(node).localname != child:
            continue
        for sub in node:
            if isinstance(sub.tag, str) and etree.QName(sub).localname == "loc" and sub.text:
                url = normalize_url(sub.text.strip(), base_url)
                if url and url not in seen:
                    seen.add(url)
                    locs.append(url)
                break
    if kind == "urlset":
        return Sitemap(urls=tuple(locs))
    return Sitemap(sitemaps=tuple(locs))


def gzip_bytes(data: bytes) -> bytes:
    """Small helper for writing gzip'ed sitemaps (tests, exports)."""
    return gzip.compress(data)
