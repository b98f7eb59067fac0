"""The fixed mix of 200 realistic queries of the search benchmark.

Shares (of 200): 40 words typed with diacritics, 30 unaccented words, 30 quoted phrases,
30 boolean queries, 40 with a date range, 30 with a theme filter (some also with a date, a level
or a province). Built from fixed vocabularies with a fixed seed: every run, every backend,
the same 200 strings. Print them with ``.venv/bin/python benchmarks/search/queries.py``.
"""

from __future__ import annotations

import random

WORDS = (
    "Đảng", "Quốc hội", "Chính phủ", "hội nghị", "kinh tế", "đầu tư", "xuất khẩu", "giáo dục",
    "bóng đá", "y tế", "bệnh viện", "thị trường", "chứng khoán", "ngân hàng", "doanh nghiệp",
    "bảo hiểm", "môi trường", "du lịch", "văn hóa", "lễ hội", "cảnh sát", "tòa án", "tham nhũng",
    "biển Đông", "ngư dân", "an ninh", "quốc phòng", "hợp tác", "ngoại giao", "Trung Quốc",
    "Hoa Kỳ", "Nhật Bản", "Campuchia", "Lào", "Liên Hợp Quốc", "giá vàng", "xăng dầu", "lãi suất",
    "thể thao", "sinh viên", "học sinh", "nông dân", "lũ lụt", "bão", "giao thông", "tai nạn",
    "máy tính", "điện thoại", "internet", "phần mềm", "virus", "khoa học", "nghiên cứu", "ung thư",
    "đang", "thế giới", "thể thao", "hòa bình", "thủy điện", "hoà giải",
)  # fmt: skip
PHRASES = (
    "Bộ Chính trị", "Thủ tướng Chính phủ", "Ủy ban nhân dân", "thành phố Hồ Chí Minh", "Hà Nội",
    "biển Đông", "đội tuyển Việt Nam", "giá xăng dầu", "thị trường chứng khoán", "Ngân hàng Nhà nước",
    "Bộ Y tế", "Bộ Giáo dục và Đào tạo", "tổ chức thương mại thế giới", "đầu tư trực tiếp nước ngoài",
    "an toàn giao thông", "phòng chống tham nhũng", "cúm gia cầm", "công nghệ thông tin",
    "Liên Hợp Quốc", "Tổng thống Mỹ",
)  # fmt: skip
THEMES = ("kinh-te", "doi-ngoai", "chi-dao-dang", "van-hoa-xa-hoi", "quoc-phong-an-ninh", "bien-dao")
PROVINCES = ("Hà Nội", "Nghệ An", "Đà Nẵng", "Quảng Ngãi", "Khánh Hòa")


CLASSES = (
    ("words with diacritics", 0, 40),
    ("unaccented words", 40, 70),
    ("phrases", 70, 100),
    ("boolean", 100, 130),
    ("with date range", 130, 170),
    ("with theme filter", 170, 200),
)
"""(name, first, end) of each class of the mix, by position."""


def _unaccented(text: str) -> str:
    from lantoa.search.text import fold

    return fold(text).lower()


def _date(rng: random.Random) -> str:
    year = rng.randrange(2016, 2025)
    if rng.random() < 0.5:
        month = rng.randrange(1, 12)
        return f"date:{year}-{month:02d}-01..{year}-{month + 1:02d}-28"
    return f"date:{year}"


def query_mix(seed: int = 4) -> list[str]:
    rng = random.Random(seed)
    out: list[str] = []
    out += [rng.choice(WORDS) for _ in range(40)]
    out += [_unaccented(rng.choice(WORDS)) for _ in range(30)]
    out += [
        f'"{rng.choice(PHRASES)}"' if i % 3 else f'"{_unaccented(rng.choice(PHRASES))}"' for i in range(30)
    ]
    for i in range(30):
        a, b, c = rng.sample(WORDS, 3)
        out.append(
            (f'"{a}" OR "{b}"', f'{a} -"{b}"', f'"{a}" ("{b}" OR "{c}")', f"({a}) OR ({b}) OR ({c})")[i % 4]
        )
    out += [f"{rng.choice(WORDS)} {_date(rng)}" for _ in range(25)]
    out += [f'"{rng.choice(PHRASES)}" {_date(rng)}' for _ in range(15)]
    for i in range(30):
        theme = f"theme:{rng.choice(THEMES)}"
        word = rng.choice(WORDS)
        extra = (
            "",
            f" {_date(rng)}",
            " level:province",
            f' province:"{rng.choice(PROVINCES)}"',
            " relevant:yes",
        )[i % 5]
        out.append(f"{word} {theme}{extra}")
    assert len(out) == 200
    return out


if __name__ == "__main__":
    for q in query_mix():
        print(q)
