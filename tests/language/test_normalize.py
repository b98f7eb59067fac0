import unicodedata

import pytest

from lantoa.language.legacy import _TONES
from lantoa.language.normalize import (
    canonical,
    encode_legacy,
    fold,
    marked_characters,
    match_key,
    nfc,
    repair_legacy,
)

SENTENCE = (
    "Công tác thông tin đối ngoại cần phối hợp chặt chẽ, nhịp nhàng, thông suốt. "
    "Người Việt Nam ở nước ngoài luôn hướng về quê hương; Thủ tướng tiếp Đại sứ Hoa Kỳ."
)


@pytest.mark.parametrize(
    ("variant", "canon"),
    [
        ("hoà", "hòa"),
        ("hòa", "hòa"),
        ("thuỷ", "thủy"),
        ("Thuỷ", "Thủy"),
        ("HOÀ BÌNH", "HÒA BÌNH"),
        ("toà án", "tòa án"),
        ("uỷ ban", "ủy ban"),
        ("quý", "quý"),
        ("già", "già"),
        ("khuyến", "khuyến"),
        ("người", "người"),
        ("hoàn thành", "hoàn thành"),
        ("thuyết", "thuyết"),
        ("ngoài", "ngoài"),
        ("Quảng Trị", "Quảng Trị"),
    ],
)
def test_canonical_tone_placement(variant: str, canon: str) -> None:
    assert canonical(variant) == canon
    assert canonical(canon) == canon


def test_canonical_accepts_decomposed_input() -> None:
    decomposed = unicodedata.normalize("NFD", "Hoà Bình, Thuỷ")
    assert canonical(decomposed) == "Hòa Bình, Thủy"
    assert nfc(decomposed) == "Hoà Bình, Thuỷ"


def test_match_key_joins_spellings() -> None:
    assert match_key("Uỷ ban Nhân dân tỉnh Khánh Hoà") == match_key("ủy ban nhân dân tỉnh khánh hòa")


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Đồng chí Nguyễn Trọng Nghĩa", "Dong chi Nguyen Trong Nghia"),
        ("đối ngoại", "doi ngoai"),
        ("Trường Sa, Hoàng Sa", "Truong Sa, Hoang Sa"),
        (unicodedata.normalize("NFD", "Việt Nam"), "Viet Nam"),
        ("plain ASCII 123", "plain ASCII 123"),
        ("ÐẠI HỘI", "DAI HOI"),
    ],
)
def test_fold(text: str, folded: str) -> None:
    assert fold(text) == folded


@pytest.mark.parametrize("encoding", ["tcvn3", "vni"])
def test_legacy_round_trip(encoding: str) -> None:
    legacy = encode_legacy(SENTENCE, encoding)
    assert legacy != SENTENCE
    text, found = repair_legacy(legacy)
    assert found == encoding
    assert text == SENTENCE


def test_tcvn3_restores_capitals_in_all_caps_words() -> None:
    text, found = repair_legacy(encode_legacy("ĐỒNG CHÍ NGUYỄN TRỌNG NGHĨA", "tcvn3"))
    assert (text, found) == ("ĐỒNG CHÍ NGUYỄN TRỌNG NGHĨA", "tcvn3")


@pytest.mark.parametrize("codec", ["cp1252", "cp1258", "latin-1"])
def test_utf8_read_with_wrong_code_page(codec: str) -> None:
    mojibake = SENTENCE.encode("utf-8").decode(codec, errors="replace")
    text, found = repair_legacy(mojibake)
    # A byte that cp1252 leaves undefined is lost when replaced by U+FFFD; it is guessed from
    # what makes a valid syllable, so at most one of the two such words may differ here.
    wrong = [(a, b) for a, b in zip(text.split(), SENTENCE.split(), strict=True) if a != b]
    assert len(wrong) <= (1 if codec != "latin-1" else 0), wrong
    assert found is not None and found.startswith("utf-8/")


def _cp1258_bytes(text: str) -> bytes:
    """Windows-1258 keeps tone marks as combining characters after the base letter."""
    out = []
    for ch in text:
        parts = unicodedata.normalize("NFD", ch)
        tone = "".join(c for c in parts if c in _TONES)
        out.append(unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONES)) + tone)
    return "".join(out).encode("cp1258")


def test_cp1258_bytes_read_as_cp1252() -> None:
    text, found = repair_legacy(_cp1258_bytes(SENTENCE).decode("cp1252", errors="replace"))
    assert (text, found) == (SENTENCE, "cp1258/cp1252")


def test_viqr() -> None:
    text, found = repair_legacy("Co^ng ta'c tho^ng tin ddo^'i ngoa.i cu?a Vie^.t Nam ra^'t quan tro.ng.")
    assert found == "viqr"
    assert text == "Công tác thông tin đối ngoại của Việt Nam rất quan trọng."


def test_mixed_legacy_lines_each_repaired() -> None:
    mixed = "\n".join([SENTENCE, encode_legacy(SENTENCE, "tcvn3"), encode_legacy(SENTENCE, "vni")])
    text, found = repair_legacy(mixed)
    assert text.split("\n") == [SENTENCE] * 3
    assert found is not None and set(found.split("+")) == {"tcvn3", "vni"}


@pytest.mark.parametrize(
    "clean",
    [
        SENTENCE,
        "Anh ấy nói: «Đây là nhiệt độ 100°C» • ghi chú",
        "He said: see the address book (a+b) and more; 100°C is hot, «quoted» text.",
        "Cà phê, bánh mì và phở: những món ăn được du khách yêu thích nhất.",
    ],
)
def test_clean_text_left_alone(clean: str) -> None:
    assert repair_legacy(clean) == (clean, None)


def test_marked_characters_are_exactly_those_fold_changes() -> None:
    marked = set(marked_characters())
    assert {"đ", "Đ", "ế", "ư", "ơ", "\u0301"} <= marked
    for cp in range(0x20, 0x3000):
        ch = chr(cp)
        assert (fold(ch) != ch) == (ch in marked), ch
