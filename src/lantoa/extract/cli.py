"""``lantoa extract FILE...``: the extraction stage on local files, one JSON object per input."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from lantoa.errors import LantoaError
from lantoa.extract import MAX_PARSE_BYTES, extract_page
from lantoa.extract.jsonrecord import article_json
from lantoa.records import Article, FetchedPage

_READ_LIMIT = MAX_PARSE_BYTES + 1
"""Bytes read from a file at most: a 50 MB dump is not loaded whole to parse its first 8 MB."""


def extract_file(path: str, url: str | None = None) -> Article:
    """Read one local file (at most the bytes that are parsed) and extract it."""
    file = Path(path)
    if not file.is_file():
        raise LantoaError(f"{path}: no such file")
    with file.open("rb") as handle:
        content = handle.read(_READ_LIMIT)
    content_type = "application/json" if file.suffix.lower() in (".json", ".jsonl") else None
    return extract_page(FetchedPage(url=url or "", content=content, content_type=content_type, origin=path))


@click.command("extract")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "json"]),
    default="jsonl",
    show_default=True,
    help="jsonl: one object per line; json: an indented array (handy for one file).",
)
@click.option("--url", help="The page's URL, when the file does not say it (canonical link).")
def extract(files: tuple[str, ...], fmt: str, url: str | None) -> None:
    """Extract the article of each FILE (HTML page, text dump or JSON record) and print it as JSON.

    A bad file gets a one-line error on stderr (and an object with `file` and `error`); the run
    goes on and exits with status 1 when any file failed.
    """
    results: list[dict[str, Any]] = []
    failed = 0
    for path in files:
        try:
            record = {"file": path, **article_json(extract_file(path, url))}
        except LantoaError as exc:
            failed += 1
            click.echo(f"lantoa extract: {path}: {exc}", err=True)
            record = {"file": path, "error": str(exc)}
        except OSError as exc:
            failed += 1
            click.echo(f"lantoa extract: {path}: cannot read: {exc.strerror or exc}", err=True)
            record = {"file": path, "error": f"cannot read: {exc.strerror or exc}"}
        if fmt == "jsonl":
            click.echo(json.dumps(record, ensure_ascii=False))
        else:
            results.append(record)
    if fmt == "json":
        click.echo(json.dumps(results if len(results) != 1 else results[0], ensure_ascii=False, indent=2))
    click.echo(f"{len(files) - failed} extracted, {failed} failed", err=True)
    if failed:
        sys.exit(1)


commands = [extract]
