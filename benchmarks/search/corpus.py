"""Benchmark corpora for search, built from the 84,132 real VNTC articles.

Up to 84,132 articles: the real texts, one each, in file order. Beyond that (up to 1M and
more), republications made from them: the same text with its date shifted (days to years),
another source, and one light edit (a trimmed last paragraph, a new headline prefix, an added
byline or one word replaced). Every republication joins the duplicate group of its original,
so group collapsing and group-counted facets are exercised at scale.

Deterministic: article ``i`` of a corpus is always the same (seeded per index), so two runs or
two backends see identical data. Run as a script to print a sample:

    .venv/bin/python benchmarks/search/corpus.py --n 5
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VNTC = ROOT.parent / "shared" / "data" / "vntc" / "vntc10_full.jsonl.gz"
BASE_DAY = date(2016, 1, 1)
SPAN_DAYS = 365 * 9

THEMES = {
    "Chinh tri Xa hoi": ("chi-dao-dang",),
    "The gioi": ("doi-ngoai",),
    "Kinh doanh": ("kinh-te",),
    "Phap luat": ("quoc-phong-an-ninh",),
    "Van hoa": ("van-hoa-xa-hoi",),
    "The thao": ("van-hoa-xa-hoi",),
    "Suc khoe": ("van-hoa-xa-hoi",),
    "Doi song": ("van-hoa-xa-hoi",),
    "Khoa hoc": ("van-hoa-xa-hoi",),
    "Vi tinh": ("kinh-te",),
}
SEA_WORDS = ("biển Đông", "Trường Sa", "Hoàng Sa", "ngư dân")
PROVINCES = (
    "Hà Nội", "Hồ Chí Minh", "Hải Phòng", "Đà Nẵng", "Cần Thơ", "Huế", "Nghệ An", "Thanh Hóa",
    "Quảng Ninh", "Quảng Ngãi", "Khánh Hòa", "Lâm Đồng", "Gia Lai", "Đắk Lắk", "An Giang", "Cà Mau",
    "Lào Cai", "Lạng Sơn", "Cao Bằng", "Điện Biên", "Sơn La", "Hưng Yên", "Ninh Bình", "Quảng Trị",
)  # fmt: skip
PRESS = {"VNE": "VnExpress", "NLD": "Người Lao Động", "TT": "Tuổi Trẻ", "TN": "Thanh Niên"}


@dataclass(frozen=True)
class BenchSource:
    name: str
    level: str
    province: str | None


SOURCES: tuple[BenchSource, ...] = (
    *(BenchSource(name, "press", None) for name in PRESS.values()),
    *(BenchSource(f"Báo {p}", "province", p) for p in PROVINCES),
    *(BenchSource(f"Cổng thông tin {p}", "province", p) for p in PROVINCES[:8]),
    BenchSource("Cổng Thông tin điện tử Chính phủ", "central", None),
    BenchSource("Báo Nhân Dân", "central", None),
    BenchSource("Báo Quân đội nhân dân", "central", None),
)


@dataclass(frozen=True)
class BenchArticle:
    index: int
    """0-based position in the corpus; group of a republication = index of its original."""
    group: int
    title: str
    lead: str
    body: str
    source: BenchSource
    published: date
    themes: tuple[str, ...]
    province: str | None


def _originals(limit: int | None = None) -> list[tuple[str, str, str]]:
    """(label, source code, text) of the VNTC articles, in file order."""
    out = []
    with gzip.open(VNTC, "rt", encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            out.append((row["label"], row["source"], row["text"]))
            if limit is not None and len(out) >= limit:
                break
    return out


def _split(text: str) -> tuple[str, str, str]:
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    first = lines[0] if lines else ""
    # VNTC runs title and lead together on the first line; cut after the first ~12 words
    words = first.split()
    return " ".join(words[:12]), " ".join(words[12:]), "\n".join(lines[1:])


def _article(index: int, group: int, original: tuple[str, str, str], rng: random.Random) -> BenchArticle:
    label, code, text = original
    title, lead, body = _split(text)
    themes = set(THEMES.get(label, ()))
    if any(w in text for w in SEA_WORDS):
        themes.add("bien-dao")
    if index == group:
        source = next(s for s in SOURCES if s.name == PRESS.get(code, "VnExpress"))
        published = BASE_DAY + timedelta(days=rng.randrange(SPAN_DAYS))
    else:
        source = rng.choice(SOURCES)
        published = BASE_DAY + timedelta(days=(group * 7919 + rng.randrange(-400, 400)) % SPAN_DAYS)
        edit = rng.randrange(4)
        paragraphs = body.split("\n")
        if edit == 0 and len(paragraphs) > 2:
            body = "\n".join(paragraphs[:-1])
        elif edit == 1:
            title = f"{rng.choice(('Tin mới:', 'Thời sự:', 'Nóng:', 'Cập nhật:'))} {title}"
        elif edit == 2:
            body = f"{body}\nTheo {source.name}"
        else:
            words = body.split(" ")
            if len(words) > 10:
                words[rng.randrange(len(words))] = rng.choice(("hôm nay", "vừa qua", "mới đây"))
                body = " ".join(words)
    province = source.province or rng.choice((None, None, *PROVINCES))
    return BenchArticle(index, group, title, lead, body, source, published, tuple(sorted(themes)), province)


def generate(
    n: int, originals: list[tuple[str, str, str]] | None = None, start: int = 0
) -> Iterator[BenchArticle]:
    """Articles ``start..n-1`` of the benchmark corpus (``originals``: the first ``n`` VNTC ones)."""
    originals = originals if originals is not None else _originals(min(n, 84_132))
    base = len(originals)
    for index in range(start, n):
        rng = random.Random(index * 1_000_003 + 4)
        group = index if index < base else rng.randrange(base)
        yield _article(index, group, originals[group], rng)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=5)
    parser.add_argument("--from", dest="start", type=int, default=0)
    args = parser.parse_args()
    for art in generate(args.start + args.n):
        if art.index >= args.start:
            print(art.index, art.group, art.published, art.source.name, art.themes, "|", art.title)


if __name__ == "__main__":
    main()
