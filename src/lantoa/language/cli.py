"""``lantoa analyze FILE|-``: the language stage on a local article, printed as JSON.

The language package (numpy, the topic model) is imported when the command runs, not when the
CLI starts, so ``lantoa --help`` and other commands stay quick.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from lantoa.cli import AppContext, pass_app
from lantoa.errors import InputError, LantoaError
from lantoa.records import Analysis, Article, FetchedPage
from lantoa.store.serialize import analysis_to_json

_READ_LIMIT = 20_000_000
"""Bytes read from one input at most (a bigger file is cut; analysis reads far less anyway)."""


def analysis_json(analysis: Analysis) -> dict[str, Any]:
    """The JSON object of one analysis: the stored form, with themes as sorted slugs and the
    evidence and scores by slug (keys fixed by issue 3)."""
    data = analysis_to_json(analysis)
    data["themes"] = list(analysis.theme_slugs)
    data["evidence"] = {t.slug: list(t.evidence) for t in analysis.themes}
    data["scores"] = {t.slug: t.score for t in analysis.themes}
    return data


def _read(path: str) -> bytes:
    if path == "-":
        return sys.stdin.buffer.read(_READ_LIMIT)
    file = Path(path)
    if not file.is_file():
        raise InputError("no such file")
    with file.open("rb") as handle:
        return handle.read(_READ_LIMIT)


def _decode_text(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        from lantoa.extract.decode import decode_html

        text, _ = decode_html(content, None)
        return text


def read_article(path: str) -> Article:
    """An article from a file or stdin: an HTML page (extracted) or plain text (headline first)."""
    content = _read(path)
    if not content.strip():
        raise InputError("input is empty")
    from lantoa.extract import extract_page, sniff
    from lantoa.language import text_article

    origin = None if path == "-" else path
    if sniff(content) in ("html", "json"):
        return extract_page(FetchedPage(url="", content=content, origin=origin))
    return text_article(_decode_text(content))


@click.command("analyze")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, allow_dash=True))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "jsonl"]),
    default="json",
    show_default=True,
    help="json: one indented object (one file); jsonl: one line per file, with a `file` key.",
)
@click.option("--themes-file", help="Theme rules (TOML) to use instead of the setting `themes_file`.")
@pass_app
def analyze_command(app: AppContext, files: tuple[str, ...], fmt: str, themes_file: str | None) -> None:
    """Understand each article FILE (plain text with the headline on the first line, or an HTML
    page; - reads stdin): themes with evidence, relevance, topic, people, organisations, places
    and documents, printed as JSON.

    A bad file gets a one-line error on stderr (and, in jsonl, an object with `file` and
    `error`); the run goes on and exits with status 1 when any file failed.
    """
    from lantoa.language import analyze
    from lantoa.language.theme_rules import use_rules

    rules_path = themes_file or app.settings.themes_file
    if rules_path:
        use_rules(rules_path)
    if fmt == "json" and len(files) > 1:
        raise click.UsageError("--format json takes one file; use --format jsonl for several")
    failed = 0
    for path in files:
        try:
            record: dict[str, Any] = analysis_json(analyze(read_article(path)))
        except LantoaError as exc:
            failed += 1
            click.echo(f"lantoa analyze: {path}: {exc}", err=True)
            record = {"error": str(exc)}
        except OSError as exc:
            failed += 1
            click.echo(f"lantoa analyze: {path}: cannot read: {exc.strerror or exc}", err=True)
            record = {"error": f"cannot read: {exc.strerror or exc}"}
        if fmt == "jsonl":
            click.echo(json.dumps({"file": path, **record}, ensure_ascii=False))
        elif "error" not in record:
            click.echo(json.dumps(record, ensure_ascii=False, indent=2))
    if failed:
        sys.exit(1)


commands = [analyze_command]
