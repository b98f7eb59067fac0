"""Charset guessing: windows-1258 with a wrong <meta charset>, broken UTF-8, BOMs."""

from __future__ import annotations

import codecs
import unicodedata

import pytest

from lantoa.errors import ExtractionError
from lantoa.extract import decode_html, extract_page
from lantoa.records import FetchedPage

TONES = "\u0300\u0301\u0303\u0309\u0323"
TEXT = "Công tác thông tin đối ngoại của tỉnh Nghệ An được triển khai đồng bộ, hiệu quả."


def _cp1258(text: str) -> bytes:
    """Encode as legacy sites do: cp1258 letters (â, ơ, ư...) plus a combining tone mark."""
    out = bytearray()
    for ch in text:
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        parts = unicodedata.normalize("NFD", ch)
        tones = "".join(c for c in parts if c in TONES)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONES))
        out += (base + tones).encode("cp1258")
    return bytes(out)


def test_windows_1258_declared_as_utf8_in_meta() -> None:
    page = f'<html><head><meta charset="utf-8"><title>Tin</title></head><body><p>{TEXT}</p></body></html>'
    text, encoding = decode_html(_cp1258(page))
    assert encoding == "cp1258"
    assert TEXT in text
    assert text == unicodedata.normalize("NFC", text)


def test_windows_1258_declared_as_latin1_by_http() -> None:
    page = f"<html><body><p>{TEXT}</p></body></html>"
    text, encoding = decode_html(_cp1258(page), declared="iso-8859-1")
    assert encoding == "cp1258"
    assert TEXT in text


def test_latin1_hint_kept_for_a_german_page() -> None:
    page = "<html><body><p>Die Straße führt über den Fluß, schön.</p></body></html>".encode("cp1252")
    text, encoding = decode_html(page, declared="iso-8859-1")
    assert "Straße führt über" in text
    assert encoding == "cp1252"


def test_invalid_utf8_bytes_are_replaced_not_fatal() -> None:
    page = f"<html><body><p>{TEXT}</p></body></html>".encode() + b"\xff\xfe\xfa" + "<p>Hết.</p>".encode()
    text, encoding = decode_html(page)
    assert encoding == "utf-8"
    assert TEXT in text and "Hết." in text


@pytest.mark.parametrize(
    ("bom", "codec"),
    [(codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")],
)
def test_boms(bom: bytes, codec: str) -> None:
    page = f"<html><body><p>{TEXT}</p></body></html>"
    text, _ = decode_html(bom + page.encode(codec))
    assert TEXT in text
    assert not text.startswith("\ufeff")


def test_cp1258_page_extracts_with_precomposed_letters() -> None:
    body = "".join(f"<p>{TEXT} Đoạn {i}, các cấp ủy tiếp tục quán triệt chủ trương.</p>" for i in range(8))
    page = (
        '<html lang="vi"><head><meta charset="utf-8"><title>Hội nghị thông tin đối ngoại - Báo Nghệ An</title>'
        '<meta property="article:published_time" content="2023-10-11T08:00:00+07:00"></head>'
        f"<body><h1>Hội nghị thông tin đối ngoại</h1><div class='content'>{body}</div></body></html>"
    )
    article = extract_page(FetchedPage(url="https://baonghean.vn/a.html", content=_cp1258(page)))
    assert article.title == "Hội nghị thông tin đối ngoại"
    assert TEXT in article.text
    assert article.language == "vi"


def test_utf16_without_bom_is_a_clear_binary_error() -> None:
    with pytest.raises(ExtractionError):
        extract_page(FetchedPage(url="x", content="<html><body>á</body></html>".encode("utf-16-le")))
