"""Shared helpers of the language benchmarks: locate the real data, read VNTC."""

from __future__ import annotations

import gzip
import json
import sys
from collections.abc import Iterator
from pathlib import Path

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
VNTC = DATA / "vntc" / "vntc10_full.jsonl.gz"


def need(path: Path) -> Path:
    if not path.exists():
        sys.exit(f"skipped: {path} is absent (real data lives in ../shared/data)")
    return path


def vntc(split: str | None = None) -> Iterator[dict[str, str]]:
    with gzip.open(need(VNTC), "rt", encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            if split is None or row["split"] == split:
                yield row
