"""The pipeline end to end: page -> article -> analysis -> store, on every executor and both backends."""

from __future__ import annotations

from pathlib import Path

import pytest

from lantoa.collect import collect
from lantoa.executors import make_executor
from lantoa.pipeline import ingest
from lantoa.samples import sample_pages
from lantoa.store.api import Store, open_store


def _pages(extra: list[Path]) -> list:  # type: ignore[type-arg]
    return [item for target in [*sample_pages(), *extra] for item in collect(str(target))]


def _snapshot(store: Store) -> dict[str, tuple[str, tuple[str, ...], str | None]]:
    return {
        a.enriched.article.title: (
            a.enriched.article.text,
            a.enriched.analysis.theme_slugs,
            a.enriched.analysis.topic,
        )
        for a in store.iter_articles()
    }


def test_bad_pages_are_counted_and_kept_with_their_reason(store: Store, tmp_path: Path) -> None:
    (tmp_path / "empty.html").write_bytes(b"")
    (tmp_path / "photo.html").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40)
    summary = ingest(_pages([tmp_path / "empty.html", tmp_path / "photo.html"]), store)
    assert summary.saved["new"] == 4
    assert summary.failed == 2
    failures = {Path(f.target).name: f.reason for f in store.list_failures()}
    assert set(failures) == {"empty.html", "photo.html"}
    assert all(reason.strip() and "\n" not in reason for reason in failures.values())

    again = ingest(_pages([]), store)  # a re-run stores nothing twice
    assert again.saved == {"unchanged": 4}
    assert store.count_articles(groups=False) == 4


@pytest.mark.slow
def test_dask_cluster_gives_the_same_result_as_one_process(pg_url: str, tmp_path: Path) -> None:
    local = open_store(str(tmp_path / "local.db"))
    ingest(_pages([]), local)
    expected = _snapshot(local)
    local.close()

    executor = make_executor(workers=2, dask_scheduler="local")
    cluster_store = open_store(pg_url)
    try:
        summary = ingest(_pages([]), cluster_store, executor=executor)
        assert summary.saved["new"] == 4
        assert _snapshot(cluster_store) == expected
    finally:
        executor.close()
        cluster_store.close()


def test_pages_without_a_source_are_attributed_by_host(store: Store) -> None:
    from lantoa.records import Source, SourceLevel

    store.upsert_source(
        Source("cong-tinh", "https://www.tinh.example.vn/", SourceLevel.PROVINCE, province="Nghệ An")
    )
    ingest(_pages([]), store)
    by_title = {a.enriched.article.title: a for a in store.iter_articles()}
    ours = [a for a in by_title.values() if a.enriched.article.source == "cong-tinh"]
    assert len(ours) == 3  # the three pages served by tinh.example.vn
    assert {a.source_level for a in ours} == {"province"}
    other = by_title["Hội nghị tổng kết công tác thông tin đối ngoại năm 2025"]
    assert other.enriched.article.source is None  # tuyengiao.example.vn is not that source


def test_attribution_walks_up_to_a_parent_domain_and_keeps_a_given_source() -> None:
    from dataclasses import replace

    from lantoa.pipeline import attribute_source
    from lantoa.records import Analysis, Article, EnrichedArticle

    hosts = {"baochinhphu.vn": "baochinhphu"}
    page = EnrichedArticle(Article(url="https://en.baochinhphu.vn/a-1.htm", title="T"), Analysis())
    assert attribute_source(page, hosts).article.source == "baochinhphu"
    given = replace(page, article=replace(page.article, source="khac"))
    assert attribute_source(given, hosts).article.source == "khac"
    elsewhere = replace(page, article=replace(page.article, url="https://vn.example.com/x"))
    assert attribute_source(elsewhere, hosts).article.source is None
    malformed = replace(page, article=replace(page.article, url="http://[::1"))
    assert attribute_source(malformed, hosts).article.source is None
