"""Settings, each declared once with its default and help.

Values come, last wins, from the defaults below, a TOML file (``--config``, ``LANTOA_CONFIG`` or
``./lantoa.toml`` when present) and environment variables ``LANTOA_<NAME>`` (upper case).
``docs/configuration.md`` lists every setting; a test checks that it stays complete.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from lantoa.errors import ConfigError


def _setting(default: Any, help: str) -> Any:
    return field(default=default, metadata={"help": help})


@dataclass(frozen=True)
class Settings:
    db: str = _setting(
        "lantoa.db",
        "Database: a SQLite file path (embedded default) or a postgresql://user@host/db URL (server mode).",
    )
    sources_file: str = _setting(
        "", "Sources file (TOML or YAML). Empty: the starter list shipped with Lantoa."
    )
    user_agent: str = _setting(
        "Lantoa/0.1 (+https://github.com/lantoa/lantoa; external-information monitoring)",
        "User-Agent sent by the crawler, and the name matched against robots.txt.",
    )
    log_level: str = _setting("INFO", "Logging level: DEBUG, INFO, WARNING or ERROR.")
    log_format: str = _setting("text", "Log format on stderr: text (for people) or json (for log shippers).")
    workers: int = _setting(1, "Processes used by ingest for extraction and analysis (1: in-process).")
    dask_scheduler: str = _setting(
        "",
        "Run extraction and analysis on Dask: a scheduler address (tcp://host:8786) or `local` for a "
        "local cluster of `workers` processes; empty: no Dask.",
    )
    smtp_host: str = _setting("", "SMTP server for alert e-mails; empty disables e-mail delivery.")
    smtp_port: int = _setting(25, "SMTP port.")
    smtp_user: str = _setting("", "SMTP user name, if the server needs a login.")
    smtp_password: str = _setting("", "SMTP password.")
    smtp_from: str = _setting("lantoa@localhost", "Sender address of alert e-mails.")
    alert_interval_s: int = _setting(
        15, "Seconds between two passes of the alert dispatcher in `lantoa serve`."
    )
    search_window: int = _setting(
        2000,
        "Newest matches a search ranks, counts and facets: a query with more is ranked within them and "
        "its total shown as 'at least'. Exports read every match. Larger: slower broad queries.",
    )
    themes_file: str = _setting(
        "", "Theme rules file (TOML, same form as the shipped themes.toml); empty: the shipped rules."
    )

    @classmethod
    def load(cls, config_file: str | Path | None = None, **overrides: Any) -> Settings:
        """Build settings from defaults, the config file, the environment and explicit overrides."""
        values: dict[str, Any] = {}
        path = config_file or os.environ.get("LANTOA_CONFIG")
        if path is None and Path("lantoa.toml").is_file():
            path = "lantoa.toml"
        if path:
            try:
                with open(path, "rb") as fh:
                    values.update(tomllib.load(fh))
            except FileNotFoundError as exc:
                raise ConfigError(f"config file not found: {path}") from exc
            except tomllib.TOMLDecodeError as exc:
                raise ConfigError(f"config file {path} is not valid TOML: {exc}") from exc
        known = {f.name: f for f in fields(cls)}
        unknown = sorted(set(values) - set(known))
        if unknown:
            raise ConfigError(f"unknown setting(s) in {path}: {', '.join(unknown)}")
        for name in known:
            env = os.environ.get(f"LANTOA_{name.upper()}")
            if env is not None:
                values[name] = env
        values.update({k: v for k, v in overrides.items() if v is not None})
        converted: dict[str, Any] = {}
        for name, value in values.items():
            kind: type[Any] = type(known[name].default)
            try:
                converted[name] = kind(value) if not isinstance(value, kind) else value
            except (TypeError, ValueError) as exc:
                raise ConfigError(f"setting {name} must be {kind.__name__}, got {value!r}") from exc
        return replace(cls(), **converted)

    @classmethod
    def documented(cls) -> list[tuple[str, Any, str]]:
        """(name, default, help) of every setting, for --help texts and the docs test."""
        return [(f.name, f.default, f.metadata["help"]) for f in fields(cls)]
