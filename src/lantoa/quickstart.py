"""The main job: set up the embedded database, fill it from real pages, create the first admin, serve.

``./scripts/run`` calls ``lantoa quickstart``. It is safe to run again: ingest is idempotent
(pages already stored come back ``unchanged``) and an existing admin is kept.
"""

from __future__ import annotations

import gzip
import json
import os
import secrets
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import click

from lantoa.cli import AppContext, pass_app
from lantoa.config import Settings
from lantoa.pipeline import IngestSummary
from lantoa.records import FetchedPage
from lantoa.samples import sample_pages
from lantoa.store.api import Store, open_store

VNTC_SOURCES = {"NLD": "Người Lao Động", "TT": "Tuổi Trẻ", "TN": "Thanh Niên", "VNE": "VnExpress"}


def default_data_dir() -> Path:
    """``../shared/data`` beside the working directory, or ``LANTOA_SHARED_DATA``."""
    return Path(os.environ.get("LANTOA_SHARED_DATA", Path.cwd().parent / "shared" / "data"))


def real_page_targets(data_dir: Path) -> list[str]:
    """Real pages of the data folder: Vietnamese news pages and the two seed articles."""
    targets = sorted(str(p) for p in (data_dir / "vn-pages-dev").glob("*.html"))
    targets += sorted(str(p) for p in (data_dir / "seeds").glob("*.txt"))
    return targets


def vntc_pages(data_dir: Path, limit: int) -> Iterator[FetchedPage]:
    """A spread of VNTC test articles (every topic) as JSON records, for search to chew on."""
    path = data_dir / "vntc" / "vntc10_full.jsonl.gz"
    if limit <= 0 or not path.is_file():
        return
    taken = 0
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for n, line in enumerate(fh):
            if n % 20:
                continue
            record = json.loads(line)
            if record.get("split") != "test":
                continue
            lines = [s.strip() for s in record["text"].splitlines() if s.strip()]
            if len(lines) < 2:
                continue
            payload = {
                "title": lines[0][:300],
                "paragraphs": lines[1:],
                "source": VNTC_SOURCES.get(record.get("source", ""), record.get("source")),
            }
            yield FetchedPage(
                url=f"urn:vntc:{record['id']}",
                content=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
                content_type="application/json",
                fetched_at=datetime.now(UTC),
                origin=f"{path}#{record['id']}",
            )
            taken += 1
            if taken >= limit:
                return


def fill(store: Store, settings: Settings, data_dir: Path, vntc_limit: int) -> IngestSummary:
    """Ingest the real pages (or the shipped samples when the data folder is absent)."""
    from lantoa.collect.run import ensure_sources, ingest_targets, merge
    from lantoa.pipeline import ingest

    ensure_sources(store, settings)
    targets = real_page_targets(data_dir) if data_dir.is_dir() else []
    if not targets:
        click.echo(f"No real data at {data_dir}: using the sample pages shipped with Lantoa.", err=True)
        targets = [str(p) for p in sample_pages()]
    summary = ingest_targets(targets, store, settings)
    if data_dir.is_dir():
        summary = merge(summary, ingest(vntc_pages(data_dir, vntc_limit), store))
    return summary


def ensure_admin(store: Store, username: str = "admin") -> str | None:
    """Create the first admin with a random password (returned) unless any user exists."""
    from lantoa.web import schema as _web_schema  # noqa: F401 - registers the "web" migrations
    from lantoa.web.users import Role, UserService

    store.migrate()
    users = UserService(store.engine)
    if users.count():
        return None
    password = secrets.token_urlsafe(12)
    users.add(username, password, Role.ADMIN)
    return password


@click.command("quickstart")
@click.option(
    "--data",
    "data_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder of real data (default: ../shared/data or LANTOA_SHARED_DATA).",
)
@click.option(
    "--vntc", "vntc_limit", default=2000, show_default=True, help="VNTC articles to add for search."
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address the web app listens on.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port the web app listens on.")
@click.option("--no-serve", is_flag=True, help="Fill the database and stop, without serving.")
@pass_app
def quickstart(
    app: AppContext, data_dir: Path | None, vntc_limit: int, host: str, port: int, no_serve: bool
) -> None:
    """Set up the database, fill it from real pages, create the first admin and serve the web app."""
    settings = app.settings
    store = open_store(settings.db)
    try:
        summary = fill(store, settings, data_dir or default_data_dir(), vntc_limit)
        click.echo(f"Ingest: {summary.line()}", err=True)
        password = ensure_admin(store)
    finally:
        store.close()
    if password:
        click.echo(f"First admin created. Log in as `admin` with password: {password}", err=True)
    else:
        click.echo("Log in with an existing account (reset one with `lantoa users passwd NAME`).", err=True)
    if no_serve:
        return
    import uvicorn

    from lantoa.web.app import create_app, freeze_startup_objects

    web = create_app(settings)
    click.echo(f"Lantoa is serving at http://{host}:{port} (Ctrl-C to stop)", err=True)
    freeze_startup_objects()
    uvicorn.run(web, host=host, port=port, log_level="warning", access_log=False)


commands = [quickstart]
