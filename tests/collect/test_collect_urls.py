"""URL normalisation and link discovery."""

from __future__ import annotations

from lantoa.collect.urls import discover_links, looks_like_article, normalize_url


def test_normalize_drops_fragment_tracking_and_sorts_query() -> None:
    url = "HTTPS://Tuoitre.VN:443/bai-viet-123.htm?utm_source=fb&b=2&a=1&fbclid=x#comments"
    assert normalize_url(url) == "https://tuoitre.vn/bai-viet-123.htm?a=1&b=2"


def test_normalize_relative_and_rejects_other_schemes() -> None:
    assert normalize_url("../tin/a-b-c-d.html", "http://x.vn/chuyen-muc/") == "http://x.vn/tin/a-b-c-d.html"
    assert normalize_url("http://x.vn:8080") == "http://x.vn:8080/"
    assert normalize_url("mailto:a@b.vn") is None
    assert normalize_url("javascript:void(0)") is None
    assert normalize_url("http://x.vn:99999/") is None


def test_looks_like_article() -> None:
    assert looks_like_article("https://nhandan.vn/le-ky-niem-80-nam-ngay-thanh-lap-post812345.html")
    assert looks_like_article("https://www.nghean.gov.vn/tin-tuc?ItemID=123456")
    assert not looks_like_article("https://nhandan.vn/chinhtri/")
    assert not looks_like_article("https://nhandan.vn/lien-he")


def test_discover_links_same_site_articles_once() -> None:
    html = """<html><head><base href="https://www.baonghean.vn/thoi-su/"></head><body>
      <a href="hoi-nghi-tong-ket-cong-tac-thong-tin-doi-ngoai-123456.html#top">A</a>
      <a href="/hoi-nghi-tong-ket-cong-tac-thong-tin-doi-ngoai-123456.html?utm_medium=x">A again</a>
      <a href="https://baonghean.vn/khac-bai-viet-moi-nhat-654321.html">bare host</a>
      <a href="https://othersite.vn/bai-viet-ngoai-trang-111111.html">other site</a>
      <a href="/lien-he">contact</a><a href="/anh/hinh-anh-dep-1234.jpg">image</a>
      <a href="mailto:toasoan@baonghean.vn">mail</a><a href="#">top</a>
    </body></html>"""
    links = list(discover_links(html, "https://www.baonghean.vn/thoi-su/"))
    assert links == [
        "https://www.baonghean.vn/thoi-su/hoi-nghi-tong-ket-cong-tac-thong-tin-doi-ngoai-123456.html",
        "https://www.baonghean.vn/hoi-nghi-tong-ket-cong-tac-thong-tin-doi-ngoai-123456.html",
        "https://baonghean.vn/khac-bai-viet-moi-nhat-654321.html",
    ]
    everything = list(discover_links(html, "https://www.baonghean.vn/thoi-su/", articles_only=False))
    assert "https://www.baonghean.vn/lien-he" in everything
    assert not any("othersite" in u or u.endswith(".jpg") for u in everything)


def test_failure_reasons_are_one_line() -> None:
    from lantoa.collect.text import one_line

    assert one_line("broken sitemap:\n  line 3\tcolumn 4") == "broken sitemap: line 3 column 4"
    assert len(one_line("x" * 1000)) == 300
