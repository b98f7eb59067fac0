"""Feed and sitemap parsing (bytes in, URLs out)."""

from __future__ import annotations

import gzip

import pytest

from lantoa.collect.feeds import FeedError, parse_feed, parse_sitemap, sniff_xml_kind

RSS = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Tin moi</title>
<item><title>Mot</title><link>https://vnexpress.net/bai-mot-4800001.html?utm_source=rss</link></item>
<item><title>Hai</title><link>/bai-hai-4800002.html</link></item>
<item><title>Mot lan nua</title><link>https://vnexpress.net/bai-mot-4800001.html</link></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom</title>
<entry><title>A</title><link rel="alternate" href="https://baochinhphu.vn/a-102230001.htm"/><id>x1</id></entry>
<entry><title>B</title><id>https://baochinhphu.vn/b-102230002.htm</id></entry>
</feed>"""

URLSET = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>https://nhandan.vn/a-post1.html</loc>
  <news:news><news:publication_date>2024-10-23T08:00:00+07:00</news:publication_date>
  <news:title>Tin</news:title></news:news></url>
<url><loc> https://nhandan.vn/b-post2.html#x </loc><lastmod>2024-10-22</lastmod></url>
</urlset>"""

INDEX = b"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>https://nhandan.vn/sitemaps/2024-10.xml</loc></sitemap>
<sitemap><loc>https://nhandan.vn/sitemaps/2024-09.xml.gz</loc></sitemap>
</sitemapindex>"""


def test_rss_links_normalised_and_unique() -> None:
    assert parse_feed(RSS, "https://vnexpress.net/rss/tin-moi-nhat.rss") == [
        "https://vnexpress.net/bai-mot-4800001.html",
        "https://vnexpress.net/bai-hai-4800002.html",
    ]


def test_atom_links_and_url_ids() -> None:
    assert parse_feed(ATOM, "https://baochinhphu.vn/rss") == [
        "https://baochinhphu.vn/a-102230001.htm",
        "https://baochinhphu.vn/b-102230002.htm",
    ]


@pytest.mark.parametrize("data", [b"<html><body>Not a feed</body></html>", b"", b"\x00\x01garbage"])
def test_broken_feeds_raise_clear_error(data: bytes) -> None:
    with pytest.raises(FeedError, match="feed"):
        parse_feed(data, "https://x.vn/rss")


def test_news_sitemap() -> None:
    sitemap = parse_sitemap(URLSET, "https://nhandan.vn/sitemap.xml")
    assert sitemap.urls == ("https://nhandan.vn/a-post1.html", "https://nhandan.vn/b-post2.html")
    assert sitemap.sitemaps == ()


def test_sitemap_index_and_gzip() -> None:
    sitemap = parse_sitemap(gzip.compress(INDEX), "https://nhandan.vn/sitemap.xml.gz")
    assert sitemap.sitemaps == (
        "https://nhandan.vn/sitemaps/2024-10.xml",
        "https://nhandan.vn/sitemaps/2024-09.xml.gz",
    )
    assert sitemap.urls == ()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<urlset><url><loc>https://x.vn/a</loc></url>", "broken sitemap"),
        (b"<html><body>x</body></html>", "not a sitemap: root element <html>"),
        (gzip.compress(URLSET)[:30], "broken gzip data"),
    ],
)
def test_broken_sitemaps(data: bytes, message: str) -> None:
    with pytest.raises(FeedError, match=message):
        parse_sitemap(data, "https://x.vn/sitemap.xml")


def test_sitemap_entities_are_not_expanded() -> None:
    evil = b"""<?xml version="1.0"?><!DOCTYPE u [<!ENTITY x SYSTEM "file:///etc/passwd">]>
    <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://x.vn/&x;</loc></url></urlset>"""
    sitemap = parse_sitemap(evil, "https://x.vn/sitemap.xml")
    assert all("root:" not in u for u in sitemap.urls)


def test_gzip_bomb_refused() -> None:
    bomb = gzip.compress(b"<urlset>" + b" " * 60_000_000)
    with pytest.raises(FeedError, match="expands past"):
        parse_sitemap(bomb, "https://x.vn/sitemap.xml.gz")


def test_sniff_xml_kind() -> None:
    assert sniff_xml_kind(RSS) == "feed"
    assert sniff_xml_kind(ATOM) == "feed"
    assert sniff_xml_kind(URLSET) == "sitemap"
    assert sniff_xml_kind(gzip.compress(INDEX)) == "sitemap"
    assert sniff_xml_kind(b"<!doctype html><html></html>") is None


def test_rss1_rdf_feed() -> None:
    rdf = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">
<channel rdf:about="https://x.vn/"><title>X</title></channel>
<item rdf:about="https://x.vn/a-1234.html"><title>A</title><link>https://x.vn/a-1234.html</link></item>
</rdf:RDF>"""
    assert parse_feed(rdf, "https://x.vn/rss") == ["https://x.vn/a-1234.html"]


def test_malformed_feed_falls_back_to_lenient_parser() -> None:
    # An unescaped "&" makes the XML invalid; many portals serve feeds like this.
    bad = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>Tin & Bai</title>
<item><title>A & B</title><link>https://x.vn/tin?id=123456&cat=2</link></item></channel></rss>"""
    assert parse_feed(bad, "https://x.vn/rss") == ["https://x.vn/tin?cat=2&id=123456"]


def test_sitemap_newest_first() -> None:
    xml = b"""<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
      xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
    <url><loc>https://x.vn/khong-ngay</loc></url>
    <url><loc>https://x.vn/cu</loc><lastmod>2023-01-05</lastmod></url>
    <url><loc>https://x.vn/moi</loc><news:news><news:publication_date>2024-10-23T08:00:00+07:00</news:publication_date></news:news></url>
    <url><loc>https://x.vn/giua</loc><lastmod>2024-10-23T00:30:00Z</lastmod></url>
    </urlset>"""
    # 08:00+07:00 is 01:00Z, later than 00:30Z.
    assert parse_sitemap(xml, "https://x.vn/sitemap.xml").urls == (
        "https://x.vn/moi",
        "https://x.vn/giua",
        "https://x.vn/cu",
        "https://x.vn/khong-ngay",
    )


def test_html_mentioning_feeds_is_not_a_feed() -> None:
    page = b'<!doctype html><html><head><link rel="alternate" type="application/rss+xml" href="/rss"></head>'
    page += b"<body><p>Xem <feed> va <rss> cua chung toi</p></body></html>"
    assert sniff_xml_kind(page) is None
