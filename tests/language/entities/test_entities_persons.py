"""People and titles on the forms officers meet: chains, dashes, titles before names, references."""

from __future__ import annotations

from lantoa.language.entities import find_entities


def _persons(text: str) -> dict[str, tuple[tuple[str, ...], int]]:
    return {p.name: (p.titles, p.mentions) for p in find_entities(text).persons}


def test_comma_chain_is_one_person_with_three_titles() -> None:
    text = (
        "Đồng chí Nguyễn Trọng Nghĩa, Bí thư Trung ương Đảng, Trưởng ban Tuyên giáo Trung ương, "
        "Trưởng ban Chỉ đạo công tác thông tin đối ngoại dự và chỉ đạo hội nghị."
    )
    assert _persons(text) == {
        "Nguyễn Trọng Nghĩa": (
            (
                "Bí thư Trung ương Đảng",
                "Trưởng ban Tuyên giáo Trung ương",
                "Trưởng ban Chỉ đạo công tác thông tin đối ngoại",
            ),
            1,
        )
    }


def test_dash_form() -> None:
    text = "Dự có đồng chí Lê Thanh Long – Phó Bí thư Thường trực Thị ủy, Chủ tịch HĐND thị xã cùng các đồng chí."
    assert _persons(text)["Lê Thanh Long"][0] == ("Phó Bí thư Thường trực Thị ủy", "Chủ tịch HĐND thị xã")


def test_titles_before_names_and_later_references() -> None:
    text = (
        "Thủ tướng Phạm Minh Chính và Bộ trưởng Ngoại giao Bùi Thanh Sơn đã tiếp Đoàn. "
        "Thủ tướng nhấn mạnh quan hệ hữu nghị. Ông Sơn cho biết hai bên sẽ phối hợp."
    )
    found = _persons(text)
    assert found["Phạm Minh Chính"] == (("Thủ tướng",), 2)
    assert found["Bùi Thanh Sơn"] == (("Bộ trưởng Ngoại giao",), 2)
    assert len(found) == 2


def test_title_chain_before_name_and_appointment() -> None:
    found = _persons(
        "Tổng Bí thư, Chủ tịch nước Tô Lâm dự lễ. Đồng chí Trần Thanh Mẫn được bầu làm Chủ tịch Quốc hội."
    )
    assert found["Tô Lâm"] == (("Tổng Bí thư", "Chủ tịch nước"), 1)
    assert found["Trần Thanh Mẫn"][0] == ("Chủ tịch Quốc hội",)


def test_title_keeps_a_whole_organisation_name() -> None:
    found = _persons("Ông Nguyễn Chí Dũng, Bộ trưởng Bộ Kế hoạch và Đầu tư phát biểu.")
    assert found["Nguyễn Chí Dũng"][0] == ("Bộ trưởng Bộ Kế hoạch và Đầu tư",)


def test_ambiguous_reference_is_not_linked() -> None:
    text = "Ông Nguyễn Văn Minh và ông Trần Quang Minh dự họp. Ông Minh cho biết sẽ báo cáo."
    found = _persons(text)
    assert found["Nguyễn Văn Minh"][1] == 1 and found["Trần Quang Minh"][1] == 1


def test_source_lines_and_bylines_are_not_persons() -> None:
    text = "Hội nghị diễn ra tại Hà Nội.\nTheo Nguyễn Văn An (TTXVN)\nHữu Lương – Ngọc Ánh"
    assert _persons(text) == {}


def test_place_and_body_names_are_not_persons() -> None:
    text = "Đoàn công tác của Bộ Công Thương làm việc tại Hà Nội và tỉnh Thái Bình, Lê Thanh Long chủ trì."
    assert set(_persons(text)) == {"Lê Thanh Long"}


def test_streets_schools_rivers_and_wards_are_not_persons() -> None:
    text = (
        "Học sinh Trường THPT Nguyễn Du trên đường Lý Thường Kiệt đi dọc sông Thái Bình. "
        "Cháy ở phố Kim Mã; ông Trần Văn Hải, Chủ tịch UBND phường, có mặt."
    )
    assert set(_persons(text)) == {"Trần Văn Hải"}


def test_lowercase_titles_and_glued_words() -> None:
    found = _persons(
        "Ông Nguyễn Thanh Hòa, Phó bí thư thường trực Huyện ủy Hòn Đất cho biết. Tại Hà NộiĐT tăng."
    )
    assert found == {"Nguyễn Thanh Hòa": (("Phó bí thư thường trực Huyện ủy Hòn Đất",), 1)}


