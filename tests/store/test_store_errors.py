"""Bad database targets fail with one clear line (a StoreError), never a driver traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from lantoa.cli import cli
from lantoa.errors import StoreError
from lantoa.store.api import open_store
from lantoa.store.backend import engine_url


def test_urls_choose_the_backend(tmp_path: Path) -> None:
    assert engine_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert engine_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert engine_url(str(tmp_path / "x.db")) == f"sqlite:///{tmp_path / 'x.db'}"


@pytest.mark.parametrize(
    "url, fragment",
    [
        ("mysql://u@h/db", "unsupported database URL"),
        ("/nonexistent-folder-lantoa/x.db", "does not exist"),
        ("postgresql://postgres@127.0.0.1:1/none", "cannot open database"),
    ],
)
def test_bad_targets_raise_store_error(url: str, fragment: str) -> None:
    with pytest.raises(StoreError) as info:
        open_store(url)
    assert fragment in str(info.value) and "\n" not in str(info.value)


def test_cli_reports_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["db", "info", "--db", "mysql://u@h/db"])
    assert result.exit_code != 0
    assert isinstance(result.exception, StoreError)


def test_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.db"
    bogus.write_bytes(b"this is not a SQLite database, just text" * 100)
    with pytest.raises(StoreError):
        open_store(str(bogus))
