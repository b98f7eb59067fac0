"""The polite HTTP fetcher: robots.txt, per-host rate limit, retries, limits, safe redirects.

One ``Fetcher`` serves a whole crawl so that the robots.txt cache and the per-host clocks are
shared by every source on the same host. It never follows a redirect by itself: each hop is
checked again (scheme, private address, robots.txt, loop), because a public page may redirect
to an intranet address.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import httpx

from lantoa.collect.guard import check_address, make_client
from lantoa.collect.text import one_line
from lantoa.errors import FetchError
from lantoa.records import CrawlSettings, FetchedPage
from lantoa.store.api import Store

log = logging.getLogger(__name__)

PAGE_TYPES = frozenset(
    {
        "text/html",
        "application/xhtml+xml",
        "text/plain",
        "text/xml",
        "application/xml",
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/x-rss+xml",
    }
)
GZIP_TYPES = frozenset({"application/gzip", "application/x-gzip", "application/octet-stream"})
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


@dataclass(frozen=True)
class FetchPolicy:
    """Process-wide fetch behaviour; per-source limits come from ``CrawlSettings``."""

    user_agent: str
    retries: int = 3
    backoff_s: float = 1.0
    """First back-off; doubled at each retry."""
    max_wait_s: float = 60.0
    """Bound on one back-off or ``Retry-After`` wait; a server asking for more is given up on."""
    max_redirects: int = 5
    robots_ttl_s: float = 3600.0
    robots_retry_s: float = 300.0
    """An unreachable robots.txt (RFC 9309: crawl nothing) is asked for again after this long."""
    max_crawl_delay_s: float = 30.0


class _Retry(Exception):
    def __init__(self, reason: str, wait_s: float | None = None) -> None:
        super().__init__(reason)
        self.wait_s = wait_s


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _mime(content_type: str | None) -> str:
    return (content_type or "").split(";")[0].strip().lower()


def _charset(content_type: str | None) -> str | None:
    for part in (content_type or "").split(";")[1:]:
        key, _, value = part.partition("=")
        if key.strip().lower() == "charset" and value.strip(" \"'"):
            return value.strip(" \"'").lower()
    return None


class Fetcher:
    """Fetch pages politely; every outcome is a ``FetchedPage`` (``error`` set on failure)."""

    def __init__(
        self,
        policy: FetchPolicy,
        *,
        store: Store | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.policy = policy
        self.store = store
        self._sleep = sleep
        self._guarded = make_client(policy.user_agent, guarded=True)
        self._open = make_client(policy.user_agent, guarded=False)
        self._next_slot: dict[str, float] = {}
        self._robots: dict[str, tuple[float, RobotFileParser]] = {}
        self._lock = threading.Lock()

    def close(self) -> None:
        self._guarded.close()
        self._open.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- public -----------------------------------------------------------------------------

    def fetch(
        self,
        url: str,
        crawl: CrawlSettings | None = None,
        *,
        source: str | None = None,
        accept_gzip: bool = False,
        conditional: bool = True,
    ) -> FetchedPage:
        """GET ``url`` within the source's limits; record it in the store when one is given.

        A ``304 Not Modified`` answer to a conditional GET comes back with ``status`` 304 and
        no content: the caller skips it.
        """
        crawl = crawl or CrawlSettings()
        etag = last_modified = None
        if conditional and self.store is not None:
            etag, last_modified = self.store.page_validators(url)
        started = datetime.now(UTC)
        try:
            page = self._fetch(url, crawl, source, accept_gzip, etag, last_modified)
        except FetchError as exc:
            page = FetchedPage(
                url=url, content=b"", fetched_at=started, source=source, error=one_line(str(exc))
            )
        if page.status == 304:
            page = FetchedPage(
                url=url,
                content=b"",
                final_url=page.final_url,
                fetched_at=page.fetched_at,
                status=304,
                source=source,
                etag=page.etag or etag,
                last_modified=page.last_modified or last_modified,
            )
        if self.store is not None:
            self.store.record_page(page)
        if page.error:
            log.info("fetch %s failed: %s", url, page.error)
        return page

    def allowed(self, url: str, crawl: CrawlSettings) -> bool:
        """Whether robots.txt lets our User-Agent fetch ``url`` (always true if robots are off)."""
        if not crawl.respect_robots:
            return True
        return self._robots_for(url, crawl).can_fetch(self.policy.user_agent, url)

    def robots_sitemaps(self, url: str, crawl: CrawlSettings) -> list[str]:
        """``Sitemap:`` lines of the robots.txt of ``url``'s host (how many sites announce them)."""
        return list(self._robots_for(url, crawl).site_maps() or [])

    # --- internals --------------------------------------------------------------------------

    def _fetch(
        self,
        url: str,
        crawl: CrawlSettings,
        source: str | None,
        accept_gzip: bool,
        etag: str | None,
        last_modified: str | None,
    ) -> FetchedPage:
        headers: dict[str, str] = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        current = url
        seen = {url}
        for _hop in range(self.policy.max_redirects + 1):
            self._check_target(current, crawl)
            if not self.allowed(current, crawl):
                raise FetchError(f"disallowed by robots.txt: {current}")
            response, body = self._with_retries(current, crawl, headers, accept_gzip)
            if response.status_code in REDIRECT_STATUSES and "location" in response.headers:
                target = urljoin(current, response.headers["location"])
                if target in seen:
                    raise FetchError(f"redirect loop at {target}")
                seen.add(target)
                current = target
                continue
            return self._page(url, current, response, body, source)
        raise FetchError(f"too many redirects (over {self.policy.max_redirects})")

    def _page(
        self, url: str, final: str, response: httpx.Response, body: bytes, source: str | None
    ) -> FetchedPage:
        status = response.status_code
        content_type = response.headers.get("content-type")
        error = None
        if status >= 400:
            error = f"HTTP {status} {response.reason_phrase}".strip()
            body = b""
        return FetchedPage(
            url=url,
            content=body,
            final_url=final,
            fetched_at=datetime.now(UTC),
            status=status,
            content_type=_mime(content_type) or None,
            encoding=_charset(content_type),
            source=source,
            error=error,
            etag=response.headers.get("etag"),
            last_modified=response.headers.get("last-modified"),
        )

    def _check_target(self, url: str, crawl: CrawlSettings) -> None:
        try:
            parts = urlsplit(url)
        except ValueError as exc:
            raise FetchError(f"malformed URL {url}: {exc}") from exc
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise FetchError(f"not an http(s) URL: {url}")
        try:
            port = parts.port
        except ValueError as exc:
            raise FetchError(f"bad port in URL: {url}") from exc
        check_address(parts.hostname, port, allow_private=crawl.allow_private)

    def _with_retries(
        self, url: str, crawl: CrawlSettings, headers: dict[str, str], accept_gzip: bool
    ) -> tuple[httpx.Response, bytes]:
        attempt = 0
        while True:
            try:
                return self._attempt(url, crawl, headers, accept_gzip)
            except _Retry as exc:
                if attempt >= self.policy.retries:
                    raise FetchError(f"{exc} (after {attempt + 1} attempts)") from None
                wait = self.policy.backoff_s * (2**attempt)
                if exc.wait_s is not None:
                    if exc.wait_s > self.policy.max_wait_s:
                        raise FetchError(f"{exc}; server asks to retry after {exc.wait_s:.0f} s") from None
                    wait = max(wait, exc.wait_s)
                wait = min(wait, self.policy.max_wait_s)
                log.debug("retry %s in %.1f s: %s", url, wait, exc)
                self._sleep(wait)
                attempt += 1

    def _attempt(
        self, url: str, crawl: CrawlSettings, headers: dict[str, str], accept_gzip: bool
    ) -> tuple[httpx.Response, bytes]:
        self._wait_turn(url, crawl)
        deadline = time.monotonic() + crawl.timeout_s
        try:
            client = self._open if crawl.allow_private else self._guarded
            with client.stream(
                "GET", url, headers=headers, timeout=httpx.Timeout(crawl.timeout_s)
            ) as response:
                status = response.status_code
                if status in RETRY_STATUSES:
                    wait = _retry_after(response.headers.get("retry-after"))
                    raise _Retry(f"HTTP {status}", wait)
                if status >= 300:
                    return response, b""
                mime = _mime(response.headers.get("content-type"))
                if mime and mime not in PAGE_TYPES and not (accept_gzip and mime in GZIP_TYPES):
                    raise FetchError(f"content type {mime} not collected")
                declared = response.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > crawl.max_bytes:
                    raise FetchError(f"too large: {declared} bytes over the {crawl.max_bytes} limit")
                chunks: list[bytes] = []
                size = 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > crawl.max_bytes:
                        raise FetchError(f"too large: over the {crawl.max_bytes} bytes limit")
                    if time.monotonic() > deadline:
                        raise _Retry(f"time limit of {crawl.timeout_s:g} s exceeded")
                    chunks.append(chunk)
                return response, b"".join(chunks)
        except httpx.TimeoutException:
            raise _Retry(f"timed out after {crawl.timeout_s:g} s") from None
        except (httpx.ReadError, httpx.RemoteProtocolError) as exc:
            raise _Retry(f"connection broken: {exc or type(exc).__name__}") from None
        except httpx.DecodingError as exc:
            raise FetchError(f"bad content encoding: {exc}") from None
        except httpx.HTTPError as exc:
            raise FetchError(f"{type(exc).__name__}: {exc}") from None

    def _wait_turn(self, url: str, crawl: CrawlSettings) -> None:
        """Sleep until this host may be asked again (rate limit and robots Crawl-delay)."""
        host = (urlsplit(url).netloc or "").lower()
        interval = 1.0 / crawl.rate_per_s if crawl.rate_per_s > 0 else 0.0
        cached = self._robots.get(host)
        if cached is not None and crawl.respect_robots:
            delay = cached[1].crawl_delay(self.policy.user_agent)
            if delay:
                interval = max(interval, min(float(delay), self.policy.max_crawl_delay_s))
        with self._lock:
            now = time.monotonic()
            slot = max(now, self._next_slot.get(host, now))
            self._next_slot[host] = slot + interval
        if slot > now:
            self._sleep(slot - now)
        with self._lock:
            # Count from when this request really leaves, not from its reserved slot: a late
            # start must not shorten the gap before the next one.
            self._next_slot[host] = max(self._next_slot[host], time.monotonic() + interval)

    def _robots_for(self, url: str, crawl: CrawlSettings) -> RobotFileParser:
        parts = urlsplit(url)
        host = parts.netloc.lower()
        cached = self._robots.get(host)
        if cached is not None and time.monotonic() - cached[0] < self.policy.robots_ttl_s:
            return cached[1]
        parser = RobotFileParser()
        robots_url = f"{parts.scheme}://{parts.netloc}/robots.txt"
        unreachable = False
        try:
            response, body = self._robots_get(robots_url, crawl)
        except FetchError as exc:
            # RFC 9309: an unreachable robots.txt means the whole site is off limits for now.
            log.info("robots.txt of %s unreachable (%s): not crawling it", host, exc)
            unreachable = True
            parser.parse(["User-agent: *", "Disallow: /"])
        else:
            if response.status_code == 200:
                parser.parse(body.decode("utf-8", "replace").splitlines())
            elif 400 <= response.status_code < 500:
                parser.parse([])
            else:
                unreachable = True
                parser.parse(["User-agent: *", "Disallow: /"])
        parser.modified()
        stamp = time.monotonic()
        if unreachable:
            # Ask again in a few minutes rather than leave the host alone for the whole TTL.
            stamp -= max(0.0, self.policy.robots_ttl_s - self.policy.robots_retry_s)
        self._robots[host] = (stamp, parser)
        return parser

    def _robots_get(self, url: str, crawl: CrawlSettings) -> tuple[httpx.Response, bytes]:
        current = url
        limits = CrawlSettings(
            rate_per_s=crawl.rate_per_s,
            timeout_s=crawl.timeout_s,
            max_bytes=min(crawl.max_bytes, 512_000),
            allow_private=crawl.allow_private,
        )
        for _hop in range(self.policy.max_redirects + 1):
            self._check_target(current, limits)
            response, body = self._with_retries(current, limits, {}, False)
            if response.status_code in REDIRECT_STATUSES and "location" in response.headers:
                current = urljoin(current, response.headers["location"])
                continue
            return response, body
        raise FetchError("too many redirects for robots.txt")
