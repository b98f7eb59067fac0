"""Records survive the trip to the database and back exactly, on both backends."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

from lantoa.records import VN_TZ, Analysis, EnrichedArticle
from lantoa.store.serialize import (
    analysis_from_json,
    analysis_to_json,
    datetime_from_json,
    published_columns,
)


def test_analysis_json_round_trip(article) -> None:
    ana = article().analysis
    data = analysis_to_json(ana)
    assert data["documents"][0]["date"] == "2023-06-01"
    assert analysis_from_json(data) == ana
    assert analysis_from_json({}) == Analysis()


def test_offsets_come_back_as_vietnam_zone_or_fixed_offset() -> None:
    vn = datetime_from_json("2024-10-23T08:00:00+07:00")
    assert vn is not None and vn.tzinfo is VN_TZ and vn.hour == 8
    other = datetime_from_json("2024-10-23T08:00:00+02:00")
    assert other is not None and other.utcoffset() == timedelta(hours=2)


def test_published_day_is_the_vietnamese_day() -> None:
    late = datetime(2024, 10, 22, 20, 30, tzinfo=UTC)  # 03:30 on the 23rd in Hanoi
    cols = published_columns(late)
    assert cols["published_date"] == date(2024, 10, 23) and cols["published_has_time"]
    day = published_columns(date(2024, 10, 23))
    assert day["published"] == datetime(2024, 10, 22, 17, 0, tzinfo=UTC) and not day["published_has_time"]


def test_article_round_trip_through_each_backend(store, article) -> None:
    cases: list[EnrichedArticle] = [
        article("https://a.example/1", seed=1),
        article("https://a.example/2", seed=2, published=date(2024, 2, 29)),
        article("https://a.example/3", seed=3, published=None, updated=datetime(2024, 3, 1, 9, tzinfo=UTC)),
        article(
            "https://a.example/4",
            seed=4,
            published=datetime(2024, 5, 1, 10, 15, 30, tzinfo=timezone(timedelta(hours=-5))),
            paragraphs=("Một đoạn\ncó xuống dòng bên trong", "", "Đoạn cuối"),
            fetched_url="https://a.example/4?utm=x",
            origin="warc:/tmp/x.warc.gz#120",
        ),
        article(None, seed=5, title="Văn bản cục bộ", source=None),
    ]
    for enriched in cases:
        saved = store.save_article(enriched)
        back = store.get_article(saved.article_id).enriched
        assert back == enriched
        assert back.article.published.__class__ is enriched.article.published.__class__
