"""URL normalisation and link discovery.

The frontier deduplicates on the normalised URL, so two links to the same article that differ
only by a fragment, a tracking parameter or the order of query parameters are fetched once.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from selectolax.lexbor import LexborHTMLParser

TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "msclkid",
        "yclid",
        "zarsrc",
        "gidzl",
        "_ga",
        "_gl",
        "mc_cid",
        "mc_eid",
        "igshid",
        "ref",
        "ref_src",
        "src",
        "cmpid",
        "itm_source",
        "itm_medium",
        "itm_campaign",
        "vn_source",
        "vn_medium",
        "vn_campaign",
    }
)
TRACKING_PREFIXES = ("utm_", "itm_", "vn_", "pk_", "mtm_")
SKIP_EXTENSIONS = frozenset(
    ".jpg .jpeg .png .gif .webp .svg .ico .bmp .pdf .doc .docx .xls .xlsx .ppt .pptx .zip .rar .7z "
    ".mp3 .mp4 .avi .mov .wmv .flv .webm .css .js .json .xml .rss .exe .apk".split()
)
_DEFAULT_PORTS = {"http": 80, "https": 443}
_ARTICLE_ID = re.compile(r"\d{4,}")


def normalize_url(url: str, base: str | None = None) -> str | None:
    """Absolute, canonical form of ``url`` (joined to ``base``), or None when not http(s).

    Lower-case scheme and host, no default port, no fragment, no tracking parameters, query
    parameters sorted; the path is kept as written (servers treat it case-sensitively).
    """
    url = url.strip()
    if base:
        url = urljoin(base, url)
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        return None
    host = parts.hostname.lower().rstrip(".")
    if ":" in host:
        host = f"[{host}]"
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    if parts.username:
        netloc = f"{parts.username}@{netloc}"
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if k.lower() not in TRACKING_PARAMS and not k.lower().startswith(TRACKING_PREFIXES)
    ]
    query.sort()
    return urlunsplit((scheme, netloc, parts.path or "/", urlencode(query), ""))


def host_key(url: str) -> str:
    """Host without a leading ``www.``: links between www and bare host stay on one site."""
    host = (urlsplit(url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host


def same_site(url: str, other: str) -> bool:
    return host_key(url) == host_key(other)


def looks_like_article(url: str) -> bool:
    """Heuristic of Vietnamese news URLs: a long hyphenated slug or a numeric article id.

    ``/chinh-tri/le-ky-niem-80-nam-ngay-thanh-lap-123456.html``, ``/tin-tuc/-/asset/789012``,
    ``/Pages/TinTuc.aspx?ItemID=12345`` qualify; ``/``, ``/thoi-su`` or ``/lien-he`` do not.
    """
    parts = urlsplit(url)
    segment = parts.path.rstrip("/").rsplit("/", 1)[-1]
    if segment.count("-") >= 3:
        return True
    if _ARTICLE_ID.search(segment) or _ARTICLE_ID.search(parts.query):
        return True
    return False


def _skipped(url: str) -> bool:
    path = urlsplit(url).path.lower()
    dot = path.rfind(".")
    return dot > path.rfind("/") and path[dot:] in SKIP_EXTENSIONS


def discover_links(html: bytes | str, page_url: str, *, articles_only: bool = True) -> Iterator[str]:
    """Normalised same-site links of a listing page, in page order, each once.

    Scraped HTML is untrusted: only ``href`` values are read, never scripts; ``<base href>``
    is honoured as browsers do.
    """
    tree = LexborHTMLParser(html if isinstance(html, str) else html.decode("utf-8", "replace"))
    base = page_url
    base_node = tree.css_first("base[href]")
    if base_node is not None:
        base = urljoin(page_url, base_node.attributes.get("href") or "")
    seen: set[str] = set()
    self_url = normalize_url(page_url)
    for node in tree.css("a[href]"):
        href = node.attributes.get("href") or ""
        if not href or href.startswith(("#", "mailto:", "javascript:", "tel:", "data:")):
            continue
        url = normalize_url(href, base)
        if url is None or url == self_url or url in seen or not same_site(url, page_url) or _skipped(url):
            continue
        if articles_only and not looks_like_article(url):
            continue
        seen.add(url)
        yield url
