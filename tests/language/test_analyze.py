import time

import pytest

from lantoa.errors import InputError
from lantoa.language import MAX_CHARS, analyze, analyze_text, text_article
from lantoa.language.legacy import encode_legacy
from lantoa.records import Article

ARTICLE = (
    "Thủ tướng tiếp Đại sứ Hoa Kỳ tại Hà Nội\n"
    "Chiều 5/3, tại Hà Nội, Thủ tướng đã tiếp Đại sứ Hoa Kỳ. Hai bên hội đàm về quan hệ song phương, "
    "hợp tác kinh tế và thương mại.\n"
    "Đại sứ khẳng định quan hệ hai nước đang phát triển tốt đẹp và mong muốn thúc đẩy hợp tác."
)


def test_analyze_text_vietnamese_article() -> None:
    analysis = analyze_text(ARTICLE)
    assert analysis.language == "vi"
    assert "doi-ngoai" in analysis.theme_slugs
    assert analysis.relevant
    assert analysis.topic is not None
    assert analysis.notes == ()


@pytest.mark.parametrize("text", ["", "   \n\n  ", "12345 678 !!!"])
def test_empty_text_is_a_clear_input_error(text: str) -> None:
    with pytest.raises(InputError):
        analyze_text(text)


def test_empty_article_is_a_clear_input_error() -> None:
    with pytest.raises(InputError, match="no text"):
        analyze(Article(url=None, title=""))


def test_other_language_says_so_and_invents_nothing() -> None:
    analysis = analyze_text(
        "Vietnam and the United States hold talks\n"
        "The two sides discussed trade, investment and the situation in the region, and agreed to "
        "deepen their comprehensive strategic partnership in the coming years."
    )
    assert analysis.language == "en"
    assert analysis.themes == () and analysis.persons == () and analysis.locations == ()
    assert analysis.topic is None and not analysis.relevant
    assert any("không phải tiếng Việt" in note for note in analysis.notes)


def test_mixed_legacy_encodings_are_repaired_first() -> None:
    head, *body = ARTICLE.split("\n")
    mixed = "\n".join([head, encode_legacy(body[0], "tcvn3"), encode_legacy(body[1], "vni")])
    analysis = analyze_text(mixed)
    assert analysis.theme_slugs == analyze_text(ARTICLE).theme_slugs
    assert any("tcvn3" in note and "vni" in note for note in analysis.notes)


def test_five_megabyte_text_is_cut_with_a_note() -> None:
    paragraph = "Tỉnh tổ chức hội nghị quán triệt Nghị quyết của Bộ Chính trị về công tác cán bộ. " * 20
    text = "Hội nghị quán triệt Nghị quyết\n" + "\n".join([paragraph] * 3200)
    assert len(text) > 5_000_000
    start = time.perf_counter()
    analysis = analyze_text(text)
    assert time.perf_counter() - start < 30
    assert "chi-dao-dang" in analysis.theme_slugs
    assert any(str(MAX_CHARS) in note for note in analysis.notes)


def test_text_without_punctuation_or_line_breaks() -> None:
    words = "công tác thông tin đối ngoại tuyên truyền quảng bá hình ảnh Việt Nam ra thế giới " * 400
    analysis = analyze_text(words)
    assert analysis.language == "vi"
    assert "thong-tin-doi-ngoai" in analysis.theme_slugs


def test_pasted_page_lists_are_not_the_article() -> None:
    article = text_article(
        "Tiêu đề bài viết\nĐoạn thân bài.\nBộ đội biên phòng tuần tra (12/3/2024)\n"
        "Tin cùng chuyên mục\nTập trận hải quân trên Biển Đông"
    )
    assert article.title == "Tiêu đề bài viết"
    assert article.paragraphs == ("Đoạn thân bài.",)


def test_entities_are_passed_through() -> None:
    from lantoa.language.entities import find_entities

    text = (
        "BTV Thị ủy Cửa Lò quán triệt Kết luận số 57-KL/TW\n"
        "Đồng chí Nguyễn Văn An, Bí thư Thị ủy Cửa Lò, chủ trì hội nghị quán triệt Kết luận số 57-KL/TW "
        "ngày 15/6/2023 của Bộ Chính trị về công tác thông tin đối ngoại."
    )
    article = text_article(text)
    analysis = analyze(article)
    found = find_entities(article.full_text, title=article.title)
    assert analysis.persons == found.persons
    assert analysis.organizations == found.organizations
    assert analysis.locations == found.locations
    assert analysis.documents == found.documents
    assert analysis.province == found.province
    assert any(d.symbol == "57-KL/TW" for d in analysis.documents)
