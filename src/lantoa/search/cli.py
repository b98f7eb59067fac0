"""``lantoa search`` and ``lantoa searches save|list|run|delete``: thin layers over the library."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterable

import click

from lantoa.cli import AppContext, db_option, pass_app
from lantoa.search.engine import SearchHit, iter_search, search
from lantoa.search.ranking import DEFAULT_WINDOW
from lantoa.search.saved import delete_search, get_search, list_searches, save_search
from lantoa.store.api import Store

FORMATS = ("table", "jsonl", "csv")
CSV_FIELDS = ("id", "url", "title", "published", "source", "themes", "score", "snippet", "duplicates")


def hit_record(hit: SearchHit) -> dict[str, object]:
    """The JSONL/CSV shape of a hit (snippet matches between « and »)."""
    return {
        "id": hit.id,
        "url": hit.url,
        "title": hit.title,
        "published": hit.published.isoformat() if hit.published else None,
        "source": hit.source,
        "themes": list(hit.themes),
        "score": hit.score,
        "snippet": hit.snippet_text(("«", "»")),
        "duplicates": hit.duplicates,
    }


def _emit(hits: Iterable[SearchHit], fmt: str, total: str | None) -> int:
    shown = 0
    if fmt == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=CSV_FIELDS)
        writer.writeheader()
    for hit in hits:
        shown += 1
        record = hit_record(hit)
        if fmt == "jsonl":
            click.echo(json.dumps(record, ensure_ascii=False))
        elif fmt == "csv":
            record["themes"] = " ".join(hit.themes)
            writer.writerow(record)
        else:
            day = hit.published.date().isoformat() if hit.published else "----------"
            dup = f" (+{hit.duplicates} bản trùng)" if hit.duplicates else ""
            click.echo(f"{hit.id:>8}  {day}  {hit.source or '-'}  {hit.title}{dup}")
            click.echo(f"          {hit.snippet_text(('[', ']'))}")
    if fmt == "table" and total is not None:
        click.echo(f"— {shown} / {total} kết quả (results)", err=True)
    return shown


def _run(
    store: Store,
    query: str,
    fmt: str,
    limit: int | None,
    offset: int,
    sort: str,
    all_: bool,
    window: int = DEFAULT_WINDOW,
) -> None:
    if all_ or limit is None:
        hits = iter_search(store, query, sort)  # type: ignore[arg-type]
        if offset:
            hits = (h for i, h in enumerate(hits) if i >= offset)
        _emit(hits, fmt, None)
        return
    result = search(store, query, sort=sort, limit=limit, offset=offset, facets=False, window=window)  # type: ignore[arg-type]
    total = (
        str(result.total)
        if result.total_exact
        else f"≥ {result.total} (in the newest {result.window} matches; --all streams every one)"
    )
    _emit(result.hits, fmt, total)


_query_options = [
    db_option,
    click.option("--limit", type=int, default=20, show_default=True, help="Results to show (0..1000)."),
    click.option("--offset", type=int, default=0, show_default=True, help="Results to skip (pagination)."),
    click.option("--all", "all_", is_flag=True, help="Every result, streamed with no cap (for exports)."),
    click.option(
        "--sort",
        type=click.Choice(["relevance", "date"]),
        default="relevance",
        show_default=True,
        help="Order.",
    ),
    click.option(
        "--format",
        "fmt",
        type=click.Choice(FORMATS),
        default="table",
        show_default=True,
        help="Output format.",
    ),
]


def _with_query_options(f):  # type: ignore[no-untyped-def]
    for option in reversed(_query_options):
        f = option(f)
    return f


@click.command("search")
@click.argument("query")
@_with_query_options
@pass_app
def search_command(
    app: AppContext, query: str, limit: int, offset: int, all_: bool, sort: str, fmt: str
) -> None:
    """Search articles: words with or without diacritics, "phrases", AND/OR/NOT, fields.

    Example: lantoa search '"thông tin đối ngoại" theme:bien-dao date:2024-01..2024-06'.
    docs/search.md lists every field.
    """
    with app.store() as store:
        _run(store, query, fmt, limit, offset, sort, all_, app.settings.search_window)


@click.group("searches")
def searches_group() -> None:
    """Saved searches: save a query under a name, list, run or delete it."""


@searches_group.command("save")
@click.argument("name")
@click.argument("query")
@db_option
@click.option("--owner", help="User the search belongs to (default: shared).")
@click.option("--replace", is_flag=True, help="Overwrite a saved search of the same name.")
@pass_app
def save_command(app: AppContext, name: str, query: str, owner: str | None, replace: bool) -> None:
    """Save QUERY under NAME (the query is checked first)."""
    with app.store() as store:
        saved = save_search(store, name, query, owner=owner, replace=replace)
    click.echo(f"saved '{saved.name}': {saved.query}")


@searches_group.command("list")
@db_option
@pass_app
def list_command(app: AppContext) -> None:
    """Saved searches, by name."""
    with app.store() as store:
        for s in list_searches(store):
            click.echo(f"{s.name}\t{s.query}")


@searches_group.command("run")
@click.argument("name")
@_with_query_options
@pass_app
def run_command(app: AppContext, name: str, limit: int, offset: int, all_: bool, sort: str, fmt: str) -> None:
    """Run the saved search NAME (same options as `lantoa search`)."""
    with app.store() as store:
        _run(store, get_search(store, name).query, fmt, limit, offset, sort, all_, app.settings.search_window)


@searches_group.command("delete")
@click.argument("name")
@db_option
@pass_app
def delete_command(app: AppContext, name: str) -> None:
    """Delete the saved search NAME."""
    with app.store() as store:
        delete_search(store, name)
    click.echo(f"deleted '{name}'")


commands = [search_command, searches_group]
