"""Dashboard, search, article page and exports, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import datetime, timedelta

from openpyxl import load_workbook
from web_helpers import Web, csrf_of, enriched

from lantoa.records import VN_TZ, DocumentRef, Person

KL57 = DocumentRef("Kết luận", "57", "57-KL/TW", "Bộ Chính trị", None, "Kết luận số 57-KL/TW")


def _fill(web: Web) -> dict[str, int]:
    """Four stories: one published by three sites (a group of 3), three single articles."""
    now = datetime.now(VN_TZ)
    story = "Hội nghị toàn quốc quán triệt Kết luận 57-KL/TW về thông tin đối ngoại được tổ chức tại Hà Nội."
    ids = {}
    for n, source in enumerate(("Báo Nghệ An", "Báo Hà Tĩnh", "Cổng TTĐT Cửa Lò")):
        ids[f"copy{n}"] = web.save(
            enriched(
                100,
                title="Quán triệt Kết luận 57-KL/TW",
                body=story,
                source=source,
                url=f"https://s{n}.vn/57",
                themes=("thong-tin-doi-ngoai", "chi-dao-dang"),
                documents=(KL57,),
                persons=(Person("Nguyễn Văn Minh", ("Bí thư Tỉnh ủy",)),),
                published=now - timedelta(hours=n),
            )
        ).article_id
    ids["sea"] = web.save(
        enriched(
            101,
            body="Ngư dân bám biển Hoàng Sa, Trường Sa.",
            themes=("bien-dao",),
            province="Quảng Ngãi",
            published=now - timedelta(days=2),
        )
    ).article_id
    ids["economy"] = web.save(
        enriched(
            102,
            body="Xuất khẩu nông sản tăng mạnh.",
            themes=("kinh-te",),
            relevant=False,
            province=None,
            published=now - timedelta(days=3),
        )
    ).article_id
    ids["merged"] = web.save(
        enriched(
            104,
            body="Lễ hội đền Trần ở Thái Bình.",
            themes=("van-hoa-xa-hoi",),
            province="Tỉnh Thái Bình",
            published=now - timedelta(days=4),
        )
    ).article_id
    ids["old"] = web.save(
        enriched(
            103,
            body="Tin cũ về biển đảo quê hương.",
            themes=("bien-dao",),
            published=now - timedelta(days=200),
        )
    ).article_id
    return ids


def test_dashboard_counts_stories_once_and_lists_all_provinces(web_any: Web) -> None:
    ids = _fill(web_any)
    client = web_any.client("viewer")
    board = client.get("/api/dashboard?days=30").json()
    assert board["total_groups"] == 4  # the three copies are one story; the 200-day-old one is out
    assert len(board["by_province"]) == 34
    provinces = dict(board["by_province"])
    assert provinces["Tỉnh Quảng Ngãi"] == 1 and provinces["Tỉnh Nghệ An"] == 1
    assert provinces["Tỉnh Hưng Yên"] == 1  # Thái Bình merged into Hưng Yên in 2025
    assert sum(board["by_theme_day"]["thong-tin-doi-ngoai"]) == 1
    assert board["top_stories"][0]["copies"] == 3
    assert board["top_stories"][0]["article_id"] in (ids["copy0"], ids["copy1"], ids["copy2"])
    assert board["top_documents"][0] == ["57-KL/TW", 1]
    assert board["top_people"][0] == ["Nguyễn Văn Minh", 1]
    assert ids["economy"] not in [a["article_id"] for a in board["latest"]]  # not relevant
    assert sum(board["by_theme_day"]["bien-dao"]) == 1
    year = client.get("/api/dashboard?days=365").json()
    assert year["total_groups"] == 5
    page = client.get("/?days=30&theme=bien-dao")
    assert page.status_code == 200
    assert "<svg" in page.text and 'id="total-groups">1<' in page.text
    assert "Quán triệt Kết luận 57-KL/TW" not in page.text.split("Sự kiện nổi bật")[1].split("</ol>")[0]


def test_search_unaccented_with_highlights_facets_and_pages(web_any: Web) -> None:
    _fill(web_any)
    for n in range(25):
        web_any.save(enriched(200 + n, body=f"Tuần tra bảo vệ chủ quyền biển đảo, đợt {n} năm nay."))
    client = web_any.client("viewer")
    page = client.get("/search", params={"q": "chu quyen bien dao"})
    assert page.status_code == 200
    assert 'id="result-total">25<' in page.text
    assert re.search(r"<mark>[^<]*chủ quyền[^<]*</mark>", page.text)  # accents in the text, not the query
    assert page.text.count('class="hit"') == 20
    second = client.get("/search", params={"q": "chu quyen bien dao", "page": 2})
    assert second.text.count('class="hit"') == 5
    assert "theme%3Abien-dao" in page.text  # a facet link refines the query
    api = client.get("/api/search", params={"q": "ket luan 57", "theme": "chi-dao-dang"}).json()
    assert api["total"] == 1 and api["hits"][0]["duplicates"] == 2
    assert "theme:chi-dao-dang" in api["query"]


def test_bad_query_is_a_clear_message_not_a_crash(web: Web) -> None:
    client = web.client("viewer")
    page = client.get("/search", params={"q": "theme:khong-co-chu-de"})
    assert page.status_code == 400
    assert 'class="error"' in page.text
    assert client.get("/api/search", params={"q": "date:xyz"}).status_code == 400
    assert client.get("/export/csv", params={"q": "(bien"}).status_code == 400
    assert client.get("/articles/999999").status_code == 404


def test_article_page_shows_everything_escaped(web: Web) -> None:
    ids = _fill(web)
    page = web.client("viewer").get(f"/articles/{ids['copy0']}")
    text = page.text
    assert page.status_code == 200
    for expected in (
        "Quán triệt Kết luận 57-KL/TW",
        "Báo Nghệ An",
        "Phóng viên A",
        "Ảnh minh hoạ 100",
        "bằng chứng cho chi-dao-dang",
        "Nguyễn Văn Minh",
        "Bí thư Tỉnh ủy",
        "Ủy ban nhân dân",
        "Cửa Lò",
        "Báo Hà Tĩnh",
        "Cổng TTĐT Cửa Lò",
        "https://s0.vn/57",
    ):
        assert expected in text, expected
    assert "/search?q=doc%3A%2257-KL%2FTW%22" in text  # document links to its search
    assert f'href="/articles/{ids["copy1"]}"' in text  # duplicates listed


def test_exports_whole_result_set_in_three_formats(web_any: Web) -> None:
    _fill(web_any)
    client = web_any.client("viewer")
    r = client.get("/export/csv", params={"q": "ket luan 57"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert len(rows) == 3  # every copy of the story, not one per group
    assert {row["source"] for row in rows} == {"Báo Nghệ An", "Báo Hà Tĩnh", "Cổng TTĐT Cửa Lò"}
    lines = client.get("/api/export", params={"q": "bien", "format": "jsonl"}).text.splitlines()
    titles = {json.loads(line)["title"] for line in lines}
    assert {"Tin số 101: hoạt động tại địa phương", "Tin số 103: hoạt động tại địa phương"} <= titles
    x = client.get("/export/xlsx", params={"q": "ket luan 57"})
    sheet = load_workbook(io.BytesIO(x.content), read_only=True).active
    values = list(sheet.values)
    assert values[0][:3] == ("id", "url", "title") and len(values) == 4


def test_huge_export_is_streamed_in_chunks(web: Web) -> None:
    long = " ".join(f"câu dài số {i} về biển đảo và chủ quyền" for i in range(60))
    for n in range(300):
        web.save(enriched(1000 + n, body=f"Bài {n}: {long} mã {n * 7}."))
    client = web.client("viewer")
    with client.stream("GET", "/export/csv", params={"q": "chu quyen"}) as r:
        chunks = [c for c in r.iter_raw() if c]
    body = b"".join(chunks).decode("utf-8-sig")
    assert len(list(csv.DictReader(io.StringIO(body)))) == 300
    assert len(chunks) > 5  # sent piece by piece as rows were read, not built whole in memory


def test_editor_manages_sources_and_alerts_from_pages(web: Web) -> None:
    client = web.client("editor")
    csrf = csrf_of(client)
    r = client.post(
        "/sources",
        data={
            "name": "Cổng Cửa Lò",
            "home_url": "https://cualo.nghean.gov.vn",
            "level": "commune",
            "province": "Nghệ An",
            "feeds": "https://cualo.nghean.gov.vn/rss",
            "csrf": csrf,
        },
    )
    assert r.status_code == 303
    assert client.post("/sources/Cổng Cửa Lò/pause", data={"csrf": csrf}).status_code == 303
    source = web.store.get_source("Cổng Cửa Lò")
    assert source.crawl.paused and source.feeds == ("https://cualo.nghean.gov.vn/rss",)
    listing = client.get("/sources").text
    assert "Cổng Cửa Lò" in listing and "Tạm dừng" in listing
    bad = client.post("/sources", data={"name": "X", "home_url": "ftp://x", "csrf": csrf})
    assert bad.status_code == 400
    r = client.post(
        "/alerts",
        data={"name": "Biển đảo", "query": "bien dao", "kind": "new", "channels": ["app"], "csrf": csrf},
    )
    assert r.status_code == 303
    assert "Biển đảo" in client.get("/alerts").text
    english = client.get("/alerts?lang=en").text
    assert "Alerts" in english and "Notifications" in english


def test_exported_text_cannot_run_as_a_spreadsheet_formula(web: Web) -> None:
    web.save(enriched(50, title='=HYPERLINK("http://evil.example","Bấm vào")', body="Bài về biển đảo."))
    client = web.client("viewer")
    r = client.get("/export/csv", params={"q": "bien dao"})
    (row,) = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert row["title"].startswith("'=HYPERLINK")
    x = client.get("/export/xlsx", params={"q": "bien dao"})
    values = list(load_workbook(io.BytesIO(x.content), read_only=True).active.values)
    assert values[1][2].startswith("'=HYPERLINK")


def test_dashboard_cache_serves_stale_figures_while_it_refreshes(web: Web) -> None:
    import time

    from lantoa.store.api import ArticleFilter
    from lantoa.web.dashboard import DashboardCache

    cache = DashboardCache(web.store, ttl_s=0.2)
    filters = ArticleFilter(since=(datetime.now(VN_TZ) - timedelta(days=6)).date())
    assert cache.get(filters).total_groups == 0
    web.save(enriched(60, body="Bài mới về biển đảo."))
    assert cache.get(filters).total_groups == 0  # still fresh: cached
    time.sleep(0.3)
    assert cache.get(filters).total_groups == 0  # stale, served at once; a refresh starts
    deadline = time.time() + 10
    while cache.get(filters).total_groups == 0 and time.time() < deadline:
        time.sleep(0.05)
    assert cache.get(filters).total_groups == 1


def test_default_period_ends_at_the_newest_coverage(web: Web) -> None:
    """An archive whose newest article is months old still shows figures for its last 30 days."""
    old = datetime.now(VN_TZ) - timedelta(days=200)
    web.save(enriched(70, published=old, body="Bài cũ về biển đảo."))
    web.save(enriched(71, published=old - timedelta(days=10), body="Bài cũ hơn về biển đảo."))
    web.save(enriched(72, published=old - timedelta(days=60), body="Bài rất cũ về biển đảo."))
    board = web.client("viewer").get("/api/dashboard").json()
    assert board["total_groups"] == 2  # the 30 days up to the newest article, not up to today
    assert board["days"][-1] == old.date().isoformat()