def test_title_ends_after_the_body_it_names() -> None:
    found = _persons("Bà Hà Thị Khiết, Chủ tịch Hội Liên hiệp Phụ nữ VN tâm sự về chuyến đi.")
    assert found["Hà Thị Khiết"][0] == ("Chủ tịch Hội Liên hiệp Phụ nữ VN",)


def test_a_bare_title_repeating_a_fuller_one_is_dropped() -> None:
    text = "Chủ tịch Quốc hội Nguyễn Văn An phát biểu. Chủ tịch Nguyễn Văn An nhấn mạnh."
    assert _persons(text)["Nguyễn Văn An"] == (("Chủ tịch Quốc hội",), 2)


def test_foreign_leaders_named_after_their_title() -> None:
    text = (
        "Tổng thống Mỹ Joe Biden hội đàm với Tổng Bí thư Nguyễn Phú Trọng. Tổng thống Biden cho biết. "
        "Chủ tịch Trung Quốc Tập Cận Bình, Thủ tướng Campuchia Hun Manet và Tổng thống Putin. "
        "Đại sứ Hoa Kỳ tại Việt Nam Marc Knapper gặp Tổng Thư ký Liên hợp quốc António Guterres."
    )
    assert _persons(text) == {
        "Joe Biden": (("Tổng thống Mỹ",), 2),
        "Nguyễn Phú Trọng": (("Tổng Bí thư",), 1),
        "Tập Cận Bình": (("Chủ tịch Trung Quốc",), 1),
        "Hun Manet": (("Thủ tướng Campuchia",), 1),
        "Putin": (("Tổng thống",), 1),
        "Marc Knapper": (("Đại sứ Hoa Kỳ tại Việt Nam",), 1),
        "António Guterres": (("Tổng Thư ký Liên hợp quốc",), 1),
    }


def test_title_followed_by_another_name_belongs_to_that_name() -> None:
    found = _persons("Bộ trưởng Ngoại giao Bùi Thanh Sơn, Chủ tịch UBND tỉnh Nghệ An Nguyễn Đức Trung dự lễ.")
    assert found == {
        "Bùi Thanh Sơn": (("Bộ trưởng Ngoại giao",), 1),
        "Nguyễn Đức Trung": (("Chủ tịch UBND tỉnh Nghệ An",), 1),
    }


def test_no_foreign_person_from_ordinary_words() -> None:
    text = "Chủ tịch Quốc hội phát biểu; Chủ tịch Hội đồng quản trị và Tổng Giám đốc Vietcombank dự họp."
    assert _persons(text) == {}


def test_foreign_names_with_initials_regnal_numbers_and_surname_references() -> None:
    text = (
        "Tổng thống George W. Bush gặp Nữ hoàng Anh Elizabeth II. Thủ tướng Thaksin phát biểu. "
        "Tổng thống Bush nói. Thủ tướng Thái Lan Thaksin Shinawatra đáp lời. Hậu duệ người La Mã."
    )
    assert _persons(text) == {
        "George W. Bush": (("Tổng thống",), 2),
        "Elizabeth II": (("Nữ hoàng Anh",), 1),
        "Thaksin Shinawatra": (("Thủ tướng Thái Lan",), 2),
    }


def test_title_and_given_name_references() -> None:
    text = (
        "Đồng chí Nguyễn Trọng Nghĩa, Bí thư Trung ương Đảng, Trưởng ban Tuyên giáo Trung ương dự hội nghị. "
        "Đồng chí Trưởng ban nhấn mạnh nhiều nội dung. Ông Nghĩa cũng đề nghị."
    )
    assert _persons(text)["Nguyễn Trọng Nghĩa"][1] == 3
    # Two chairmen: "Đồng chí Chủ tịch" could be either, so it counts for neither.
    text = "Ông Trần Văn An, Chủ tịch UBND tỉnh và ông Lê Văn Bình, Chủ tịch HĐND tỉnh dự. Đồng chí Chủ tịch phát biểu."
    assert {name: n for name, (_, n) in _persons(text).items()} == {"Trần Văn An": 1, "Lê Văn Bình": 1}


def test_foreign_name_introduced_by_ong_with_title_chain() -> None:
    found = _persons(
        "Ông Jan Egeland, Phó Tổng Thư ký LHQ, cho biết. Ông Egeland nói thêm; ông Minh Tuấn đồng ý."
    )
    assert found == {"Jan Egeland": (("Phó Tổng Thư ký LHQ",), 2)}


def test_a_body_after_a_title_is_not_a_foreign_name() -> None:
    text = (
        "Bộ trưởng Bộ Thương mại và Chủ tịch Phòng Thương mại, Tổng Giám đốc Tổng Công ty Hàng không dự họp."
    )
    assert _persons(text) == {}
