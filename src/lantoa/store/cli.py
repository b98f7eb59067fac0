"""``lantoa db migrate|info|reindex``: bring the schema up to date, show what a database holds,
rebuild the search index."""

from __future__ import annotations

import re

import click
from sqlalchemy import func, select

from lantoa.cli import AppContext, db_option, pass_app
from lantoa.store.api import open_store
from lantoa.store.migrations import current_versions
from lantoa.store.schema import articles, dup_groups, failures, pages, sources


def _shown(url: str) -> str:
    """The URL with any password masked."""
    return re.sub(r"(://[^:/@]+):[^@]*@", r"\1:***@", url)


@click.group("db")
def db_group() -> None:
    """Database maintenance: migrations and a summary of the contents."""


@db_group.command("migrate")
@db_option
@pass_app
def migrate_command(app: AppContext) -> None:
    """Apply pending schema migrations of every component (safe to run again)."""
    url = app.settings.db
    store = open_store(url, migrate=False)
    try:
        applied = store.migrate()
    finally:
        store.close()
    click.echo(f"{_shown(url)}: " + (", ".join(applied) if applied else "schema up to date"))


@db_group.command("info")
@db_option
@pass_app
def info_command(app: AppContext) -> None:
    """Backend, schema versions and row counts."""
    url = app.settings.db
    store = open_store(url, migrate=False)
    try:
        versions = current_versions(store.engine)
        click.echo(f"database: {_shown(url)} ({store.engine.dialect.name})")
        click.echo(
            "schema: " + (", ".join(f"{c} v{v}" for c, v in sorted(versions.items())) or "not migrated")
        )
        if "core" not in versions:
            return
        with store.engine.connect() as conn:
            for label, table in (
                ("sources", sources),
                ("pages", pages),
                ("articles", articles),
                ("duplicate groups", dup_groups),
                ("failures", failures),
            ):
                click.echo(f"{label}: {conn.execute(select(func.count()).select_from(table)).scalar_one()}")
        click.echo(f"stories (groups counted once): {store.count_articles(groups=True)}")
        click.echo(f"frontier pending: {store.frontier_pending()}")
    finally:
        store.close()


@db_group.command("reindex")
@db_option
@pass_app
def reindex_command(app: AppContext) -> None:
    """Rebuild the full-text search index from the stored articles (one transaction)."""
    from lantoa.search.index import rebuild_text  # lazy: the search component imports the store

    with app.store() as store, store.engine.begin() as conn:
        done = rebuild_text(conn)
    click.echo(f"{_shown(app.settings.db)}: {done} articles indexed")


commands = [db_group]
