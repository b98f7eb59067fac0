"""The main job: fills the database from real pages (or the samples), creates one admin, re-runs cleanly."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from lantoa.cli import cli
from lantoa.store.api import ArticleFilter, open_store


def _run(db: Path, data: Path, vntc: int = 0) -> tuple[int, str]:
    result = CliRunner().invoke(
        cli, ["--db", str(db), "quickstart", "--no-serve", "--data", str(data), "--vntc", str(vntc)]
    )
    return result.exit_code, result.output


def test_samples_when_no_data_then_rerun_adds_nothing(tmp_path: Path) -> None:
    db = tmp_path / "lantoa.db"
    code, out = _run(db, tmp_path / "absent")
    assert code == 0, out
    assert "sample pages" in out
    assert "4 stored (4 new)" in out
    assert "password:" in out
    store = open_store(str(db))
    try:
        titles = {a.enriched.article.title for a in store.iter_articles()}
        assert "Tuyên truyền chống khai thác IUU cho ngư dân ven biển" in titles
        assert store.count_articles(groups=False) == 4
    finally:
        store.close()

    code, out = _run(db, tmp_path / "absent")
    assert code == 0, out
    assert "4 unchanged" in out and "new" not in out.split("Ingest:")[1].split("\n")[0]
    assert "password:" not in out  # the first admin is kept, never recreated


def test_real_pages_and_vntc_sample(tmp_path: Path, shared_data: Path) -> None:
    db = tmp_path / "lantoa.db"
    code, out = _run(db, shared_data, vntc=10)
    assert code == 0, out
    store = open_store(str(db))
    try:
        real = len(list((shared_data / "vn-pages-dev").glob("*.html"))) + len(
            list((shared_data / "seeds").glob("*.txt"))
        )
        everything = ArticleFilter(include_listings=True)
        assert store.count_articles(everything, groups=False) == real + 10
        assert store.count_articles(groups=False) < real + 10  # listing pages are not articles
        urls = {a.enriched.article.url for a in store.iter_articles()}
        assert sum(1 for u in urls if u and u.startswith("urn:vntc:")) == 10
    finally:
        store.close()
