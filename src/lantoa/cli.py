"""The ``lantoa`` command: parses options, calls one library function, turns errors into messages.

Each stage contributes its commands from ``lantoa.<stage>.cli`` (a list named ``commands``), so
this module stays a thin switchboard.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, TypeVar

import click

from lantoa import __version__
from lantoa.config import Settings
from lantoa.errors import LantoaError
from lantoa.log import setup_logging

if TYPE_CHECKING:
    from lantoa.store.api import Store

STAGES = ("collect", "extract", "language", "store", "dedup", "search", "web", "coordinate", "report")


@dataclass
class AppContext:
    """What every command receives: the settings, resolved once."""

    settings: Settings

    @contextmanager
    def store(self) -> Iterator[Store]:
        """The store named by the settings, migrated, closed when the block ends."""
        from lantoa.store.api import open_store

        store = open_store(self.settings.db)
        try:
            yield store
        finally:
            store.close()


pass_app = click.make_pass_decorator(AppContext)

F = TypeVar("F", bound=Callable[..., Any])


def db_option(command: F) -> F:
    """``--db`` on a subcommand: the same override as ``lantoa --db``, applied to the settings the
    command receives, so commands read ``app.settings.db`` and never carry their own default."""

    def apply(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
        if value:
            app = ctx.find_object(AppContext)
            if app is not None:
                app.settings = replace(app.settings, db=value)

    return click.option(
        "--db",
        expose_value=False,
        callback=apply,
        help="Database (SQLite file or postgresql:// URL); default: setting `db`.",
    )(command)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="lantoa")
@click.option("--config", "config_file", type=click.Path(dir_okay=False), help="Settings file (TOML).")
@click.option("--db", help="Database: SQLite file or postgresql:// URL (setting `db`).")
@click.option("--log-level", help="DEBUG, INFO, WARNING or ERROR (setting `log_level`).")
@click.option("--log-format", type=click.Choice(["text", "json"]), help="Log format (setting `log_format`).")
@click.pass_context
def cli(
    ctx: click.Context,
    config_file: str | None,
    db: str | None,
    log_level: str | None,
    log_format: str | None,
) -> None:
    """Lantoa: collect, understand, search and watch Vietnamese external-information coverage.

    Settings come from --config (or ./lantoa.toml), LANTOA_<NAME> environment variables and
    the options below; `lantoa settings` lists them all.
    """
    settings = Settings.load(config_file, db=db, log_level=log_level, log_format=log_format)
    setup_logging(settings.log_level, settings.log_format)
    ctx.obj = AppContext(settings=settings)


@cli.command("settings")
@click.option("--markdown", is_flag=True, help="Print the defaults as the table of docs/configuration.md.")
@pass_app
def settings_command(app: AppContext, markdown: bool) -> None:
    """List every setting with its current value and what it does."""
    if markdown:
        click.echo("| setting | default | what it does |\n|---|---|---|")
        for name, default, help_text in Settings.documented():
            click.echo(f"| `{name}` | `{default!r}` | {help_text} |")
        return
    for name, _default, help_text in Settings.documented():
        value = getattr(app.settings, name)
        shown = "***" if ("password" in name or "secret" in name) and value else value
        click.echo(f"{name} = {shown!r}\n    {help_text}")


def _register_stage_commands() -> None:
    for name in [f"lantoa.{stage}.cli" for stage in STAGES] + ["lantoa.quickstart"]:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue
            raise
        for command in getattr(module, "commands", []):
            cli.add_command(command)


_register_stage_commands()


def main() -> None:
    """Entry point: run the CLI and translate library errors into one line and an exit code."""
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except LantoaError as exc:
        click.echo(f"lantoa: error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        sys.exit(130)
