"""The docs and --help never disagree with the code: every setting and command is documented."""

from __future__ import annotations

from pathlib import Path

import click
import pytest

from lantoa.cli import cli
from lantoa.config import Settings

ROOT = Path(__file__).resolve().parents[1]


def _walk(command: click.Command, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], click.Command]]:
    found = [(path, command)]
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            found += _walk(sub, (*path, name))
    return found


@pytest.mark.parametrize("name", [name for name, _, _ in Settings.documented()])
def test_every_setting_is_in_the_configuration_doc(name: str) -> None:
    assert f"`{name}`" in (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "path,command", _walk(cli), ids=lambda v: " ".join(v) if isinstance(v, tuple) else ""
)
def test_every_command_has_help(path: tuple[str, ...], command: click.Command) -> None:
    assert (command.help or "").strip(), f"`lantoa {' '.join(path)}` has no help text"
    for param in command.params:
        if isinstance(param, click.Option) and not param.hidden:
            assert param.help, f"option {param.opts} of `lantoa {' '.join(path)}` has no help"


def test_every_top_level_command_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [name for name in cli.commands if f"lantoa {name}" not in readme]
    assert not missing, f"README does not mention: {missing}"
