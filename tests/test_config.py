from __future__ import annotations

from pathlib import Path

import pytest

from lantoa.config import Settings
from lantoa.errors import ConfigError


def test_file_then_environment_then_overrides(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "lantoa.toml"
    config.write_text('db = "from-file.db"\nworkers = 3\nlog_level = "DEBUG"\n', encoding="utf-8")
    monkeypatch.setenv("LANTOA_WORKERS", "4")
    settings = Settings.load(config, log_level="ERROR")
    assert settings.db == "from-file.db"
    assert settings.workers == 4  # the environment beats the file, and is converted to int
    assert settings.log_level == "ERROR"  # explicit options beat both


def test_unknown_setting_is_named(tmp_path: Path) -> None:
    config = tmp_path / "lantoa.toml"
    config.write_text('dbb = "typo.db"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="dbb"):
        Settings.load(config)


def test_wrong_type_and_bad_toml_are_clear(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANTOA_WORKERS", "many")
    with pytest.raises(ConfigError, match="workers must be int"):
        Settings.load()
    monkeypatch.delenv("LANTOA_WORKERS")
    broken = tmp_path / "broken.toml"
    broken.write_text("db = \n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        Settings.load(broken)
    with pytest.raises(ConfigError, match="not found"):
        Settings.load(tmp_path / "missing.toml")
