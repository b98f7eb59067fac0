"""Quality gate: pinned floors measured on real pages; a change that drops below them fails.

The floors are the figures of benchmarks/RESULTS.md (Extraction) rounded down; raise them when the
extractor gets better, never lower them to make a change pass.
"""

from __future__ import annotations

import ast
import gzip
import json
import re
from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest

from lantoa.extract import extract_page, parse_date
from lantoa.records import VN_TZ, FetchedPage, PageType

pytestmark = pytest.mark.shared_data
_TOKEN = re.compile(r"\w+")


def _day(value: object):  # type: ignore[no-untyped-def]
    if isinstance(value, datetime):
        return value.astimezone(VN_TZ).date()
    return value


def test_vn_pages_dev_floors(shared_data: Path) -> None:
    folder = shared_data / "vn-pages-dev"
    entries = json.loads((folder / "manifest.json").read_text("utf-8"))
    titles = dates = types = snippets = 0
    n_titles = n_dates = n_snippets = 0
    for entry in entries:
        article = extract_page(
            FetchedPage(url=entry.get("url") or "", content=(folder / entry["file"]).read_bytes())
        )
        expected_type = PageType.LISTING if entry["page_type"] == "list" else PageType.ARTICLE
        types += article.page_type is expected_type
        if entry.get("title"):
            n_titles += 1
            titles += article.title == entry["title"]
        if entry.get("published_at"):
            n_dates += 1
            dates += _day(article.published) == _day(parse_date(entry["published_at"]))
        for snippet in entry.get("text_contains") or []:
            n_snippets += 1
            snippets += snippet in article.text or snippet in article.lead
    assert types / len(entries) >= 1.0
    assert titles / n_titles >= 1.0
    assert dates / n_dates >= 1.0
    assert snippets / n_snippets >= 1.0


def test_vnexpress_body_f1_floor(shared_data: Path) -> None:
    folder = shared_data / "extraction-bench" / "fundus" / "vn"
    expected = json.loads((folder / "VnExpress.json").read_text("utf-8"))
    truth = next(iter(expected.values()))
    body = truth["body"] if isinstance(truth["body"], dict) else ast.literal_eval(truth["body"])
    parts = list(body.get("summary") or [])
    for section in body.get("sections") or []:
        parts += list(section.get("headline") or []) + list(section.get("paragraphs") or [])
    url = json.loads((folder / "meta.info").read_text("utf-8"))["VnExpress_2025_10_22.html.gz"]["url"]
    html = gzip.decompress((folder / "VnExpress_2025_10_22.html.gz").read_bytes())
    article = extract_page(FetchedPage(url=url, content=html))
    gold = Counter(_TOKEN.findall(" ".join(parts).lower()))
    got = Counter(_TOKEN.findall(f"{article.lead}\n{article.text}".lower()))
    common = sum((gold & got).values())
    precision, recall = common / sum(got.values()), common / sum(gold.values())
    f1 = 2 * precision * recall / (precision + recall)
    assert f1 >= 0.95, (precision, recall)
    assert article.title == truth["title"]
    assert article.authors == tuple(
        ast.literal_eval(truth["authors"]) if isinstance(truth["authors"], str) else truth["authors"]
    )
