"""Collect benchmark: Lantoa's collectors side by side with trafilatura's, in the same run.

A local threaded HTTP server on 127.0.0.1 serves a synthetic news site (a sitemap index of
gzip'ed sitemaps, an RSS feed, article pages, robots.txt). Both tools discover the article URLs
from the sitemap index and from the feed, then fetch the same pages one by one; we count
URLs found and time each step. Local inputs are timed on ../shared/data/vn-pages-dev written
into a WARC and on the folder itself.

    nice .venv/bin/python benchmarks/collect/bench_collect.py [--sitemaps 20 --per-sitemap 500 --pages 300 --rounds 3]

Prints a table and writes benchmarks/collect/results.json.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import multiprocessing
import socket
import statistics
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT.parent / "shared" / "data" / "vn-pages-dev"
HOST = "tin.example.vn"


def build_site(base: str, sitemaps: int, per_sitemap: int, pages: int) -> dict[str, tuple[bytes, str]]:
    site: dict[str, tuple[bytes, str]] = {}
    body = "<p>" + "Nội dung bài viết về công tác thông tin đối ngoại của tỉnh. " * 40 + "</p>"
    for i in range(pages):
        html = f"<html><head><title>Bài {i}</title></head><body><h1>Bài {i}</h1>{body}</body></html>"
        site[f"/tin/bai-viet-so-{i}-{100000 + i}.html"] = (html.encode(), "text/html; charset=utf-8")
    index = []
    n = 0
    for s in range(sitemaps):
        locs = []
        for _ in range(per_sitemap):
            locs.append(f"<url><loc>{base}/tin/bai-viet-so-{n}-{100000 + n}.html</loc></url>")
            n += 1
        xml = '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        xml += "".join(locs) + "</urlset>"
        site[f"/sitemaps/s{s}.xml.gz"] = (gzip.compress(xml.encode()), "application/x-gzip")
        index.append(f"<sitemap><loc>{base}/sitemaps/s{s}.xml.gz</loc></sitemap>")
    site["/sitemap.xml"] = (
        (
            '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            + "".join(index)
            + "</sitemapindex>"
        ).encode(),
        "application/xml",
    )
    items = "".join(
        f"<item><title>Bài {i}</title><link>{base}/tin/bai-viet-so-{i}-{100000 + i}.html</link></item>"
        for i in range(min(pages, 100))
    )
    site["/rss/home.rss"] = (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><link>{base}/</link>{items}</channel></rss>'.encode(),
        "application/rss+xml",
    )
    site["/"] = (b"<html><body><a href='/rss/home.rss'>RSS</a></body></html>", "text/html; charset=utf-8")
    site["/robots.txt"] = (f"User-agent: *\nAllow: /\nSitemap: {base}/sitemap.xml\n".encode(), "text/plain")
    return site


def serve_forever(site: dict[str, tuple[bytes, str]], port: int) -> None:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True

        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            found = site.get(self.path.split("?")[0])
            body, ctype = found if found else (b"not found", "text/plain")
            self.send_response(200 if found else 404)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        do_HEAD = do_GET

    httpd = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    httpd.daemon_threads = True
    httpd.serve_forever()


def wait_for(port: int) -> None:
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise SystemExit("benchmark server did not start")


def timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sitemaps", type=int, default=20)
    parser.add_argument("--per-sitemap", type=int, default=500)
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    import trafilatura
    from trafilatura import feeds as t_feeds
    from trafilatura import sitemaps as t_sitemaps
    from trafilatura.settings import use_config

    from lantoa.collect.crawler import expand_seed
    from lantoa.collect.fetch import Fetcher, FetchPolicy
    from lantoa.records import CrawlSettings

    # The server runs in its own process so that it does not compete for this one's GIL.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    base = f"http://{HOST}:{port}"
    site = build_site(base, args.sitemaps, args.per_sitemap, args.pages)
    server = multiprocessing.get_context("fork").Process(target=serve_forever, args=(site, port), daemon=True)
    server.start()
    # trafilatura refuses IP and localhost URLs, so both tools reach the local server through a
    # made-up domain name resolved to 127.0.0.1 here (a DNS override of this process only).
    real_getaddrinfo = socket.getaddrinfo

    def getaddrinfo(host: Any, *rest: Any, **kw: Any) -> Any:
        return real_getaddrinfo("127.0.0.1" if host == HOST else host, *rest, **kw)

    socket.getaddrinfo = getaddrinfo
    wait_for(port)

    crawl = CrawlSettings(rate_per_s=10_000.0, timeout_s=10.0, allow_private=True, max_pages=10**7)
    results: dict[str, Any] = {"config": vars(args), "trafilatura": trafilatura.__version__}

    config = use_config()
    config["DEFAULT"]["SSRF_PROTECTION"] = "off"  # the local server is on 127.0.0.1
    config["DEFAULT"]["SLEEP_TIME"] = "0"
    page_urls = [f"{base}/tin/bai-viet-so-{i}-{100000 + i}.html" for i in range(args.pages)]
    runs: dict[str, list[float]] = {k: [] for k in ("o_sm", "t_sm", "o_feed", "t_feed", "o_pages", "t_pages")}
    # Alternate the tools over several rounds and keep the median: the machine is shared.
    for _round in range(args.rounds):
        with Fetcher(FetchPolicy(user_agent="LantoaBench/1.0")) as fetcher:
            (ours_sm, _f, _p), t = timed(lambda: expand_seed(f"{base}/sitemap.xml", fetcher, crawl))
            runs["o_sm"].append(t)
            (ours_feed, _f2, _p2), t = timed(lambda: expand_seed(f"{base}/rss/home.rss", fetcher, crawl))
            runs["o_feed"].append(t)
            fetched, t = timed(lambda: [fetcher.fetch(u, crawl) for u in page_urls])
            runs["o_pages"].append(t)
            ours_ok = sum(1 for p in fetched if p.ok)
        theirs_sm, t = timed(
            lambda: t_sitemaps.sitemap_search(f"{base}/sitemap.xml", sleep_time=0, config=config)
        )
        runs["t_sm"].append(t)
        theirs_feed, t = timed(
            lambda: t_feeds.find_feed_urls(f"{base}/rss/home.rss", sleep_time=0, config=config)
        )
        runs["t_feed"].append(t)
        theirs_pages, t = timed(lambda: [trafilatura.fetch_url(u, config=config) for u in page_urls])
        runs["t_pages"].append(t)
        theirs_ok = sum(1 for p in theirs_pages if p)
    med = {k: statistics.median(v) for k, v in runs.items()}
    t_ours_sm, t_theirs_sm, t_ours_feed = med["o_sm"], med["t_sm"], med["o_feed"]
    t_theirs_feed, t_ours_pages, t_theirs_pages = med["t_feed"], med["o_pages"], med["t_pages"]
    server.terminate()

    expected = args.sitemaps * args.per_sitemap
    results["sitemap"] = {
        "expected_urls": expected,
        "lantoa": {
            "urls": len(ours_sm),
            "seconds": round(t_ours_sm, 3),
            "urls_per_s": round(len(ours_sm) / t_ours_sm),
        },
        "trafilatura": {
            "urls": len(theirs_sm),
            "seconds": round(t_theirs_sm, 3),
            "urls_per_s": round(len(theirs_sm) / t_theirs_sm) if t_theirs_sm else None,
        },
    }
    results["feed"] = {
        "expected_urls": min(args.pages, 100),
        "lantoa": {"urls": len(ours_feed), "seconds": round(t_ours_feed, 4)},
        "trafilatura": {"urls": len(theirs_feed), "seconds": round(t_theirs_feed, 4)},
    }
    results["pages"] = {
        "count": args.pages,
        "lantoa": {
            "ok": ours_ok,
            "pages_per_s": round(args.pages / t_ours_pages, 1),
            "robots_and_limits": True,
        },
        "trafilatura": {"ok": theirs_ok, "pages_per_s": round(args.pages / t_theirs_pages, 1)},
    }
    results["local"] = local_inputs()
    print(json.dumps(results, indent=2, ensure_ascii=False))
    out = Path(__file__).with_name("results.json")
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def local_inputs() -> dict[str, Any]:
    """Read vn-pages-dev as a folder and as a WARC (written here, in memory then a temp file)."""
    import tempfile

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    from lantoa.collect import collect

    if not DATA.is_dir():
        return {"skipped": f"{DATA} not found"}
    files = sorted(p for p in DATA.rglob("*.html"))
    size = sum(p.stat().st_size for p in files)
    repeat = 20
    _, t_folder = timed(lambda: [list(collect(str(DATA))) for _ in range(repeat)])
    with tempfile.TemporaryDirectory() as tmp:
        warc = Path(tmp) / "pages.warc.gz"
        with open(warc, "wb") as fh:
            writer = WARCWriter(fh, gzip=True)
            for _ in range(repeat):
                for path in files:
                    headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
                    record = writer.create_warc_record(
                        f"https://example.vn/{path.name}",
                        "response",
                        payload=io.BytesIO(path.read_bytes()),
                        http_headers=headers,
                    )
                    writer.write_record(record)
        pages, t_warc = timed(lambda: [p for p in collect(str(warc))])
    return {
        "files": len(files),
        "megabytes": round(size / 1e6, 2),
        "folder_pages_per_s": round(len(files) * repeat / t_folder, 1),
        "folder_mb_per_s": round(size * repeat / 1e6 / t_folder, 1),
        "warc_records": len(pages),
        "warc_gz_pages_per_s": round(len(pages) / t_warc, 1),
    }


if __name__ == "__main__":
    main()
