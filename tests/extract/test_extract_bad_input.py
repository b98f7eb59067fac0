"""Bad input: each gets a clear one-line ExtractionError (or a listing), never a crash or a hang."""

from __future__ import annotations

import gzip
import json

import pytest

from lantoa.errors import ExtractionError
from lantoa.extract import MAX_PARSE_BYTES, extract_page
from lantoa.records import FetchedPage, PageType

PARA = "Ủy ban nhân dân tỉnh đã tổ chức hội nghị triển khai công tác thông tin đối ngoại năm 2024, với nhiều nội dung."


def _page(content: bytes, **kw: object) -> FetchedPage:
    return FetchedPage(url="https://example.vn/tin/a.html", content=content, **kw)  # type: ignore[arg-type]


def _article_html(paragraphs: int = 10) -> str:
    body = "".join(f"<p>{PARA} Đoạn {i}.</p>" for i in range(paragraphs))
    return (
        '<html lang="vi"><head><title>Hội nghị thông tin đối ngoại - Báo Tỉnh</title></head><body>'
        f"<h1>Hội nghị thông tin đối ngoại</h1><p class='date'>Thứ hai, 23/10/2023 08:00 (GMT+7)</p>"
        f"<div class='main'>{body}</div></body></html>"
    )


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty"),
        (b"   \n\t  ", "empty"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3 binary", "PDF"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG"),
        (b"PK\x03\x04\x14\x00\x00\x00", "ZIP"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "JPEG"),
        (b"<html>\x00\x01\x02\x00garbage", "NUL"),
        (b"<html><head></head><body>  </body></html>", "no text"),
    ],
)
def test_rejected_with_one_line_reason(content: bytes, reason: str) -> None:
    with pytest.raises(ExtractionError) as info:
        extract_page(_page(content))
    message = str(info.value)
    assert reason.lower() in message.lower()
    assert "\n" not in message


def test_truncated_html_still_gives_the_article() -> None:
    html = _article_html().encode()
    cut = html[: int(len(html) * 0.7)]
    article = extract_page(_page(cut))
    assert article.title == "Hội nghị thông tin đối ngoại"
    assert article.paragraphs and article.paragraphs[0].startswith("Ủy ban nhân dân tỉnh")


def test_fifty_megabyte_page_is_capped_not_fatal() -> None:
    filler = "<div class='x'>" + ("<span>rác</span>" * 1000) + "</div>\n"
    head = _article_html().replace("</body></html>", "")
    big = (head + filler * ((50_000_000 // len(filler)) + 1)).encode()
    assert len(big) > 50_000_000
    article = extract_page(_page(big))
    assert article.title == "Hội nghị thông tin đối ngoại"
    assert PARA in article.text
    assert MAX_PARSE_BYTES < len(big)


def test_gzipped_page_is_unpacked() -> None:
    article = extract_page(_page(gzip.compress(_article_html().encode())))
    assert article.title == "Hội nghị thông tin đối ngoại"


def test_no_article_page_is_a_listing() -> None:
    items = "".join(
        f"<li><a href='/tin/{i}.html'>Tin số {i}: hội nghị triển khai nhiệm vụ năm 2024</a> 23.10.2024 | 16:17 PM</li>"
        for i in range(40)
    )
    html = f"<html><head><title>Thời sự - Báo Tỉnh</title></head><body><h1>Thời sự</h1><ul>{items}</ul></body></html>"
    article = extract_page(_page(html.encode()))
    assert article.page_type is PageType.LISTING
    assert article.title == "Thời sự"
    assert article.paragraphs == ()


def test_home_page_is_a_listing() -> None:
    page = FetchedPage(url="https://baotinh.vn/", content=_article_html(3).encode())
    assert extract_page(page).page_type is PageType.LISTING


def test_article_dates_and_boilerplate() -> None:
    html = _article_html().replace(
        "</div></body>",
        "</div><div class='related-news'><h3>Tin liên quan</h3><p>Tin khác rất dài về một chủ đề khác nữa.</p></div>"
        "<figure><img src='a.jpg'><figcaption>Quang cảnh hội nghị. Ảnh: Minh Hà</figcaption></figure>"
        "<footer>Bản quyền thuộc về Báo Tỉnh</footer></body>",
    )
    article = extract_page(_page(html.encode()))
    assert article.page_type is PageType.ARTICLE
    assert article.published is not None and article.published.isoformat() == "2023-10-23T08:00:00+07:00"
    assert "Tin khác rất dài" not in article.text and "Bản quyền" not in article.text
    assert "Quang cảnh hội nghị" not in article.text


def test_json_record() -> None:
    record = {
        "url": "https://baochinhphu.vn/a.htm",
        "title": "Hội nghị thông tin đối ngoại",
        "paragraphs": [PARA, PARA + " Hai."],
        "published": "2024-03-12T10:35:00+07:00",
        "authors": ["Hữu Lương – Ngọc Ánh"],
        "lead": "Sapo của bài.",
        "source": "baochinhphu",
    }
    page = FetchedPage(url="", content=json.dumps(record).encode(), content_type="application/json")
    article = extract_page(page)
    assert article.url == record["url"] and article.title == record["title"]
    assert article.authors == ("Hữu Lương", "Ngọc Ánh")
    assert article.lead == "Sapo của bài." and len(article.paragraphs) == 2
    assert article.source == "baochinhphu"
    assert article.published is not None and article.published.isoformat() == "2024-03-12T10:35:00+07:00"


@pytest.mark.parametrize("raw", [b'{"url": "x", "title": ', b"[1, 2, 3]", b'{"url": "x"}', b'{"title": 5}'])
def test_bad_json_record(raw: bytes) -> None:
    with pytest.raises(ExtractionError) as info:
        extract_page(FetchedPage(url="", content=raw, content_type="application/json"))
    assert "JSON" in str(info.value) and "\n" not in str(info.value)


def test_malformed_url_is_not_fatal() -> None:
    page = FetchedPage(url="http://[not-a-host", content=_article_html().encode())
    article = extract_page(page)
    assert article.title == "Hội nghị thông tin đối ngoại"
    assert PARA in article.text
