"""Organisations (abbreviations expanded, local bodies keep their level and place) and documents."""

from __future__ import annotations

from datetime import date

import pytest

from lantoa.language.entities import find_entities


def _orgs(text: str) -> dict[str, tuple[str, str]]:
    return {o.name: (o.full_name, o.kind) for o in find_entities(text).organizations}


@pytest.mark.parametrize(
    ("abbr", "full", "kind"),
    [
        ("MTTQ", "Mặt trận Tổ quốc Việt Nam", "mass"),
        ("TTXVN", "Thông tấn xã Việt Nam", "press"),
        ("EC", "Ủy ban châu Âu", "foreign"),
        ("ASEAN", "Hiệp hội các quốc gia Đông Nam Á", "foreign"),
        ("LHQ", "Liên hợp quốc", "foreign"),
        ("BCH TW", "Ban Chấp hành Trung ương Đảng", "party"),
        ("UBTVQH", "Ủy ban Thường vụ Quốc hội", "state"),
    ],
)
def test_abbreviations_expand(abbr: str, full: str, kind: str) -> None:
    assert _orgs(f"Đại diện {abbr} đã phát biểu tại hội nghị về công tác đối ngoại.")[abbr] == (full, kind)


def test_local_bodies_keep_level_and_place() -> None:
    text = "UBND tỉnh Nghệ An và HĐND thị xã họp với BTV Thị ủy Cửa Lò tại thị xã Cửa Lò."
    found = _orgs(text)
    assert found["UBND tỉnh Nghệ An"] == ("Ủy ban nhân dân tỉnh Nghệ An", "state")
    # The text names one thị xã: "HĐND thị xã" is that town's council.
    assert found["HĐND thị xã"] == ("Hội đồng nhân dân thị xã Cửa Lò", "state")
    assert found["BTV Thị ủy Cửa Lò"] == ("Ban Thường vụ Thị ủy Cửa Lò", "party")


def test_press_and_generic_bodies() -> None:
    found = _orgs("Theo Báo Nhân Dân và Sở Ngoại vụ tỉnh Quảng Ninh, Tập đoàn Viettel đã ký kết.")
    assert found["Báo Nhân Dân"][1] == "press"
    assert found["Sở Ngoại vụ tỉnh Quảng Ninh"] == ("Sở Ngoại vụ tỉnh Quảng Ninh", "state")
    assert found["Tập đoàn Viettel"][1] == "business"


def _docs(text: str):  # type: ignore[no-untyped-def]
    return find_entities(text).documents


def test_full_citation() -> None:
    (doc,) = _docs("Triển khai Kết luận số 57-KL/TW ngày 15/6/2023 của Bộ Chính trị về thông tin đối ngoại.")
    assert (doc.type, doc.number, doc.symbol, doc.issuer, doc.date) == (
        "Kết luận",
        "57",
        "57-KL/TW",
        "Bộ Chính trị",
        date(2023, 6, 15),
    )
    assert doc.surface == "Kết luận số 57-KL/TW ngày 15/6/2023 của Bộ Chính trị"


@pytest.mark.parametrize(
    ("text", "kind", "number", "symbol", "issuer"),
    [
        (
            "Theo Nghị định số 357/2025/NĐ-CP của Chính phủ.",
            "Nghị định",
            "357",
            "357/2025/NĐ-CP",
            "Chính phủ",
        ),
        (
            "Thực hiện Nghị định 357/2025/NĐ-CP, các bộ triển khai.",
            "Nghị định",
            "357",
            "357/2025/NĐ-CP",
            "Chính phủ",
        ),
        ("Theo Nghị quyết 60-NQ/TW, tỉnh sắp xếp lại.", "Nghị quyết", "60", "60-NQ/TW", None),
        (
            "Căn cứ Quyết định 1654/NQ-UBTVQH15 về sắp xếp.",
            "Quyết định",
            "1654",
            "1654/NQ-UBTVQH15",
            "Ủy ban Thường vụ Quốc hội",
        ),
        ("Chỉ thị số 12-CT/TW của Ban Bí thư được quán triệt.", "Chỉ thị", "12", "12-CT/TW", "Ban Bí thư"),
    ],
)
def test_citation_forms(text: str, kind: str, number: str, symbol: str, issuer: str | None) -> None:
    (doc,) = _docs(text)
    assert (doc.type, doc.number, doc.symbol, doc.issuer) == (kind, number, symbol, issuer)


