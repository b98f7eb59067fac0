"""Near-duplicates found at ingest on both backends: edited republications join, distinct stories don't."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from click.testing import CliRunner
from dedup_texts import enriched

from lantoa.cli import cli
from lantoa.records import VN_TZ, PageType
from lantoa.store.api import SaveStatus, open_store

T0 = datetime(2024, 9, 12, 9, 0, tzinfo=VN_TZ)


def test_edited_republications_join_the_original(store, story) -> None:
    original = store.save_article(enriched("https://baoquangbinh.vn/a.html", story, published=T0))
    edits = {
        "headline": enriched("https://a.example/1", story, title="Quảng Bình sơ tán 12.000 hộ dân tránh bão"),
        "trimmed": enriched("https://b.example/2", story[:7]),
        "byline": enriched("https://c.example/3", (*story, "Theo TTXVN")),
        "lead": enriched(
            "https://d.example/4", story, lead="Tỉnh Quảng Bình đang gấp rút chuẩn bị ứng phó bão."
        ),
        "all": enriched(
            "https://e.example/5",
            (*story[:8], "Minh Phong"),
            title="Bão số 4: Quảng Bình cấm biển từ chiều 12/9",
            lead="Quảng Bình ra lệnh cấm biển.",
        ),
    }
    for name, copy in edits.items():
        saved = store.save_article(copy)
        assert saved.status is SaveStatus.NEW, name
        assert saved.group_id == original.group_id, name
        assert saved.duplicate_of == original.article_id, name
    assert store.count_articles() == 1
    assert store.count_articles(groups=False) == 1 + len(edits)
    assert store.get_article(original.article_id).duplicates == len(edits)


def test_distinct_stories_on_the_same_topic_stay_apart(store, story, other_story) -> None:
    a = store.save_article(enriched("https://baoquangbinh.vn/a.html", story))
    b = store.save_article(
        enriched("https://baohatinh.vn/b.html", other_story, title="Hà Tĩnh kiểm tra phòng chống bão số 4")
    )
    # a round-up quoting two paragraphs of each: half of it from either, a copy of neither
    c = store.save_article(enriched("https://x.example/c.html", (*story[:2], *other_story[:2])))
    assert len({a.group_id, b.group_id, c.group_id}) == 3
    assert b.duplicate_of is None and c.duplicate_of is None
    assert store.count_articles() == 3


def test_canonical_is_the_earliest_published_even_when_it_arrives_last(store, story) -> None:
    late = store.save_article(enriched("https://late.example/1", story, published=T0 + timedelta(days=1)))
    later = store.save_article(
        enriched("https://later.example/2", story[:8], published=T0 + timedelta(days=2))
    )
    first = store.save_article(enriched("https://first.example/0", (*story, "Theo TTXVN"), published=T0))
    assert late.group_id == later.group_id == first.group_id
    assert store.duplicate_group(late.group_id) == [first.article_id, late.article_id, later.article_id]
    assert store.get_article(later.article_id).canonical_id == first.article_id
    assert first.duplicate_of == late.article_id  # it is the canonical; it duplicates the stored copy
    # an undated copy never becomes canonical; ties on date go to the lowest id
    undated = store.save_article(enriched("https://u.example/", story[:9], published=None))
    tie = store.save_article(enriched("https://tie.example/", story[1:], published=T0))
    assert store.duplicate_group(late.group_id) == [
        first.article_id,
        tie.article_id,
        late.article_id,
        later.article_id,
        undated.article_id,
    ]
    # rewriting the canonical into another story hands the group to the next earliest
    store.save_article(enriched("https://first.example/0", tuple(reversed(story))[:3], published=T0))
    assert store.get_article(late.article_id).canonical_id == tie.article_id


def test_detection_persists_across_processes(db_url: str, story) -> None:
    one = open_store(db_url)
    a = one.save_article(enriched("https://a.example/", story))
    one.close()
    two = open_store(db_url)
    try:
        b = two.save_article(enriched("https://b.example/", story[:8], title="Khác tiêu đề"))
        assert b.group_id == a.group_id
    finally:
        two.close()


def test_listing_pages_are_not_grouped(store, story) -> None:
    from dataclasses import replace

    page = enriched("https://list.example/", story)
    listing = replace(page, article=replace(page.article, page_type=PageType.LISTING))
    a = store.save_article(enriched("https://a.example/", story[:9]))
    b = store.save_article(listing)
    assert a.group_id != b.group_id


def test_duplicates_command_lists_groups(db_url: str, story, other_story) -> None:
    store = open_store(db_url)
    store.save_article(enriched("https://late.example/1", story, published=T0 + timedelta(hours=3)))
    first = store.save_article(enriched("https://first.example/1", story[:8], published=T0))
    store.save_article(enriched("https://alone.example/", other_story))
    store.close()
    runner = CliRunner()
    out = runner.invoke(cli, ["duplicates", "--db", db_url, "--format", "jsonl"])
    assert out.exit_code == 0, out.output
    groups = [json.loads(line) for line in out.output.splitlines()]
    assert len(groups) == 1
    assert groups[0]["size"] == 2 and groups[0]["canonical"]["id"] == first.article_id
    assert [c["url"] for c in groups[0]["copies"]] == ["https://late.example/1"]
    table = runner.invoke(cli, ["duplicates", "--db", db_url])
    assert table.exit_code == 0 and "2 bài" in table.output and "https://late.example/1" in table.output


def test_founder_rewritten_leaves_its_copies_grouped(store, story, other_story) -> None:
    founder = store.save_article(enriched("https://a.example/", story))
    copy1 = store.save_article(enriched("https://b.example/", story[:8]))
    copy2 = store.save_article(enriched("https://c.example/", (*story, "PV")))
    assert founder.group_id == copy1.group_id == copy2.group_id == founder.article_id
    moved = store.save_article(enriched("https://a.example/", other_story))
    assert moved.status.value == "updated" and moved.group_id == founder.article_id
    rest = store.get_article(copy1.article_id)
    assert rest.group_id == copy1.article_id and rest.duplicates == 1
    assert store.duplicate_group(rest.group_id) == [copy1.article_id, copy2.article_id]
    assert store.count_articles() == 2
