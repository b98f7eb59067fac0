"""Golden files: the real Vietnamese pages of vn-pages-dev (manifest.json) and the two seed dumps."""

from __future__ import annotations

import json
import os
from datetime import date, datetime
from pathlib import Path

import pytest

from lantoa.extract import extract_page, parse_date
from lantoa.records import VN_TZ, FetchedPage, PageType

HERE = Path(__file__).parent
pytestmark = pytest.mark.shared_data


def _manifest(shared_data: Path) -> list[dict]:
    return json.loads((shared_data / "vn-pages-dev" / "manifest.json").read_text("utf-8"))


def _files() -> list[str]:
    # Same place as the `shared_data` fixture (tests/conftest.py), read at collection time.
    root = Path(os.environ.get("LANTOA_SHARED_DATA", HERE.parents[1].parent / "shared" / "data"))
    path = root / "vn-pages-dev" / "manifest.json"
    if not path.exists():
        return ["(no data)"]
    return [e["file"] for e in json.loads(path.read_text("utf-8"))]


@pytest.mark.parametrize("name", _files())
def test_vn_page(shared_data: Path, name: str) -> None:
    entry = next(e for e in _manifest(shared_data) if e["file"] == name)
    content = (shared_data / "vn-pages-dev" / name).read_bytes()
    article = extract_page(FetchedPage(url=entry.get("url") or "", content=content))
    expected_type = PageType.LISTING if entry["page_type"] == "list" else PageType.ARTICLE
    assert article.page_type is expected_type
    assert article.title
    assert article.language == "vi"
    if expected_type is PageType.LISTING:
        return
    if entry.get("title"):
        assert article.title == entry["title"]
    if entry.get("canonical_url_in_html"):
        assert article.url == entry["canonical_url_in_html"]
    expected = parse_date(entry["published_at"])
    assert isinstance(expected, datetime) and isinstance(article.published, datetime)
    assert article.published.tzinfo is not None
    assert article.published.astimezone(VN_TZ).replace(second=0) == expected.astimezone(VN_TZ).replace(
        second=0
    )
    for snippet in entry.get("text_contains") or []:
        assert snippet in article.text or snippet in article.lead
    assert len(article.paragraphs) >= 5
    authors = json.loads((HERE / "expected" / "vn_pages_authors.json").read_text("utf-8"))
    assert list(article.authors) == authors[name]
    for caption in article.captions:
        assert caption not in article.paragraphs
    for junk in ("Tin liên quan", "Bình luận", "Chia sẻ", "Copy link"):
        assert junk not in article.paragraphs


def test_vn_bylines_and_leads(shared_data: Path) -> None:
    folder = shared_data / "vn-pages-dev"

    def get(name: str):  # type: ignore[no-untyped-def]
        return extract_page(FetchedPage(url="", content=(folder / name).read_bytes()))

    tuoitre = get("tuoitre_article.html")
    assert tuoitre.authors == ("Nhật Xuân", "Nghi Vũ")
    assert tuoitre.lead.startswith("Xung đột ở khu vực Trung Đông")
    assert not any(p.startswith("Xung đột ở khu vực Trung Đông khiến") for p in tuoitre.paragraphs)
    assert get("cafef_article_batdongsan.html").authors == ("Hồ Hương",)  # "Theo Hồ Hương"
    assert get("dantri_article.html").lead.startswith("(Dân trí) - Giá vàng")
    vnexpress = get("vnexpress_article.html")
    assert vnexpress.captions and all("Ảnh" in c or len(c) > 10 for c in vnexpress.captions)


@pytest.mark.parametrize("name", ["000_51169f9f1104d907.txt", "003_eb43709f10d06637.txt"])
def test_seed_text_dump(shared_data: Path, name: str) -> None:
    expected = json.loads((HERE / "expected" / "seeds.json").read_text("utf-8"))[name]
    path = shared_data / "seeds" / name
    article = extract_page(FetchedPage(url="", content=path.read_bytes(), origin=str(path)))
    assert article.page_type is PageType.ARTICLE
    assert article.title.startswith(expected["title_starts"])
    assert article.published == (date.fromisoformat(expected["published"]) if expected["published"] else None)
    assert list(article.authors) == expected["authors"]
    for snippet in expected["text_contains"]:
        assert snippet in article.text
    for snippet in expected["text_lacks"]:
        assert snippet not in article.text
    assert article.language == "vi"
