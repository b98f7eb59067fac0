"""A small Vietnamese corpus, written for these tests, saved through the real store."""

from __future__ import annotations

from datetime import date

import pytest

from lantoa.records import (
    Analysis,
    Article,
    DocumentRef,
    EnrichedArticle,
    Person,
    Source,
    SourceLevel,
    ThemeHit,
)
from lantoa.store.api import Store

SOURCES = (
    Source("Báo Nghệ An", "https://baonghean.example", SourceLevel.PROVINCE, province="Nghệ An"),
    Source("Tuổi Trẻ", "https://tuoitre.example", SourceLevel.PRESS),
    Source("Báo Quảng Ngãi", "https://baoquangngai.example", SourceLevel.PROVINCE, province="Quảng Ngãi"),
    Source("Báo Biên Phòng", "https://bienphong.example", SourceLevel.PRESS),
    Source("Cổng Chính phủ", "https://chinhphu.example", SourceLevel.CENTRAL),
)

# name: (source, title, body, published, themes, extra analysis fields)
ARTICLES: dict[str, tuple[str, str, str, date, tuple[str, ...], dict[str, object]]] = {
    "hoinghi": (
        "Báo Nghệ An",
        "Hội nghị tổng kết công tác thông tin đối ngoại năm 2023",
        "Ban Chấp hành Đảng bộ tỉnh triển khai Kết luận số 57-KL/TW về thông tin đối ngoại.",
        date(2024, 1, 15),
        ("chi-dao-dang", "thong-tin-doi-ngoai"),
        {
            "documents": (DocumentRef("Kết luận", "57", "57-KL/TW"),),
            "persons": (Person("Nguyễn Văn An"),),
            "relevant": True,
            "topic": "Hội nghị",
            "province": "Nghệ An",
        },
    ),
    "vang": (
        "Tuổi Trẻ",
        "Thị trường đang sôi động",
        "Giá vàng đang tăng, người dân đang đổ xô đi mua. Thị trường đang chờ đợi thêm tín hiệu.",
        date(2024, 2, 10),
        ("kinh-te",),
        {},
    ),
    "ngudan": (
        "Báo Quảng Ngãi",
        "Ngư dân bám biển Hoàng Sa",
        "Ngư dân vươn khơi bám biển, giữ gìn chủ quyền biển đảo thiêng liêng của Tổ quốc.",
        date(2024, 6, 20),
        ("bien-dao", "iuu"),
        {"relevant": True, "province": "Quảng Ngãi"},
    ),
    "ngudan_copy": (
        "Báo Biên Phòng",
        "Ngư dân bám biển Hoàng Sa",
        "Ngư dân vươn khơi bám biển, giữ gìn chủ quyền biển đảo thiêng liêng của Tổ quốc.",
        date(2024, 6, 21),
        ("bien-dao", "iuu"),
        {"relevant": True, "province": "Quảng Ngãi"},
    ),
    "hoabinh": (
        "Cổng Chính phủ",
        "Thông điệp hoà bình",
        "Việt Nam mong muốn hoà bình, hữu nghị với các nước láng giềng.",
        date(2024, 7, 1),
        ("doi-ngoai",),
        {"relevant": True},
    ),
    "thethao": (
        "Tuổi Trẻ",
        "Thể thao học đường",
        "Phong trào thể dục thể thao phát triển mạnh ở các trường học.",
        date(2023, 12, 1),
        ("van-hoa-xa-hoi",),
        {},
    ),
    "thegioi": (
        "Tuổi Trẻ",
        "Thế giới hôm nay",
        "Tình hình thế giới biến động, thế cục khó lường.",
        date(2024, 3, 5),
        ("doi-ngoai",),
        {},
    ),
    "nghihoi": (
        "Cổng Chính phủ",
        "Bàn về văn bản mới",
        "Hội đồng thẩm định nghị định mới về đất đai.",
        date(2024, 4, 2),
        ("chi-dao-dang",),
        {},
    ),
    "dangbo": (
        "Báo Nghệ An",
        "Đảng bộ xã học tập nghị quyết",
        "Đảng ủy xã tổ chức học tập cho cán bộ.",
        date(2024, 4, 1),
        ("chi-dao-dang",),
        {"province": "Nghệ An"},
    ),
}


def enriched(name: str) -> EnrichedArticle:
    source, title, body, published, themes, extra = ARTICLES[name]
    article = Article(
        url=f"https://example.vn/{name}", title=title, paragraphs=(body,), source=source, published=published
    )
    analysis = Analysis(themes=tuple(ThemeHit(t, 1.0) for t in themes), **extra)  # type: ignore[arg-type]
    return EnrichedArticle(article, analysis)


@pytest.fixture
def corpus(store: Store) -> dict[str, int]:
    """Article ids by name, saved in the store under test (SQLite or PostgreSQL)."""
    for source in SOURCES:
        store.upsert_source(source)
    return {name: store.save_article(enriched(name)).article_id for name in ARTICLES}
