"""``lantoa duplicates``: the duplicate groups found at ingest, canonical article first;
``--rebuild`` re-groups every stored article in one pass (``lantoa.dedup.rebuild``)."""

from __future__ import annotations

import json
import os

import click

from lantoa.cli import AppContext, db_option, pass_app
from lantoa.dedup.groups import DuplicateGroup, GroupMember, list_groups


def _member_json(m: GroupMember) -> dict[str, object]:
    return {
        "id": m.id,
        "url": m.url,
        "source": m.source,
        "title": m.title,
        "published": m.published.isoformat() if m.published else None,
    }


def _table(groups: list[DuplicateGroup]) -> None:
    for g in groups:
        c = g.canonical
        day = c.published.date().isoformat() if c.published else "—"
        click.echo(f"Nhóm {g.group_id} · {g.size} bài · gốc #{c.id} {day} [{c.source or '—'}] {c.title}")
        for m in g.copies:
            mday = m.published.date().isoformat() if m.published else "—"
            click.echo(f"    #{m.id} {mday} [{m.source or '—'}] {m.title}  {m.url or ''}")


def _rebuild(app: AppContext, workers: int) -> None:
    from lantoa.dedup.rebuild import rebuild_groups

    with app.store() as store:
        r = rebuild_groups(store, workers)
    took = " · ".join(f"{k} {v:.1f} s ({r.cpu_seconds.get(k, 0):.0f} s CPU)" for k, v in r.seconds.items())
    click.echo(
        f"{r.articles} bài · {r.groups} nhóm trùng ({r.grouped} bài) · {r.moved} bài đổi nhóm · {took}"
    )
    click.echo("written: " + ", ".join(f"{k} {v}" for k, v in r.rows_written.items()))


@click.command("duplicates")
@db_option
@click.option("--limit", type=int, default=50, show_default=True, help="Groups shown at most (0: all).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "jsonl"]),
    default="table",
    show_default=True,
    help="table for people, jsonl (one group per line) for programs.",
)
@click.option(
    "--rebuild",
    is_flag=True,
    help="Re-group every stored article in one pass (same decisions as ingest; safe to re-run).",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Processes computing fingerprints for --rebuild (default: CPU cores).",
)
@pass_app
def duplicates_command(app: AppContext, limit: int, fmt: str, rebuild: bool, workers: int | None) -> None:
    """List duplicate groups (largest first): canonical article (earliest published) and its copies."""
    if rebuild:
        _rebuild(app, workers or os.cpu_count() or 1)
        return
    with app.store() as store:
        groups = list_groups(store, limit or None)
    if fmt == "jsonl":
        for g in groups:
            record = {
                "group_id": g.group_id,
                "size": g.size,
                "canonical": _member_json(g.canonical),
                "copies": [_member_json(m) for m in g.copies],
            }
            click.echo(json.dumps(record, ensure_ascii=False))
    else:
        _table(groups)
        if not groups:
            click.echo("Không có nhóm bài trùng. (No duplicate groups.)")


commands = [duplicates_command]
