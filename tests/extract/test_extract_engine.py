"""Engine pieces: bylines, the trafilatura second opinion, language, site profiles."""

from __future__ import annotations

from lantoa.extract import extract_page
from lantoa.extract.authors import split_byline, trailing_byline
from lantoa.extract.body import Body, rescue
from lantoa.extract.lexicon import site_profile
from lantoa.records import FetchedPage

EN = (
    "The provincial government held a conference on foreign information work, and the delegates "
    "agreed on a plan for the coming year with clear targets for every department."
)


def test_bylines() -> None:
    assert split_byline("NHẬT XUÂN-NGHI VŨ") == ("Nhật Xuân", "Nghi Vũ")
    assert split_byline("Hữu Lương – Ngọc Ánh") == ("Hữu Lương", "Ngọc Ánh")
    assert split_byline("Minh Anh và Thu Hà") == ("Minh Anh", "Thu Hà")
    assert split_byline("Theo TTXVN") == ("TTXVN",)
    assert split_byline("Dan Jervis-Bardy") == ("Dan Jervis-Bardy",)
    assert split_byline("baochinhphu.vn") == ()
    assert split_byline("TUOI TRE ONLINE") == ()


def test_trailing_attribution_leaves_the_body() -> None:
    paragraphs = ["Hội nghị đã thông qua kế hoạch năm 2024 với nhiều chỉ tiêu cụ thể.", "Theo TTXVN"]
    assert trailing_byline(paragraphs) == (("TTXVN",), 1)
    assert trailing_byline(["Một câu kết thúc bằng dấu chấm."]) == ((), 0)


def test_second_opinion_only_when_our_choice_is_thin() -> None:
    paragraphs = "".join(f"<p>{EN} Part {i}.</p>" for i in range(12))
    html = f"<html><body><article><h1>Conference</h1>{paragraphs}</article></body></html>"
    thin = Body(paragraphs=(EN,), captions=(), chars=len(EN), link_density=0.0)
    running = len(EN) * 12
    rescued = rescue(html, "https://example.org/a", thin, running, set())
    assert rescued.chars > 5 * thin.chars
    assert any("Part 11" in p for p in rescued.paragraphs)
    full = Body(paragraphs=(EN,) * 12, captions=(), chars=running, link_density=0.0)
    assert rescue(html, None, full, running, set()) is full


def test_english_page_language() -> None:
    html = (
        f"<html lang='en'><body><h1>Conference</h1>{''.join(f'<p>{EN}</p>' for _ in range(6))}</body></html>"
    )
    article = extract_page(FetchedPage(url="https://example.org/news/a.html", content=html.encode()))
    assert article.language == "en"


def test_site_profiles_match_hosts() -> None:
    profile = site_profile("m.tuoitre.vn")
    assert profile is not None and profile.name == "tuoitre-thanhnien"
    assert site_profile("vnexpress.net") is not None
    assert site_profile("notvnexpress.net") is None