def test_date_in_words_and_without_number() -> None:
    docs = _docs(
        "Nghị quyết số 60-NQ/TW ngày 12 tháng 4 năm 2025 của Ban Chấp hành Trung ương. "
        "Thực hiện Nghị quyết Đại hội XIII của Đảng."
    )
    assert [(d.symbol, d.date, d.issuer) for d in docs] == [
        ("60-NQ/TW", date(2025, 4, 12), "Ban Chấp hành Trung ương"),
        (None, None, "Đại hội XIII"),
    ]


def test_same_document_cited_differently_is_one() -> None:
    docs = _docs(
        "Kết luận số 57-KL/TW ngày 15/6/2023 của Bộ Chính trị nêu rõ nhiệm vụ. "
        "Quán triệt Kết luận 57 đến cán bộ; Kết luận số 57-KL/TW của Bộ Chính trị là định hướng."
    )
    assert len(docs) == 1 and docs[0].date == date(2023, 6, 15)


def test_ordinary_words_are_not_documents() -> None:
    assert _docs("Các đơn vị xây dựng kế hoạch và quyết định nhanh; báo cáo kết quả thông báo sau.") == ()


def test_one_ordinary_syllable_is_not_an_organisation_name() -> None:
    found = _orgs("Sở Giao thông công chính và Công ty Kinh doanh nước sạch làm việc với Hội An.")
    assert not {"Sở Giao", "Công ty Kinh", "Hội An"} & set(found)
    # A brand (no Vietnamese syllable) or an acronym is a name on its own.
    found = _orgs("Tập đoàn Samsung và Công ty FPT ký kết hợp tác.")
    assert found["Tập đoàn Samsung"][1] == "business" and found["Công ty FPT"][1] == "business"


def test_laws_are_named_and_kept_apart() -> None:
    docs = _docs(
        "Luật Đất đai năm 2013 và Luật Doanh nghiệp được sửa; Bộ luật Tố tụng hình sự cũng vậy. "
        "Sinh viên Trường Đại học Luật Hà Nội và Công ty Luật Minh Khuê tham gia góp ý Luật Đất đai."
    )
    assert [(d.type, d.surface) for d in docs] == [
        ("Luật Đất đai", "Luật Đất đai năm 2013"),
        ("Luật Doanh nghiệp", "Luật Doanh nghiệp"),
        ("Bộ luật Tố tụng hình sự", "Bộ luật Tố tụng hình sự"),
    ]


def test_issuer_after_a_comma_needs_cua() -> None:
    (doc,) = _docs("Theo Nghị định 54/CP, Bộ Khoa học và Công nghệ hướng dẫn thực hiện.")
    assert doc.issuer is None and doc.symbol == "54/CP"


def test_state_body_followed_by_a_country_is_foreign() -> None:
    found = _orgs("Bộ Ngoại giao Nhật Bản và Quốc hội Hàn Quốc làm việc với Bộ Ngoại giao Việt Nam.")
    assert found["Bộ Ngoại giao Nhật Bản"][1] == "foreign" and found["Quốc hội Hàn Quốc"][1] == "foreign"
    assert found["Bộ Ngoại giao"] == ("Bộ Ngoại giao", "state")


@pytest.mark.parametrize(
    ("text", "issuer"),
    [
        (
            "Nghị quyết số 18-NQ/TW ngày 25/10/2017 của Hội nghị lần thứ sáu Ban Chấp hành Trung ương Đảng khóa XII.",
            "Hội nghị lần thứ sáu Ban Chấp hành Trung ương Đảng khóa XII",
        ),
        (
            "Kế hoạch số 25-KH/TU ngày 10/01/2024 của Ban Thường vụ Tỉnh ủy về đối ngoại.",
            "Ban Thường vụ Tỉnh ủy",
        ),
        ("Quán triệt Nghị quyết Trung ương 4 khóa XII về xây dựng Đảng.", "Hội nghị Trung ương 4 khóa XII"),
        ("Quyết định số 1079/QĐ-UBND ngày 3-4-2024 của UBND tỉnh Nghệ An.", "UBND tỉnh Nghệ An"),
    ],
)
def test_party_issuers(text: str, issuer: str) -> None:
    (doc,) = _docs(text)
    assert doc.issuer == issuer
