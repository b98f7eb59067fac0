"""Sources files: the starter list, validation errors that name the line and field, YAML."""

from __future__ import annotations

from pathlib import Path

import pytest

from lantoa.collect.sources import load_sources, parse_sources_text, source_to_toml, starter_sources
from lantoa.errors import ConfigError
from lantoa.records import SourceLevel

GOOD = """
[[source]]
name = "baonghean"
home_url = "https://baonghean.vn/"
level = "province"
province = "Nghệ An"
feeds = ["https://baonghean.vn/rss/home.rss"]
[source.crawl]
interval_s = 600
rate_per_s = 0.5
max_depth = 0
"""


def test_starter_list_parses_and_covers_every_kind() -> None:
    sources = starter_sources()
    names = {s.name for s in sources}
    assert len(names) == len(sources) >= 25
    for expected in (
        "nhandan",
        "baochinhphu",
        "vnexpress",
        "tuoitre",
        "mofa",
        "dangcongsan",
        "bbc-vietnamese",
    ):
        assert expected in names
    levels = {s.level for s in sources}
    assert {SourceLevel.CENTRAL, SourceLevel.PRESS, SourceLevel.PROVINCE, SourceLevel.FOREIGN} <= levels
    provincial = [s for s in sources if s.level is SourceLevel.PROVINCE]
    assert provincial and all(s.province for s in provincial)
    assert {"Nghệ An", "Quảng Ninh", "Khánh Hòa", "Đà Nẵng", "Lào Cai"} <= {s.province for s in provincial}
    assert all(s.home_url.startswith("https://") for s in sources)
    assert not any(s.crawl.allow_private for s in sources)


def test_good_file(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text(GOOD, encoding="utf-8")
    (source,) = load_sources(path)
    assert source.name == "baonghean" and source.level is SourceLevel.PROVINCE
    assert source.province == "Nghệ An" and source.feeds == ("https://baonghean.vn/rss/home.rss",)
    assert source.crawl.interval_s == 600 and source.crawl.rate_per_s == 0.5 and source.crawl.max_depth == 0


def test_round_trip_through_toml() -> None:
    sources = starter_sources()
    text = "\n".join(source_to_toml(s) for s in sources)
    assert parse_sources_text(text, fmt="toml", label="x") == sources


@pytest.mark.parametrize(
    ("replace", "by", "message"),
    [
        (
            'level = "province"',
            'level = "tinh"',
            r"s.toml:3: source #1 \(baonghean\): level 'tinh' is not one of",
        ),
        (
            'home_url = "https://baonghean.vn/"',
            'home_url = "baonghean.vn"',
            r"home_url: 'baonghean.vn' is not an http",
        ),
        ('home_url = "https://baonghean.vn/"\n', "", "home_url is required"),
        ("rate_per_s = 0.5", 'rate_per_s = "fast"', r"crawl.rate_per_s must be a number"),
        ("rate_per_s = 0.5", "rate_per_s = -1", r"crawl.rate_per_s must be positive"),
        ("interval_s = 600", "interval_s = 1.5", r"crawl.interval_s must be a whole number"),
        ("max_depth = 0", "speed = 3", r"unknown crawl setting\(s\) speed"),
        ('province = "Nghệ An"', 'provnce = "Nghệ An"', r"unknown field\(s\) provnce"),
        (
            'feeds = ["https://baonghean.vn/rss/home.rss"]',
            'feeds = "https://x.vn/rss"',
            "feeds must be a list",
        ),
        ('feeds = ["https://baonghean.vn/rss/home.rss"]', 'feeds = ["ftp://x.vn/rss"]', r"feeds\[0\]: 'ftp"),
        ('name = "baonghean"', 'name = "báo nghệ an"', "name must be a short identifier"),
        ('name = "baonghean"', "name = baonghean", "not valid TOML"),
    ],
)
def test_validation_errors_name_line_and_field(tmp_path: Path, replace: str, by: str, message: str) -> None:
    path = tmp_path / "s.toml"
    text = GOOD.replace(replace, by)
    assert text != GOOD
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_sources(path)


def test_duplicate_names_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text(
        GOOD + GOOD.replace("[source.crawl]\ninterval_s = 600\nrate_per_s = 0.5\nmax_depth = 0\n", "")
    )
    with pytest.raises(ConfigError, match="duplicate source name 'baonghean'"):
        load_sources(path)


def test_yaml_file(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(
        "sources:\n"
        "  - name: mofa\n"
        "    home_url: https://mofa.gov.vn/\n"
        "    level: central\n"
        "    crawl: {interval_s: 7200}\n"
        "  - name: voa\n"
        "    home_url: https://www.voatiengviet.com/\n"
        "    level: foreign\n",
        encoding="utf-8",
    )
    mofa, voa = load_sources(path)
    assert mofa.level is SourceLevel.CENTRAL and mofa.crawl.interval_s == 7200
    assert voa.level is SourceLevel.FOREIGN


def test_yaml_errors(tmp_path: Path) -> None:
    path = tmp_path / "s.yml"
    path.write_text("sources:\n  - name: a\n    home_url: [unclosed\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"not valid YAML at line \d"):
        load_sources(path)
    path.write_text("sources:\n  - name: mofa\n    level: central\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"s.yml:2: source #1 \(mofa\): home_url is required"):
        load_sources(path)


def test_missing_and_wrong_kind_of_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="sources file not found"):
        load_sources(tmp_path / "none.toml")
    with pytest.raises(ConfigError, match=r"must end in .toml, .yaml or .yml"):
        load_sources(tmp_path / "s.json")
