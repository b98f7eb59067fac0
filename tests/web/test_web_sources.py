"""Sources page: "crawl now" runs the real crawl of one source against a site on 127.0.0.1,
and the page then shows the source's health."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote

import pytest
from web_helpers import Web, csrf_of

from lantoa.records import CrawlSettings, Source, SourceLevel

ARTICLE = """<!doctype html><html lang="vi"><head><meta charset="utf-8">
<title>Hội nghị tổng kết công tác thông tin đối ngoại năm 2025</title>
<meta property="article:published_time" content="2025-12-20T09:30:00+07:00"></head>
<body><nav><a href="/">Trang chủ</a></nav><article>
<h1>Hội nghị tổng kết công tác thông tin đối ngoại năm 2025</h1>
<p class="lead">Sáng 20/12, Ban Chỉ đạo công tác thông tin đối ngoại tỉnh tổ chức hội nghị tổng kết.</p>
<p>Hội nghị đánh giá kết quả thực hiện Kết luận số 57-KL/TW của Bộ Chính trị về tiếp tục nâng cao
chất lượng, hiệu quả công tác thông tin đối ngoại trong tình hình mới, nhấn mạnh việc phối hợp chặt chẽ,
nhịp nhàng, thông suốt từ tỉnh đến cơ sở.</p>
<p>Các đại biểu thảo luận về tuyên truyền chủ quyền biển, đảo, công tác phân giới cắm mốc biên giới
đất liền và chống khai thác hải sản bất hợp pháp, không báo cáo và không theo quy định (IUU).</p>
<p>Năm 2026, tỉnh tiếp tục đẩy mạnh thông tin đối ngoại trên nền tảng số, quảng bá hình ảnh địa phương
tới bạn bè quốc tế và cộng đồng người Việt Nam ở nước ngoài.</p>
</article><footer>Bản quyền thuộc Cổng thông tin điện tử tỉnh</footer></body></html>"""


def _rss(base: str) -> str:
    return f"""<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Tin tức</title>
<link>{base}/</link><item><title>Hội nghị tổng kết</title><link>{base}/tin/hoi-nghi.html</link>
<pubDate>Sat, 20 Dec 2025 09:30:00 +0700</pubDate></item></channel></rss>"""


@pytest.fixture
def site() -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            base = f"http://127.0.0.1:{self.server.server_address[1]}"
            routes = {
                "/rss.xml": (_rss(base), "application/rss+xml"),
                "/tin/hoi-nghi.html": (ARTICLE, "text/html"),
            }
            if self.path not in routes:
                self.send_response(404)
                self.end_headers()
                return
            body, kind = routes[self.path]
            data = body.encode()
            self.send_response(200)
            self.send_header("Content-Type", f"{kind}; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_crawl_now_ingests_the_source_and_shows_its_health(web: Web, site: str) -> None:
    crawl = CrawlSettings(allow_private=True, respect_robots=False, rate_per_s=50.0, max_depth=0)
    name = "Cổng TTĐT tỉnh"
    web.store.upsert_source(
        Source(name, f"{site}/", SourceLevel.PROVINCE, "Nghệ An", feeds=(f"{site}/rss.xml",), crawl=crawl)
    )
    viewer = web.client("viewer")
    assert viewer.post(f"/sources/{quote(name)}/crawl", data={"csrf": csrf_of(viewer)}).status_code == 403
    editor = web.client("editor")
    r = editor.post(f"/sources/{quote(name)}/crawl", data={"csrf": csrf_of(editor)})
    assert r.status_code == 303  # TestClient runs the background crawl before returning
    article_id = web.store.find_article_id(f"{site}/tin/hoi-nghi.html")
    assert article_id is not None
    stored = web.store.get_article(article_id)
    assert stored.enriched.article.title.startswith("Hội nghị tổng kết")
    (health,) = [h for h in web.store.source_health() if h.name == name]
    assert health.fetches >= 2 and health.last_fetch is not None
    page = editor.get("/sources").text
    assert name in page and "0%" in page
    article_page = editor.get(f"/articles/{article_id}").text
    assert "Kết luận số 57-KL/TW" in article_page
