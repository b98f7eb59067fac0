"""Builders of small synthetic articles for store tests (texts written for the tests)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from lantoa.records import (
    VN_TZ,
    Analysis,
    Article,
    DocumentRef,
    EnrichedArticle,
    Location,
    Person,
    ThemeHit,
)

WORDS = (
    "hội nghị tỉnh ủy thành phố kinh tế xã hội đầu tư hạ tầng giao thông nông thôn mới biển đảo "
    "ngư dân khai thác hải sản chuyển đổi số cải cách hành chính doanh nghiệp xuất khẩu lúa gạo "
    "giáo dục y tế bảo hiểm lao động việc làm quốc phòng an ninh biên giới hợp tác quốc tế"
).split()


def body_for(seed: int, paragraphs: int = 6, words: int = 40) -> tuple[str, ...]:
    """Deterministic, distinct pseudo-Vietnamese paragraphs (different seeds share few shingles)."""
    import random

    rng = random.Random(seed)
    return tuple(
        " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "." for _ in range(paragraphs)
    )


def make(
    url: str | None = "https://baomoi.example/a-1.html",
    *,
    seed: int = 1,
    title: str = "Tỉnh ủy họp bàn phát triển kinh tế biển",
    source: str | None = "baomoi",
    published: datetime | date | None = datetime(2024, 10, 23, 8, 0, tzinfo=VN_TZ),
    paragraphs: tuple[str, ...] | None = None,
    lead: str = "Sáng nay, hội nghị đã bàn nhiều nội dung quan trọng.",
    analysis: Analysis | None = None,
    **kwargs: Any,
) -> EnrichedArticle:
    art = Article(
        url=url,
        title=title,
        source=source,
        published=published,
        lead=lead,
        paragraphs=paragraphs if paragraphs is not None else body_for(seed),
        authors=("Hữu Lương", "Ngọc Ánh"),
        captions=("Quang cảnh hội nghị.",),
        **kwargs,
    )
    ana = analysis or Analysis(
        themes=(ThemeHit("bien-dao", 0.8, ("biển đảo",)), ThemeHit("kinh-te", 0.4)),
        relevant=True,
        topic="kinh-te",
        persons=(Person("Nguyễn Văn An", ("Bí thư Tỉnh ủy",), 2),),
        locations=(Location("Quảng Ngãi", "province", "51", "Quảng Ngãi"),),
        documents=(
            DocumentRef(
                "Kết luận", "57", "57-KL/TW", "Bộ Chính trị", date(2023, 6, 1), "Kết luận số 57-KL/TW"
            ),
        ),
        province="Quảng Ngãi",
    )
    return EnrichedArticle(art, ana)
