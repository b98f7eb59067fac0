"""Commands of the collect stage: ingest, crawl, sources, articles (thin over the library)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from typing import IO, TypeVar

import click

from lantoa.cli import AppContext, pass_app
from lantoa.collect.export import show_text, table_lines, write_csv, write_jsonl
from lantoa.collect.run import crawl_once, crawl_watch, ensure_sources, ingest_targets
from lantoa.collect.sources import load_sources, parse_source, source_to_toml
from lantoa.errors import NotFound
from lantoa.pipeline import IngestSummary
from lantoa.records import CrawlSettings, SourceLevel
from lantoa.store.api import ArticleFilter, StoredArticle

T = TypeVar("T")


def _progress(items: Iterable[T]) -> Iterable[T]:
    from tqdm import tqdm

    return tqdm(items, desc="lantoa", unit=" trang", file=sys.stderr, disable=None, leave=False)


class _SharedBar:
    """One progress bar across the many small batches of a crawl (shown on a terminal only)."""

    def __init__(self) -> None:
        from tqdm import tqdm

        self.bar = tqdm(desc="crawl", unit=" trang", file=sys.stderr, disable=None, leave=False)

    def __call__(self, items: Iterable[T]) -> Iterator[T]:
        for item in items:
            yield item
            self.bar.update(1)

    def close(self) -> None:
        self.bar.close()


def _finish(ctx: click.Context, summary: IngestSummary) -> None:
    click.echo(summary.line())
    if summary.failed:
        ctx.exit(1)


@click.command("ingest")
@click.argument("targets", nargs=-1, required=True)
@click.option("--source", help="Name of the source these pages belong to (its crawl limits apply to URLs).")
@click.option("--workers", type=click.IntRange(1, 256), help="Processes for extraction (setting `workers`).")
@pass_app
@click.pass_context
def ingest_command(
    ctx: click.Context, app: AppContext, targets: tuple[str, ...], source: str | None, workers: int | None
) -> None:
    """Collect and store PATH or URL targets: files, folders, JSONL, WARC, pages, feeds, sitemaps.

    Prints a summary line; exits with status 1 when some inputs failed (the rest is stored).
    """
    with app.store() as store:
        summary = ingest_targets(
            list(targets), store, app.settings, source=source, workers=workers, progress=_progress
        )
    _finish(ctx, summary)


@click.command("crawl")
@click.option("--source", help="Crawl only this source (even when paused).")
@click.option("--once", "mode", flag_value="once", default=True, help="One poll of every source (default).")
@click.option(
    "--watch", "mode", flag_value="watch", help="Keep polling each source at its interval until Ctrl-C."
)
@click.option("--workers", type=click.IntRange(1, 256), help="Processes for extraction (setting `workers`).")
@click.option(
    "--threads",
    type=click.IntRange(1, 64),
    default=4,
    show_default=True,
    help="Sources crawled at the same time (each host keeps its own rate limit).",
)
@pass_app
@click.pass_context
def crawl_command(
    ctx: click.Context, app: AppContext, source: str | None, mode: str, workers: int | None, threads: int
) -> None:
    """Crawl the sources: feeds, sitemaps, home pages and the persistent frontier.

    A killed crawl resumes where it stopped; pages already stored are not fetched again.
    """
    with app.store() as store:
        if mode == "watch":
            summary = crawl_watch(
                store,
                app.settings,
                source=source,
                workers=workers,
                threads=threads,
                on_poll=lambda src, s: click.echo(f"{src.name}: {s.line()}"),
            )
        else:
            bar = _SharedBar()
            try:
                summary = crawl_once(
                    store,
                    app.settings,
                    source=source,
                    workers=workers,
                    threads=threads,
                    progress=bar,
                    on_source=lambda src, s: click.echo(f"{src.name}: {s.line()}", err=True),
                )
            finally:
                bar.close()
    _finish(ctx, summary)


# --- sources -----------------------------------------------------------------------------------


@click.group("sources")
def sources_group() -> None:
    """List, add, import, pause and remove the sources Lantoa follows."""


@sources_group.command("list")
@pass_app
def sources_list(app: AppContext) -> None:
    """Every source with its level, province, feeds and health."""
    with app.store() as store:
        sources = ensure_sources(store, app.settings)
        health = {h.name: h for h in store.source_health()}
    click.echo(
        f"{'TÊN':<20} {'CẤP':<9} {'TỈNH/THÀNH':<14} {'FEED':>4} {'SITEMAP':>7} {'BÀI':>6} {'LỖI':>6}  TRẠNG THÁI"
    )
    for s in sources:
        h = health.get(s.name)
        state = "tạm dừng" if s.crawl.paused else "đang theo dõi"
        articles = h.articles if h else 0
        errors = f"{h.error_rate:.0%}" if h and h.fetches else "-"
        click.echo(
            f"{s.name:<20} {s.level.value:<9} {(s.province or '-'):<14} {len(s.feeds):>4} "
            f"{len(s.sitemaps):>7} {articles:>6} {errors:>6}  {state}"
        )


@sources_group.command("show")
@click.argument("name")
@pass_app
def sources_show(app: AppContext, name: str) -> None:
    """One source as TOML (the sources-file form), then its health."""
    with app.store() as store:
        ensure_sources(store, app.settings)
        source = store.get_source(name)
        health = next((h for h in store.source_health() if h.name == name), None)
    click.echo(source_to_toml(source), nl=False)
    if health is not None:
        last = health.last_fetch.isoformat() if health.last_fetch else "-"
        click.echo(
            f"# fetches: {health.fetches}, errors: {health.errors}, articles: {health.articles}, "
            f"per day: {health.articles_per_day:.1f}, last fetch: {last}"
        )
        if health.last_error:
            click.echo(f"# last error: {health.last_error}")


@sources_group.command("add")
@click.argument("name")
@click.option("--home", "home_url", required=True, help="Home page URL.")
@click.option(
    "--level",
    type=click.Choice([v.value for v in SourceLevel]),
    default="other",
    show_default=True,
    help="Where the source stands: central, province, commune, press, foreign or other.",
)
@click.option("--province", help="Province (current name), for provincial and commune sources.")
@click.option("--language", default="vi", show_default=True, help="Language code of the source.")
@click.option("--feed", "feeds", multiple=True, help="RSS/Atom feed URL (repeatable).")
@click.option("--sitemap", "sitemaps", multiple=True, help="Sitemap URL (repeatable).")
@click.option("--interval", "interval_s", type=click.IntRange(1), help="Seconds between polls.")
@click.option("--rate", "rate_per_s", type=click.FloatRange(0.001), help="Requests per second at most.")
@click.option("--max-depth", type=click.IntRange(0, 5), help="Link depth followed from listing pages.")
@click.option("--allow-private", is_flag=True, help="Allow private/loopback addresses (intranet portals).")
@pass_app
def sources_add(
    app: AppContext,
    name: str,
    home_url: str,
    level: str,
    province: str | None,
    language: str,
    feeds: tuple[str, ...],
    sitemaps: tuple[str, ...],
    interval_s: int | None,
    rate_per_s: float | None,
    max_depth: int | None,
    allow_private: bool,
) -> None:
    """Add (or replace) a source."""
    crawl: dict[str, object] = {"allow_private": allow_private} if allow_private else {}
    for key, value in (("interval_s", interval_s), ("rate_per_s", rate_per_s), ("max_depth", max_depth)):
        if value is not None:
            crawl[key] = value
    data = {
        "name": name,
        "home_url": home_url,
        "level": level,
        "language": language,
        "feeds": list(feeds),
        "sitemaps": list(sitemaps),
        "crawl": crawl,
    }
    if province:
        data["province"] = province
    source = parse_source(data, "source")
    with app.store() as store:
        ensure_sources(store, app.settings)
        store.upsert_source(source)
    click.echo(f"added source {name}")


@sources_group.command("remove")
@click.argument("name")
@pass_app
def sources_remove(app: AppContext, name: str) -> None:
    """Remove a source (its stored articles stay)."""
    with app.store() as store:
        store.get_source(name)
        store.delete_source(name)
    click.echo(f"removed source {name}")


@sources_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@pass_app
def sources_import(app: AppContext, file: str) -> None:
    """Add or update every source of a TOML or YAML sources file (all or nothing)."""
    sources = load_sources(file)
    with app.store() as store:
        for source in sources:
            store.upsert_source(source)
    click.echo(f"imported {len(sources)} source(s) from {file}")


def _set_paused(app: AppContext, name: str, paused: bool) -> None:
    with app.store() as store:
        ensure_sources(store, app.settings)
        try:
            source = store.get_source(name)
        except NotFound:
            raise NotFound(f"no source named {name!r} (see `lantoa sources list`)") from None
        crawl: CrawlSettings = replace(source.crawl, paused=paused)
        store.upsert_source(replace(source, crawl=crawl))


@sources_group.command("pause")
@click.argument("name")
@pass_app
def sources_pause(app: AppContext, name: str) -> None:
    """Stop crawling a source until `resume`."""
    _set_paused(app, name, True)
    click.echo(f"paused source {name}")


@sources_group.command("resume")
@click.argument("name")
@pass_app
def sources_resume(app: AppContext, name: str) -> None:
    """Crawl a paused source again."""
    _set_paused(app, name, False)
    click.echo(f"resumed source {name}")


# --- articles ----------------------------------------------------------------------------------


@click.group("articles")
def articles_group() -> None:
    """List, show and export stored articles."""


@articles_group.command("list")
@click.option(
    "--limit", type=click.IntRange(1), default=20, show_default=True, help="Articles shown at most."
)
@click.option("--source", help="Only articles of this source.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "jsonl"]),
    default="table",
    show_default=True,
    help="A table for people or one JSON object per line.",
)
@pass_app
def articles_list(app: AppContext, limit: int, source: str | None, fmt: str) -> None:
    """Newest articles first."""
    with app.store() as store:
        articles = store.iter_articles(ArticleFilter(source=source), limit=limit)
        if fmt == "jsonl":
            write_jsonl(articles, sys.stdout)
        else:
            for line in table_lines(articles):
                click.echo(line)


@articles_group.command("show")
@click.argument("article_id", type=int)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Readable text or one JSON object.",
)
@pass_app
def articles_show(app: AppContext, article_id: int, fmt: str) -> None:
    """One article in full."""
    with app.store() as store:
        stored = store.get_article(article_id)
    if fmt == "json":
        write_jsonl([stored], sys.stdout)
    else:
        click.echo(show_text(stored))


@articles_group.command("export")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "csv"]),
    default="jsonl",
    show_default=True,
    help="JSON lines, or CSV with lists joined by semicolons.",
)
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False, writable=True), help="File (default: stdout)."
)
@click.option("--source", help="Only articles of this source.")
@click.option("--include-listings", is_flag=True, help="Also export listing (home/section) pages.")
@pass_app
def articles_export(
    app: AppContext, fmt: str, output: str | None, source: str | None, include_listings: bool
) -> None:
    """Export every stored article, streamed (no cap), as JSONL or CSV."""
    writer: Callable[[Iterable[StoredArticle], IO[str]], int] = write_jsonl if fmt == "jsonl" else write_csv
    filters = ArticleFilter(source=source, include_listings=include_listings)
    with app.store() as store:
        if output:
            with open(output, "w", encoding="utf-8", newline="") as fh:
                count = writer(store.iter_articles(filters), fh)
            click.echo(f"exported {count} article(s) to {output}", err=True)
        else:
            writer(store.iter_articles(filters), sys.stdout)


commands = [ingest_command, crawl_command, sources_group, articles_group]
