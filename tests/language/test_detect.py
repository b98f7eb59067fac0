import pytest

from lantoa.language.detect import detect_language, is_vietnamese


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Công tác thông tin đối ngoại cần phối hợp chặt chẽ, nhịp nhàng", "vi"),
        ("Hà Nội", "vi"),
        ("Cong tac thong tin doi ngoai cua tinh trong nam nay va nam sau", "vi"),
        ("The Prime Minister met the delegation of the United States and said that", "en"),
        ("Le président de la République est arrivé dans la capitale pour une visite", "fr"),
        ("Die Bundesregierung hat mit der Delegation gesprochen und es ist nicht klar", "de"),
        ("中国外交部发言人表示", "zh"),
        ("สวัสดีครับ ประเทศไทย", "th"),
        ("", "und"),
        ("12345 678", "und"),
    ],
)
def test_detect_language(text: str, expected: str) -> None:
    assert detect_language(text) == expected


def test_english_article_quoting_vietnamese_names_is_english() -> None:
    text = (
        "Vietnam's Foreign Minister Bùi Thanh Sơn held talks with his counterpart in Hà Nội on "
        "Monday, and the two sides agreed to expand trade and investment in the coming years."
    )
    assert detect_language(text) == "en"
    assert not is_vietnamese(text)
