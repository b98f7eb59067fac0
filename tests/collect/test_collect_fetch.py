"""The polite fetcher against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from collect_server import Reply, Server

from lantoa.collect.fetch import Fetcher, FetchPolicy
from lantoa.collect.guard import check_address
from lantoa.errors import FetchError
from lantoa.records import CrawlSettings
from lantoa.store.api import open_store

UA = "LantoaTest/1.0 (+tests)"
HTML = "<html><head><title>Tin</title></head><body><p>Nội dung bài viết.</p></body></html>"


def make_fetcher(store: object = None, **kwargs: object) -> Fetcher:
    policy = FetchPolicy(user_agent=UA, backoff_s=0.05, max_wait_s=2.0, **kwargs)  # type: ignore[arg-type]
    return Fetcher(policy, store=store)  # type: ignore[arg-type]


def test_fetches_page_with_user_agent_and_charset(server: Server, local_crawl: CrawlSettings) -> None:
    url = server.page("/a.html", HTML, content_type="text/html; charset=windows-1258")
    with make_fetcher() as fetcher:
        page = fetcher.fetch(url, local_crawl, source="s")
    assert page.ok and page.status == 200
    assert page.content == HTML.encode()
    assert page.encoding == "windows-1258" and page.content_type == "text/html"
    assert page.source == "s"
    assert server.hits("/a.html")[0].headers["user-agent"] == UA


def test_robots_disallow_is_honoured(server: Server, local_crawl: CrawlSettings) -> None:
    server.page("/robots.txt", "User-agent: lantoatest\nDisallow: /private/\n", content_type="text/plain")
    secret = server.page("/private/x.html", HTML)
    public = server.page("/public/y.html", HTML)
    with make_fetcher() as fetcher:
        refused = fetcher.fetch(secret, local_crawl)
        allowed = fetcher.fetch(public, local_crawl)
        again = fetcher.fetch(secret, local_crawl)
    assert refused.error and "robots.txt" in refused.error
    assert again.error and "robots.txt" in again.error
    assert allowed.ok
    assert server.hits("/private/x.html") == []
    assert len(server.hits("/robots.txt")) == 1, "robots.txt is cached per host"


def test_robots_ignored_when_source_says_so(server: Server, local_crawl: CrawlSettings) -> None:
    server.page("/robots.txt", "User-agent: *\nDisallow: /\n", content_type="text/plain")
    url = server.page("/a.html", HTML)
    with make_fetcher() as fetcher:
        assert fetcher.fetch(url, local_crawl).error
        assert fetcher.fetch(url, replace(local_crawl, respect_robots=False)).ok


def test_robots_server_error_means_disallow(server: Server, local_crawl: CrawlSettings) -> None:
    server.add("/robots.txt", Reply(status=503, body=b"down"))
    url = server.page("/a.html", HTML)
    with make_fetcher(retries=0) as fetcher:
        page = fetcher.fetch(url, local_crawl)
    assert page.error and "robots.txt" in page.error
    assert server.hits("/a.html") == []


def test_rate_limit_spacing_measured_by_server(server: Server, local_crawl: CrawlSettings) -> None:
    urls = [server.page(f"/p{i}.html", HTML) for i in range(5)]
    crawl = replace(local_crawl, rate_per_s=8.0)
    with make_fetcher() as fetcher:
        for url in urls:
            assert fetcher.fetch(url, crawl).ok
    times = [h.at for h in server.hits() if h.path.startswith("/p")]
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    assert len(gaps) == 4
    # Each gap may lose a few ms to scheduling on a loaded machine, the whole span may not.
    assert times[-1] - times[0] >= 4 * 0.125 - 0.01, gaps
    assert min(gaps) >= 0.125 * 0.8, gaps


def test_crawl_delay_from_robots_slows_down(server: Server, local_crawl: CrawlSettings) -> None:
    server.page("/robots.txt", "User-agent: *\nCrawl-delay: 1\n", content_type="text/plain")
    urls = [server.page(f"/d{i}.html", HTML) for i in range(2)]
    with make_fetcher() as fetcher:
        for url in urls:
            assert fetcher.fetch(url, local_crawl).ok
    times = [h.at for h in server.hits() if h.path.startswith("/d")]
    assert min(b - a for a, b in zip(times, times[1:], strict=False)) >= 0.95


def test_retries_server_errors_with_backoff(server: Server, local_crawl: CrawlSettings) -> None:
    url = server.add("/flaky", Reply(status=500), Reply(status=503), Reply(body=HTML.encode()))
    with make_fetcher() as fetcher:
        page = fetcher.fetch(url, local_crawl)
    assert page.ok and page.content == HTML.encode()
    times = [h.at for h in server.hits("/flaky")]
    assert len(times) == 3
    # back-off doubles: 0.05 s then 0.1 s
    assert times[1] - times[0] >= 0.045 and times[2] - times[1] >= 0.095


def test_gives_up_after_bounded_retries(server: Server, local_crawl: CrawlSettings) -> None:
    url = server.add("/down", Reply(status=502))
    with make_fetcher(retries=2) as fetcher:
        page = fetcher.fetch(url, local_crawl)
    assert page.error == "HTTP 502 (after 3 attempts)"
    assert len(server.hits("/down")) == 3


def test_retry_after_is_honoured(server: Server, local_crawl: CrawlSettings) -> None:
    url = server.add("/busy", Reply(status=429, headers={"Retry-After": "1"}), Reply(body=b"<p>ok</p>"))
    with make_fetcher() as fetcher:
        page = fetcher.fetch(url, local_crawl)
    assert page.ok
    first, second = (h.at for h in server.hits("/busy"))
    assert second - first >= 0.95


def test_retry_after_beyond_bound_gives_up(server: Server, local_crawl: CrawlSettings) -> None:
    url = server.add("/later", Reply(status=429, headers={"Retry-After": "3600"}))
    with make_fetcher() as fetcher:
        page = fetcher.fetch(url, local_crawl)
    assert page.error and "retry after 3600 s" in page.error
    assert len(server.hits("/later")) == 1


def test_slow_server_hits_time_limit(server: Server, local_crawl: CrawlSettings) -> None:
    url = server.add("/slow", Reply(body=b"<p>late</p>", delay=1.5))
    with make_fetcher(retries=1) as fetcher:
        page = fetcher.fetch(url, replace(local_crawl, timeout_s=0.3))
    assert page.error and "timed out" in page.error
    assert len(server.hits("/slow")) == 2


def test_dripping_body_hits_total_time_limit(server: Server, local_crawl: CrawlSettings) -> None:
    url = server.add("/drip", Reply(body=b"x" * 20_000, drip=0.05, content_length=False))
    with make_fetcher(retries=0) as fetcher:
        page = fetcher.fetch(url, replace(local_crawl, timeout_s=0.4))
    assert page.error and "time limit" in page.error


def test_declared_size_over_limit_refused(server: Server, local_crawl: CrawlSettings) -> None:
    url = server.add("/big", Reply(body=b"a" * 200_000))
    with make_fetcher() as fetcher:
        page = fetcher.fetch(url, replace(local_crawl, max_bytes=50_000))
    assert page.error and "too large" in page.error and page.content == b""


def test_streamed_size_over_limit_stops(server: Server, local_crawl: CrawlSettings) -> None:
    url = server.add("/huge", Reply(body=b"a" * 3_000_000, content_length=False))
    with make_fetcher() as fetcher:
        page = fetcher.fetch(url, replace(local_crawl, max_bytes=100_000))
    assert page.error == "too large: over the 100000 bytes limit"


def test_wrong_content_type_refused(server: Server, local_crawl: CrawlSettings) -> None:
    url = server.add("/img", Reply(body=b"\x89PNG....", content_type="image/png"))
    with make_fetcher() as fetcher:
        page = fetcher.fetch(url, local_crawl)
    assert page.error == "content type image/png not collected"


def test_client_errors_are_failures_without_retry(server: Server, local_crawl: CrawlSettings) -> None:
    with make_fetcher() as fetcher:
        page = fetcher.fetch(server.url("/missing"), local_crawl)
    assert page.status == 404 and page.error and page.error.startswith("HTTP 404")
    assert len(server.hits("/missing")) == 1


def test_redirects_followed_and_final_url_kept(server: Server, local_crawl: CrawlSettings) -> None:
    server.add("/old", Reply(status=301, headers={"Location": "/mid"}))
    server.add("/mid", Reply(status=302, headers={"Location": server.url("/new.html")}))
    final = server.page("/new.html", HTML)
    with make_fetcher() as fetcher:
        page = fetcher.fetch(server.url("/old"), local_crawl)
    assert page.ok and page.url == server.url("/old") and page.final_url == final


def test_redirect_loop_detected(server: Server, local_crawl: CrawlSettings) -> None:
    server.add("/a", Reply(status=302, headers={"Location": "/b"}))
    server.add("/b", Reply(status=302, headers={"Location": "/a"}))
    with make_fetcher() as fetcher:
        page = fetcher.fetch(server.url("/a"), local_crawl)
    assert page.error and "redirect loop" in page.error
    assert len(server.hits("/a")) == 1 and len(server.hits("/b")) == 1


def test_too_many_redirects(server: Server, local_crawl: CrawlSettings) -> None:
    for i in range(10):
        server.add(f"/r{i}", Reply(status=302, headers={"Location": f"/r{i + 1}"}))
    with make_fetcher(max_redirects=3) as fetcher:
        page = fetcher.fetch(server.url("/r0"), local_crawl)
    assert page.error == "too many redirects (over 3)"
    assert len(server.hits()) == 4 + 1  # robots.txt + 4 hops


def test_private_addresses_refused_by_default(server: Server) -> None:
    url = server.page("/a.html", HTML)
    with make_fetcher() as fetcher:
        page = fetcher.fetch(url, CrawlSettings(timeout_s=2.0))
    assert page.error and "refused private or loopback address 127.0.0.1" in page.error
    assert server.hits() == [], "nothing may be sent to a refused address"


@pytest.mark.parametrize("host", ["localhost", "10.1.2.3", "169.254.169.254", "[::1]", "0.0.0.0"])
def test_check_address_refuses_internal_hosts(host: str) -> None:
    with pytest.raises(FetchError, match="refused private"):
        check_address(host.strip("[]"), 80, allow_private=False)
    check_address(host.strip("[]"), 80, allow_private=True)


def test_redirect_to_private_address_refused(server: Server) -> None:
    # The first hop is allowed only because the test source allows private addresses; the
    # point is that each hop is checked again: here the hop leaves for a refused scheme.
    server.add("/go", Reply(status=302, headers={"Location": "file:///etc/passwd"}))
    with make_fetcher() as fetcher:
        page = fetcher.fetch(server.url("/go"), CrawlSettings(allow_private=True, rate_per_s=100))
    assert page.error and "not an http(s) URL" in page.error


def test_conditional_get_and_recording(server: Server, local_crawl: CrawlSettings, tmp_path: Path) -> None:
    url = server.add(
        "/c.html", Reply(body=HTML.encode(), etag='"v1"', last_modified="Mon, 01 Jan 2024 00:00:00 GMT")
    )
    store = open_store(str(tmp_path / "c.db"))
    try:
        with make_fetcher(store) as fetcher:
            first = fetcher.fetch(url, local_crawl)
            assert first.ok and first.etag == '"v1"'
            assert store.page_validators(url) == ('"v1"', "Mon, 01 Jan 2024 00:00:00 GMT")
            second = fetcher.fetch(url, local_crawl)
        assert second.status == 304 and second.content == b"" and second.error is None
        hits = server.hits("/c.html")
        assert "if-none-match" not in hits[0].headers
        assert hits[1].headers["if-none-match"] == '"v1"'
        assert hits[1].headers["if-modified-since"] == "Mon, 01 Jan 2024 00:00:00 GMT"
    finally:
        store.close()


def test_dns_rebinding_is_refused_at_connect_time(server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    """The name first resolves to a public address (the check), then to 127.0.0.1 (the attack)."""
    import socket

    server.page("/a.html", HTML)
    real = socket.getaddrinfo
    answers = iter(["93.184.216.34"])

    def rebinding(host: object, *args: object, **kwargs: object) -> object:
        if host == "rebind.example.vn":
            return real(next(answers, "127.0.0.1"), *args, **kwargs)  # type: ignore[arg-type]
        return real(host, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    with make_fetcher() as fetcher:
        page = fetcher.fetch(
            f"http://rebind.example.vn:{server.port}/a.html", CrawlSettings(respect_robots=False)
        )
    assert page.error and "refused private or loopback address 127.0.0.1" in page.error
    assert server.hits() == []


def test_unreachable_robots_is_asked_again_soon(server: Server, local_crawl: CrawlSettings) -> None:
    import time

    server.add(
        "/robots.txt", Reply(status=503), Reply(body=b"User-agent: *\nAllow: /\n", content_type="text/plain")
    )
    url = server.page("/a.html", HTML)
    with make_fetcher(retries=0, robots_retry_s=0.2) as fetcher:
        assert fetcher.fetch(url, local_crawl).error
        assert fetcher.fetch(url, local_crawl).error, "still cached as unreachable"
        time.sleep(0.3)
        assert fetcher.fetch(url, local_crawl).ok
    assert len(server.hits("/robots.txt")) == 2 and len(server.hits("/a.html")) == 1
