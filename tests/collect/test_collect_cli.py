"""The collect commands end to end: sources, ingest, crawl, articles (real store, real server)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from collect_server import Server
from collect_site import article_html, build_site

from lantoa.cli import cli
from lantoa.errors import ConfigError, NotFound
from lantoa.store.api import open_store


def lantoa(db: str, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--db", db, *args], catch_exceptions=True)


def local_sources(tmp_path: Path, site_home: str, feed: str, sitemap: str) -> Path:
    path = tmp_path / "sources.toml"
    path.write_text(
        f"""
[[source]]
name = "thu"
home_url = "{site_home}"
level = "province"
province = "Nghệ An"
feeds = ["{feed}"]
sitemaps = ["{sitemap}"]
[source.crawl]
rate_per_s = 100
timeout_s = 5
allow_private = true
""",
        encoding="utf-8",
    )
    return path


def test_sources_commands(tmp_path: Path) -> None:
    db = str(tmp_path / "s.db")
    listed = lantoa(db, "sources", "list")
    assert listed.exit_code == 0, listed.output
    assert "nhandan" in listed.output and "bbc-vietnamese" in listed.output, (
        "empty store gets the starter list"
    )
    added = lantoa(
        db,
        "sources",
        "add",
        "xa-dien-chau",
        "--home",
        "https://dienchau.nghean.gov.vn/",
        "--level",
        "commune",
        "--province",
        "Nghệ An",
        "--feed",
        "https://dienchau.nghean.gov.vn/rss",
        "--interval",
        "7200",
    )
    assert added.exit_code == 0, added.output
    shown = lantoa(db, "sources", "show", "xa-dien-chau")
    assert shown.exit_code == 0
    assert 'level = "commune"' in shown.output and 'province = "Nghệ An"' in shown.output
    assert "interval_s = 7200" in shown.output
    assert lantoa(db, "sources", "pause", "xa-dien-chau").exit_code == 0
    line = next(x for x in lantoa(db, "sources", "list").output.splitlines() if x.startswith("xa-dien-chau"))
    assert "tạm dừng" in line
    assert lantoa(db, "sources", "resume", "xa-dien-chau").exit_code == 0
    line = next(x for x in lantoa(db, "sources", "list").output.splitlines() if x.startswith("xa-dien-chau"))
    assert "đang theo dõi" in line
    assert lantoa(db, "sources", "remove", "xa-dien-chau").exit_code == 0
    assert "xa-dien-chau" not in lantoa(db, "sources", "list").output
    missing = lantoa(db, "sources", "remove", "xa-dien-chau")
    assert isinstance(missing.exception, NotFound)
    bad = lantoa(db, "sources", "add", "x", "--home", "not-a-url")
    assert isinstance(bad.exception, ConfigError) and "not an http(s) URL" in str(bad.exception)


def test_sources_import_is_all_or_nothing(tmp_path: Path) -> None:
    db = str(tmp_path / "s.db")
    good = local_sources(tmp_path, "https://a.vn/", "https://a.vn/rss", "https://a.vn/sitemap.xml")
    assert lantoa(db, "sources", "import", str(good)).exit_code == 0
    bad = tmp_path / "bad.toml"
    bad.write_text(
        good.read_text().replace('name = "thu"', 'name = "moi"')
        + '\n[[source]]\nname = "x"\nhome_url = "ftp://x"\n'
    )
    result = lantoa(db, "sources", "import", str(bad))
    assert isinstance(result.exception, ConfigError) and "bad.toml:15" in str(result.exception)
    store = open_store(db)
    try:
        assert [s.name for s in store.list_sources()] == ["thu"]
    finally:
        store.close()


def test_ingest_files_then_list_show_export(tmp_path: Path, db_url: str) -> None:
    folder = tmp_path / "pages"
    folder.mkdir()
    for i in (1, 2, 3):
        (folder / f"bai-{i}.html").write_text(article_html(i), encoding="utf-8")
    (folder / "hong.bin").write_bytes(b"\x7fELF" + bytes(range(200)))
    first = lantoa(db_url, "ingest", str(folder))
    assert first.exit_code == 1, "a bad file makes the exit status 1"
    assert "3 stored (3 new), 1 failed" in first.output
    again = lantoa(db_url, "ingest", str(folder / "bai-1.html"), str(folder / "bai-2.html"))
    assert again.exit_code == 0 and "2 stored (2 unchanged), 0 failed" in again.output

    table = lantoa(db_url, "articles", "list", "--limit", "2")
    assert table.exit_code == 0 and len(table.output.strip().splitlines()) == 3
    rows = [
        json.loads(x) for x in lantoa(db_url, "articles", "list", "--format", "jsonl").output.splitlines()
    ]
    assert len(rows) == 3 and {r["page_type"] for r in rows} == {"article"}
    assert all(r["title"] and r["text"] and r["published"].startswith("2024-10-") for r in rows)
    shown = lantoa(db_url, "articles", "show", str(rows[0]["id"]))
    assert shown.exit_code == 0 and rows[0]["title"] in shown.output and "Ngày đăng:" in shown.output
    assert isinstance(lantoa(db_url, "articles", "show", "999999").exception, NotFound)

    exported = lantoa(db_url, "articles", "export", "--format", "jsonl")
    assert sorted(json.loads(x)["id"] for x in exported.output.splitlines()) == sorted(r["id"] for r in rows)
    out = tmp_path / "bai.csv"
    assert lantoa(db_url, "articles", "export", "--format", "csv", "--output", str(out)).exit_code == 0
    with open(out, encoding="utf-8", newline="") as fh:
        records = list(csv.DictReader(fh))
    assert sorted(int(r["id"]) for r in records) == sorted(r["id"] for r in rows)
    assert all("\n" in r["text"] for r in records), "paragraphs survive the CSV round trip"


def test_ingest_feed_url_with_source(tmp_path: Path, server: Server) -> None:
    site = build_site(server, 5)
    db = str(tmp_path / "i.db")
    assert (
        lantoa(
            db, "sources", "import", str(local_sources(tmp_path, site.home, site.feed, site.sitemap))
        ).exit_code
        == 0
    )
    result = lantoa(db, "ingest", site.feed, "--source", "thu")
    assert result.exit_code == 0, result.output
    assert "3 stored (3 new), 0 failed" in result.output
    rows = [
        json.loads(x)
        for x in lantoa(db, "articles", "list", "--format", "jsonl", "--source", "thu").output.splitlines()
    ]
    assert sorted(r["url"] for r in rows) == sorted(site.articles[:3])
    assert {r["source_level"] for r in rows} == {"province"}
    unknown = lantoa(db, "ingest", site.feed, "--source", "khong-co")
    assert isinstance(unknown.exception, NotFound)


def test_ingest_url_refused_without_allow_private(tmp_path: Path, server: Server) -> None:
    site = build_site(server, 2)
    result = lantoa(str(tmp_path / "r.db"), "ingest", site.articles[0])
    assert result.exit_code == 1 and "0 stored (none), 1 failed" in result.output
    assert server.hits() == []


def test_crawl_once_and_again(tmp_path: Path, server: Server) -> None:
    site = build_site(server, 6)
    db = str(tmp_path / "c.db")
    assert (
        lantoa(
            db, "sources", "import", str(local_sources(tmp_path, site.home, site.feed, site.sitemap))
        ).exit_code
        == 0
    )
    first = lantoa(db, "crawl", "--once")
    assert first.exit_code == 0, first.output
    assert "6 stored (6 new), 0 failed" in first.output
    second = lantoa(db, "crawl")
    assert second.exit_code == 0 and "0 stored (none), 0 failed" in second.output
    assert set(site.article_hits().values()) == {1}
    assert lantoa(db, "sources", "pause", "thu").exit_code == 0
    before = len(server.hits())
    assert lantoa(db, "crawl", "--once").exit_code == 0
    assert len(server.hits()) == before, "a paused source is not polled"
    health = lantoa(db, "sources", "show", "thu").output
    assert "articles: 6" in health


@pytest.mark.parametrize("args", [["ingest"], ["articles", "export", "--format", "xml"]])
def test_usage_errors(tmp_path: Path, args: list[str]) -> None:
    result = lantoa(str(tmp_path / "u.db"), *args)
    assert result.exit_code == 2 and ("Missing argument" in result.output or "Invalid value" in result.output)


def test_export_streams_to_stdout_without_cap(tmp_path: Path) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(1, 31):
        (folder / f"b{i}.html").write_text(article_html(100 + i), encoding="utf-8")
    db = str(tmp_path / "m.db")
    assert lantoa(db, "ingest", str(folder)).exit_code == 0
    lines = lantoa(db, "articles", "export").output.splitlines()
    assert len(lines) == 30 and len({json.loads(x)["id"] for x in lines}) == 30
    assert io.StringIO(lines[0]).read().startswith("{")


def test_killed_cli_crawl_resumes_and_stores_each_article_once(tmp_path: Path, server: Server) -> None:
    """`lantoa crawl` killed with SIGKILL mid-way, then run again: every article stored once."""
    import os
    import signal
    import subprocess
    import sys
    import time

    site = build_site(server, 12, delay=0.15)
    db = str(tmp_path / "k.db")
    sources = local_sources(tmp_path, site.home, site.feed, site.sitemap)
    assert lantoa(db, "sources", "import", str(sources)).exit_code == 0
    command = [sys.executable, "-m", "lantoa", "--db", db, "crawl", "--once"]
    env = {**os.environ, "LANTOA_LOG_LEVEL": "ERROR"}
    proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and sum(site.article_hits().values()) < 5:
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert 5 <= sum(site.article_hits().values()) < 12, "killed mid-way"
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-2000:]
    store = open_store(db)
    try:
        assert store.count_articles(groups=False) == 12
        assert all(store.find_article_id(url) is not None for url in site.articles)
        assert store.frontier_pending() == 0
    finally:
        store.close()
    hits = site.article_hits()
    assert min(hits.values()) == 1 and sum(hits.values()) <= 12 + 1, hits
