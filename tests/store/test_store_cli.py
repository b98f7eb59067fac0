"""``lantoa db migrate|info`` through the real CLI."""

from __future__ import annotations

from click.testing import CliRunner

from lantoa.cli import cli


def test_db_migrate_then_info(db_url: str, article) -> None:
    runner = CliRunner()
    first = runner.invoke(cli, ["db", "migrate", "--db", db_url])
    assert first.exit_code == 0, first.output
    assert "core v1" in first.output
    again = runner.invoke(cli, ["db", "migrate", "--db", db_url])
    assert again.exit_code == 0 and "schema up to date" in again.output

    from lantoa.store.api import open_store

    store = open_store(db_url)
    store.save_article(article("https://a/1", seed=1))
    store.save_article(article("https://b/1", seed=1))
    store.close()
    info = runner.invoke(cli, ["db", "info", "--db", db_url])
    assert info.exit_code == 0, info.output
    assert "core v1" in info.output
    assert "articles: 2" in info.output and "stories (groups counted once): 1" in info.output


def test_password_is_masked() -> None:
    from lantoa.store.cli import _shown

    assert (
        _shown("postgresql://lantoa:s3cret@db.example/lantoa") == "postgresql://lantoa:***@db.example/lantoa"
    )
