"""Saved searches on both backends, and the `lantoa search` / `lantoa searches` commands."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from lantoa.cli import cli
from lantoa.errors import InputError, NotFound, QuerySyntaxError
from lantoa.search.saved import delete_search, get_search, list_searches, save_search
from lantoa.store.api import Store


def test_save_list_get_delete(store: Store) -> None:
    save_search(store, "Biển đảo 2024", "theme:bien-dao date:2024")
    save_search(store, "Của tôi", "dang", owner="an")
    assert [s.name for s in list_searches(store)] == ["Biển đảo 2024", "Của tôi"]
    assert [s.name for s in list_searches(store, owner="binh")] == ["Biển đảo 2024"]
    assert get_search(store, "Biển đảo 2024").query == "theme:bien-dao date:2024"
    with pytest.raises(InputError, match="already exists"):
        save_search(store, "Biển đảo 2024", "x")
    save_search(store, "Biển đảo 2024", "theme:bien-dao", replace=True)
    assert get_search(store, "Biển đảo 2024").query == "theme:bien-dao"
    with pytest.raises(QuerySyntaxError):
        save_search(store, "hỏng", "(a")
    delete_search(store, "Của tôi")
    with pytest.raises(NotFound):
        get_search(store, "Của tôi")
    with pytest.raises(NotFound):
        delete_search(store, "Của tôi")


def test_cli_search_formats_and_saved_searches(db_url: str, store: Store, corpus: dict[str, int]) -> None:
    runner = CliRunner()
    out = runner.invoke(cli, ["search", "ngu dan", "--db", db_url, "--format", "jsonl"])
    assert out.exit_code == 0, out.output
    lines = [json.loads(line) for line in out.output.splitlines()]
    assert len(lines) == 1 and lines[0]["id"] == corpus["ngudan"] and lines[0]["duplicates"] == 1
    assert set(lines[0]) >= {"id", "url", "title", "published", "source", "themes", "score", "snippet"}
    assert "«Ngư dân»" in lines[0]["snippet"]

    out = runner.invoke(cli, ["search", "date:2023..2024", "--db", db_url, "--format", "csv", "--all"])
    rows = list(csv.DictReader(io.StringIO(out.output)))
    assert len(rows) == len(corpus) - 1

    out = runner.invoke(cli, ["search", "the", "--db", db_url, "--limit", "1", "--sort", "date"])
    assert out.exit_code == 0 and "Thế giới hôm nay" in out.output and "Thể thao" not in out.output

    assert runner.invoke(cli, ["searches", "save", "bd", "theme:bien-dao", "--db", db_url]).exit_code == 0
    out = runner.invoke(cli, ["searches", "list", "--db", db_url])
    assert "bd\ttheme:bien-dao" in out.output
    out = runner.invoke(cli, ["searches", "run", "bd", "--db", db_url, "--format", "jsonl"])
    assert [json.loads(line)["id"] for line in out.output.splitlines()] == [corpus["ngudan"]]
    assert runner.invoke(cli, ["searches", "delete", "bd", "--db", db_url]).exit_code == 0


def test_cli_bad_query_is_one_line_on_stderr(tmp_path: Path) -> None:
    lantoa = Path(sys.executable).with_name("lantoa")
    done = subprocess.run(
        [str(lantoa), "search", "(biển đảo", "--db", str(tmp_path / "x.db")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == QuerySyntaxError.exit_code
    assert done.stderr.strip() == "lantoa: error: the '(' at character 1 is never closed"
    assert "Traceback" not in done.stderr
