"""Bad input never crashes and never invents Vietnamese entities."""

from __future__ import annotations

from lantoa.language.entities import Entities, find_entities, looks_vietnamese

SAMPLE = (
    "Đồng chí Nguyễn Trọng Nghĩa, Bí thư Trung ương Đảng, Trưởng ban Tuyên giáo Trung ương dự hội nghị "
    "tại tỉnh Thái Bình về Kết luận số 57-KL/TW ngày 15/6/2023 của Bộ Chính trị; UBND tỉnh báo cáo.\n"
)


def test_empty_and_blank() -> None:
    assert find_entities("") == Entities()
    assert find_entities("   \n\t ", title="") == Entities()


def test_english_text_gets_no_vietnamese_entities() -> None:
    text = (
        "President Joe Biden met Prime Minister Pham Minh Chinh in Hanoi. Canada, Mexico and Cuba "
        "sent delegations; Le Monde and Reuters reported. Ha Noi and Ho Chi Minh City are growing."
    )
    assert not looks_vietnamese(text)
    assert find_entities(text) == Entities()


def test_vietnamese_detected() -> None:
    assert looks_vietnamese(SAMPLE)


def test_text_without_punctuation() -> None:
    text = SAMPLE.replace(",", " ").replace(".", " ").replace(";", " ").replace("\n", " ") * 50
    ent = find_entities(text)
    assert any(p.name == "Nguyễn Trọng Nghĩa" for p in ent.persons)
    assert ent.province == "Hưng Yên"


def test_five_megabytes() -> None:
    text = SAMPLE * (5_000_000 // len(SAMPLE))
    ent = find_entities(text)
    assert len(ent.persons) == 1 and ent.persons[0].mentions == text.count("Nguyễn Trọng Nghĩa")
    assert len(ent.documents) == 1


def test_control_characters_and_broken_unicode() -> None:
    text = "\x00\ufffd\ufffd Hội nghị \u200b tại tỉnh\u00a0Nghệ An\x07 ông Lê Văn A\r\n" * 3
    ent = find_entities(text)
    assert ent.province == "Nghệ An"


def test_headline_passed_twice_is_counted_once() -> None:
    title = "Thủ tướng Phạm Minh Chính thăm tỉnh Nghệ An"
    body = "Chiều nay, Thủ tướng Phạm Minh Chính làm việc tại tỉnh Hà Tĩnh."
    once = find_entities(body, title=title)
    twice = find_entities(f"{title}\n{body}", title=title)
    assert once == twice
    assert once.persons[0].mentions == 2
