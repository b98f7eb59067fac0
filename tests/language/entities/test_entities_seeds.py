"""The two seed articles, read by a person: every entity listed here must be found, nothing invented.

Expected lists were written by reading ../shared/data/seeds/ (the texts stay there). The first seed
still carries its page's boilerplate ("Tin cùng chuyên mục", "Xem tin theo ngày"), whose people and
bodies are real mentions of the page and are expected too.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from lantoa.language.entities import Entities, find_entities

pytestmark = pytest.mark.shared_data


def _read(shared_data: Path, name: str) -> Entities:
    text = (shared_data / "seeds" / name).read_text(encoding="utf-8")
    title, _, body = text.partition("\n")
    return find_entities(body, title=title)


@pytest.fixture(scope="module")
def conference(shared_data: Path) -> Entities:
    return _read(shared_data, "000_51169f9f1104d907.txt")


@pytest.fixture(scope="module")
def cua_lo(shared_data: Path) -> Entities:
    return _read(shared_data, "003_eb43709f10d06637.txt")


# --- Seed 000: review conference of external-information work -----------------------------------

CONFERENCE_PERSONS = {
    "Nguyễn Trọng Nghĩa": (
        "Bí thư Trung ương Đảng",
        "Trưởng ban Tuyên giáo Trung ương",
        "Trưởng ban Chỉ đạo công tác thông tin đối ngoại",
    ),
    "Phạm Đồng Thụy": ("Ủy viên Ban Thường vụ", "Trưởng ban Tuyên giáo Tỉnh ủy"),
    "Nguyễn Phú Trọng": ("Tổng Bí thư",),
    "Trần Thanh Mẫn": ("Chủ tịch Quốc hội",),
    "Trương Tấn Sang": ("nguyên Chủ tịch nước",),
    "Hồ Chí Minh": ("Chủ tịch",),
    "Trần Cẩm Tú": (
        "Ủy viên Bộ Chính trị",
        "Thường trực Ban Bí thư",
        "Chủ nhiệm Ủy ban Kiểm tra Trung ương",
    ),
}
CONFERENCE_ORGS = {
    # full name -> kind
    "Ban Chấp hành Trung ương Đảng": "party",
    "Ban Tuyên giáo Trung ương": "party",
    "Ban Chỉ đạo công tác thông tin đối ngoại": "party",
    "Đảng Cộng sản Việt Nam": "party",
    "Nhà nước": "state",
    "Bộ Chính trị": "party",
    "Ban Bí thư": "party",
    "Ủy ban châu Âu": "foreign",
    "Ban Tuyên giáo Tỉnh ủy": "party",
    "Quốc hội": "state",
    "Hội đồng nhân dân tỉnh": "state",
    "Ủy ban Văn hóa, Giáo dục của Quốc hội": "state",
    "Ủy ban Kiểm tra Trung ương": "party",
    "Ban Thường vụ Tỉnh ủy": "party",
}
# Also acceptable (real bodies, partly named): prefixes of full names a careful reader may list.
CONFERENCE_ORGS_ALSO = (
    "Ban Thường vụ",
    "Thường trực Hội đồng nhân dân tỉnh",
    "Ban Chỉ đạo phòng, chống tham nhũng",
)


def test_conference_persons_and_titles(conference: Entities) -> None:
    found = {p.name: p.titles for p in conference.persons}
    assert found == CONFERENCE_PERSONS
    assert "Nguyễn Cường" not in found  # the byline is the author, not a person of the story


def test_conference_later_references_count_as_mentions(conference: Entities) -> None:
    nghia = next(p for p in conference.persons if p.name == "Nguyễn Trọng Nghĩa")
    # three full mentions and two "đồng chí Trưởng ban Tuyên giáo Trung ương, ..." references
    assert nghia.mentions == 5


def test_conference_organisations(conference: Entities) -> None:
    found = {o.full_name: o.kind for o in conference.organizations}
    for full, kind in CONFERENCE_ORGS.items():
        match = [f for f in found if f == full or f.startswith(full + " ")]
        assert match, f"missing {full}"
        assert found[match[0]] == kind
    for full in found:
        assert any(full.startswith(known) for known in (*CONFERENCE_ORGS, *CONFERENCE_ORGS_ALSO)), full
    ec = next(o for o in conference.organizations if o.full_name == "Ủy ban châu Âu")
    assert ec.name == "EC"


def test_conference_places_and_province(conference: Entities) -> None:
    by_name = {loc.name: loc for loc in conference.locations}
    assert set(by_name) == {"Việt Nam", "Biển Đông", "Thái Bình", "xã Đông Phương"}
    assert by_name["Việt Nam"].kind == "country"
    assert by_name["Biển Đông"].kind == "sea"
    assert (by_name["Thái Bình"].kind, by_name["Thái Bình"].province_now) == ("province", "Hưng Yên")
    # Many communes are called Đông Phương; the page's province (Thái Bình) decides which one.
    assert by_name["xã Đông Phương"].province_now == "Hưng Yên"
    assert conference.province == "Hưng Yên"


def test_conference_documents(conference: Entities) -> None:
    docs = conference.documents
    assert len(docs) == 2  # the Congress resolution is cited three ways, once as "đại hội XIII"
    congress = next(d for d in docs if d.type == "Nghị quyết")
    assert congress.number is None and congress.issuer == "Đại hội XIII"
    conclusion = next(d for d in docs if d.type == "Kết luận")
    assert (conclusion.number, conclusion.issuer) == ("57", "Bộ Chính trị")


# --- Seed 003: Cửa Lò town on Kết luận số 57-KL/TW ----------------------------------------------


def test_cua_lo_person(cua_lo: Entities) -> None:
    assert [(p.name, p.titles) for p in cua_lo.persons] == [
        ("Lê Thanh Long", ("Phó Bí thư Thường trực Thị ủy", "Chủ tịch HĐND thị xã"))
    ]


def test_cua_lo_organisations(cua_lo: Entities) -> None:
    found = {o.full_name: o for o in cua_lo.organizations}
    expected = {
        "Ban Thường vụ Thị ủy Cửa Lò": ("BTV Thị ủy Cửa Lò", "party"),
        "Ban Tuyên giáo Trung ương": ("Ban Tuyên giáo Trung ương", "party"),
        "Bộ Chính trị": ("Bộ Chính trị", "party"),
        "Thị ủy Cửa Lò": ("Thị ủy", "party"),
        "Hội đồng nhân dân thị xã Cửa Lò": ("HĐND thị xã", "state"),
        "Thường trực Thị ủy Cửa Lò": ("Thường trực Thị ủy", "party"),
        "Mặt trận Tổ quốc Việt Nam": ("MTTQ", "mass"),
        "Đảng ủy": ("Đảng ủy", "party"),
        "Đảng Cộng sản Việt Nam": ("Đảng", "party"),
        "Nhà nước": ("Nhà nước", "state"),
        "Liên hợp quốc": ("Liên hợp quốc", "foreign"),
        "Chính phủ": ("Chính phủ", "state"),
    }
    assert {k: (o.name, o.kind) for k, o in found.items()} == expected


def test_cua_lo_places_resolve_to_current_province(cua_lo: Entities) -> None:
    by_name = {loc.name: loc for loc in cua_lo.locations}
    assert set(by_name) == {"thị xã Cửa Lò", "Việt Nam"}
    cua = by_name["thị xã Cửa Lò"]
    assert (cua.kind, cua.code, cua.province_now) == ("district", "413", "Nghệ An")
    assert cua_lo.province == "Nghệ An"


def test_cua_lo_documents_merged(cua_lo: Entities) -> None:
    docs = {d.symbol or d.type: d for d in cua_lo.documents}
    assert set(docs) == {"57-KL/TW", "16-KL/TW", "Hiến chương", "Chương trình hành động"}
    kl57 = docs["57-KL/TW"]  # cited five times, one document
    assert (kl57.type, kl57.number, kl57.issuer, kl57.date) == (
        "Kết luận",
        "57",
        "Bộ Chính trị",
        date(2023, 6, 15),
    )
    kl16 = docs["16-KL/TW"]
    assert (kl16.number, kl16.issuer, kl16.date) == ("16", "Bộ Chính trị khóa XI", date(2012, 2, 14))
    assert docs["Hiến chương"].issuer == "Liên hợp quốc"
    assert docs["Chương trình hành động"].issuer == "Chính phủ"
