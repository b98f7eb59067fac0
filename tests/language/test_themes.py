from pathlib import Path

import pytest

from lantoa.errors import ConfigError
from lantoa.language import analyze_text
from lantoa.language.theme_rules import DEFAULT_RULES, SLUGS, load_rules, use_rules
from lantoa.language.themes import assign_themes, is_relevant

# taxonomy.md names the themes of the two seed articles.
SEEDS = {
    "000_51169f9f1104d907.txt": {
        "thong-tin-doi-ngoai", "bien-dao", "bien-gioi", "iuu", "doi-ngoai", "chi-dao-dang", "dau-tranh-tu-tuong",
    },
    "003_eb43709f10d06637.txt": {"chi-dao-dang", "thong-tin-doi-ngoai", "dau-tranh-tu-tuong"},
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_seed_themes(shared_data: Path, name: str) -> None:
    analysis = analyze_text((shared_data / "seeds" / name).read_text(encoding="utf-8"))
    assert set(analysis.theme_slugs) == SEEDS[name]
    assert analysis.relevant
    for hit in analysis.themes:
        assert hit.evidence, hit.slug


def test_shipped_rules_cover_taxonomy() -> None:
    rules = load_rules()
    assert [t.slug for t in rules.themes] == list(SLUGS)
    relevant = {t.slug for t in rules.themes if t.relevant}
    assert relevant == {
        "doi-ngoai", "bien-dao", "bien-gioi", "iuu", "dau-tranh-tu-tuong", "thong-tin-doi-ngoai",
        "nguoi-viet-nuoc-ngoai", "nhan-quyen-ton-giao",
    }  # fmt: skip


def test_evidence_names_the_deciding_phrases_and_sentence() -> None:
    hits = assign_themes(
        "Thủ tướng hội đàm với Thủ tướng Nhật Bản",
        paragraphs=["Hai bên nhất trí nâng quan hệ song phương lên đối tác chiến lược toàn diện."],
    )
    hit = {h.slug: h for h in hits}["doi-ngoai"]
    assert "hội đàm" in hit.evidence
    assert any("quan hệ song phương" in e and len(e) > 40 for e in hit.evidence)
    assert is_relevant(hits)


def test_passing_mention_is_not_a_theme() -> None:
    text = [
        "Giá rau quả tại chợ đầu mối tăng mạnh trong tuần qua do mưa kéo dài ở nhiều tỉnh phía Bắc.",
        "Tiểu thương cho biết hàng về ít, một số mặt hàng như cải bắp, su hào tăng giá gấp đôi.",
        "Một tiểu thương kể con trai anh từng đi làm ở vùng biên giới nhiều năm trước.",
    ]
    slugs = {h.slug for h in assign_themes("Giá rau tăng mạnh sau đợt mưa dài", paragraphs=text)}
    assert "bien-gioi" not in slugs


def test_tone_mark_placement_does_not_matter() -> None:
    a = assign_themes("Bảo vệ nền tảng tư tưởng, chống diễn biến hoà bình")
    b = assign_themes("Bảo vệ nền tảng tư tưởng, chống diễn biến hòa bình")
    assert [h.slug for h in a] == [h.slug for h in b] == ["dau-tranh-tu-tuong"]
    assert a[0].score == b[0].score


def test_foreign_parliament_is_not_vietnamese_party_state_work() -> None:
    hits = assign_themes(
        "Chủ tịch Quốc hội Singapore thăm chính thức Việt Nam",
        paragraphs=["Đoàn đại biểu Quốc hội Singapore đã hội đàm với lãnh đạo Việt Nam về quan hệ hai nước."],
    )
    slugs = {h.slug for h in hits}
    assert "doi-ngoai" in slugs and "chi-dao-dang" not in slugs


def test_user_rules_file_overrides(tmp_path: Path) -> None:
    custom = tmp_path / "themes.toml"
    text = DEFAULT_RULES.read_text(encoding="utf-8")
    custom.write_text(
        text.replace('"biên giới" = 2.0,', '"biên giới" = 2.0, "rau quả" = 9.0,', 1), encoding="utf-8"
    )
    try:
        use_rules(custom)
        hits = assign_themes("Rau quả tăng giá", paragraphs=["Rau quả tăng giá vì mưa."])
        assert "bien-gioi" in {h.slug for h in hits}
    finally:
        use_rules(None)
    assert "bien-gioi" not in {h.slug for h in assign_themes("Rau quả tăng giá")}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('slug = "iuu"', 'slug = "iuuu"'), "not one of taxonomy.md's themes"),
        (('"thẻ vàng" = 3.0', '"thẻ vàng" = "ba"'), "must be a number"),
        (("threshold = 6.0\nparagraph_min", "threshold = -1\nparagraph_min"), "[weights]"),
        (('\nscope = "vietnam"', '\nscope = "everywhere"'), "scope must be"),
        (("[weights]", "colour = 1\n[weights]"), "unknown key"),
        (("[[themes]]", "[[themes]\n"), "not valid TOML"),
    ],
)
def test_invalid_rules_give_one_clear_error(tmp_path: Path, change: tuple[str, str], message: str) -> None:
    bad = tmp_path / "themes.toml"
    text = DEFAULT_RULES.read_text(encoding="utf-8")
    assert change[0] in text
    bad.write_text(text.replace(change[0], change[1], 1), encoding="utf-8")
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace("]", r"\]")):
        load_rules(bad)


def test_missing_rules_file() -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_rules("/nonexistent/themes.toml")


def test_use_rules_reaches_worker_processes(tmp_path: Path) -> None:
    import multiprocessing
    import os
    from concurrent.futures import ProcessPoolExecutor

    custom = tmp_path / "themes.toml"
    text = DEFAULT_RULES.read_text(encoding="utf-8")
    custom.write_text(
        text.replace('"biên giới" = 2.0,', '"biên giới" = 2.0, "rau quả" = 9.0,', 1), encoding="utf-8"
    )
    try:
        use_rules(custom)
        assert os.environ["LANTOA_THEMES_FILE"] == str(custom.resolve())
        spawn = multiprocessing.get_context("spawn")  # a fresh interpreter: only the environment carries over
        with ProcessPoolExecutor(1, mp_context=spawn) as pool:
            slugs = pool.submit(_slugs_in_worker, "Rau quả tăng giá").result()
        assert "bien-gioi" in slugs
    finally:
        use_rules(None)
    assert "LANTOA_THEMES_FILE" not in os.environ


def _slugs_in_worker(headline: str) -> list[str]:
    return [h.slug for h in assign_themes(headline, paragraphs=[headline])]


def test_two_countries_in_headline_is_diplomacy_but_a_given_name_is_not_a_country() -> None:
    strikes = assign_themes(
        "Máy bay Israel không kích miền nam Libăng",
        paragraphs=["Các chiến đấu cơ đã tấn công nhiều mục tiêu, Liên Hợp Quốc kêu gọi kiềm chế."],
        topic="the-gioi",
    )
    assert "doi-ngoai" in {h.slug for h in strikes}
    singer = assign_themes(
        "Ca sĩ Tuấn Anh biểu diễn ở Singapore",
        paragraphs=["Đêm nhạc thu hút đông khán giả, ca sĩ hát nhiều ca khúc mới."],
        topic="the-gioi",
    )
    assert "doi-ngoai" not in {h.slug for h in singer}
