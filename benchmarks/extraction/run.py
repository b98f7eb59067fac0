"""Extraction benchmark: Lantoa's extractor side by side with trafilatura, same pages, same run.

Run from the repository root:

    nice .venv/bin/python benchmarks/extraction/run.py [--limit N] [--bench NAME ...] [--json FILE]

Data: ../shared/data/vn-pages-dev and ../shared/data/extraction-bench/{scrapinghub_aeb,
trafilatura_eval,fundus} (LANTOA_SHARED_DATA overrides the folder). Figures per benchmark and
tool: body precision/recall/F1 over word tokens (bag of words, micro-averaged over pages; for
trafilatura_eval its own method: must / must-not snippets counted as TP/FN/FP/TN), snippet recall
(vn-pages-dev: the manifest's text snippets), headline exact match, date accuracy (same day), author
recall, page-type accuracy (vn-pages-dev), and pages per second per core (CPU time of the
extraction call only, bytes in, record out). trafilatura runs with metadata, comments excluded.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import sys
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))

from lantoa.errors import LantoaError  # noqa: E402
from lantoa.extract import extract_page, parse_date  # noqa: E402
from lantoa.records import FetchedPage  # noqa: E402

DATA = Path(os.environ.get("LANTOA_SHARED_DATA", ROOT.parent / "shared" / "data"))
_TOKEN = re.compile(r"\w+", re.UNICODE)


@dataclass
class Case:
    name: str
    html: bytes
    url: str | None
    body: str | None = None
    must: list[str] = field(default_factory=list)
    must_not: list[str] = field(default_factory=list)
    snippets: list[str] = field(default_factory=list)
    title: str | None = None
    day: date | None = None
    authors: list[str] = field(default_factory=list)
    page_type: str | None = None


@dataclass
class Result:
    body: str = ""
    title: str = ""
    day: date | None = None
    authors: list[str] = field(default_factory=list)
    page_type: str = "article"
    error: str | None = None


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    snip_hit: int = 0
    snip_all: int = 0
    title_ok: int = 0
    title_all: int = 0
    date_ok: int = 0
    date_all: int = 0
    auth_hit: int = 0
    auth_all: int = 0
    type_ok: int = 0
    type_all: int = 0
    pages: int = 0
    errors: int = 0
    cpu: float = 0.0

    def prf(self) -> tuple[float, float, float]:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        return p, r, 2 * p * r / (p + r) if p + r else 0.0


def _read(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if path.suffix == ".gz" else data


def _day(raw: object) -> date | None:
    if not raw:
        return None
    value = parse_date(str(raw))
    if isinstance(value, datetime):
        return value.date()
    return value


def vn_pages() -> Iterator[Case]:
    folder = DATA / "vn-pages-dev"
    # The manifest has no bylines: the authors shown on each page, read by hand, are kept with the tests.
    authors_file = ROOT / "tests" / "extract" / "expected" / "vn_pages_authors.json"
    authors = json.loads(authors_file.read_text("utf-8")) if authors_file.exists() else {}
    for entry in json.loads((folder / "manifest.json").read_text("utf-8")):
        kind = "listing" if entry["page_type"] == "list" else entry["page_type"]
        yield Case(
            name=entry["file"],
            html=_read(folder / entry["file"]),
            url=entry.get("url"),
            snippets=entry.get("text_contains") or [],
            title=entry.get("title"),
            day=_day(entry.get("published_at")),
            page_type=kind,
            authors=authors.get(entry["file"], []),
        )


def fundus_vn() -> Iterator[Case]:
    """The Vietnamese page of fundus (VnExpress), the one Vietnamese page with a full body truth."""
    return (case for case in fundus() if case.name.startswith("vn/"))


def scrapinghub() -> Iterator[Case]:
    folder = DATA / "extraction-bench" / "scrapinghub_aeb"
    truth = json.loads((folder / "ground-truth.json").read_text("utf-8"))
    for key, item in sorted(truth.items()):
        path = folder / "html" / f"{key}.html.gz"
        if path.exists():
            yield Case(name=key, html=_read(path), url=item.get("url"), body=item.get("articleBody") or "")


def _authors(raw: object) -> list[str]:
    if isinstance(raw, list):
        return [str(a).strip() for a in raw if str(a).strip()]
    if isinstance(raw, str):
        return [a.strip() for a in re.split(r";|,| and ", raw) if a.strip()]
    return []


def trafilatura_eval() -> Iterator[Case]:
    folder = DATA / "extraction-bench" / "trafilatura_eval"
    truth = json.loads((folder / "evaldata.json").read_text("utf-8"))
    for url, item in sorted(truth.items()):
        path = folder / "html" / item["file"]
        if not path.exists():
            path = folder / "html" / (item["file"] + ".gz")
        if not path.exists():
            continue
        author = item.get("author")
        yield Case(
            name=item["file"],
            html=_read(path),
            url=url,
            must=item.get("with") or [],
            must_not=item.get("without") or [],
            title=item.get("title"),
            day=_day(item.get("date")),
            authors=_authors(author),
        )


def _literal_list(raw: object) -> list[str]:
    if isinstance(raw, list):
        return [str(x) for x in raw]
    if isinstance(raw, str) and raw.startswith("["):
        import ast

        try:
            value = ast.literal_eval(raw)
        except (ValueError, SyntaxError):
            return []
        return [str(x) for x in value] if isinstance(value, list) else []
    return [raw] if isinstance(raw, str) and raw else []


def _fundus_body(raw: object) -> str:
    if isinstance(raw, str):
        import ast

        try:
            raw = ast.literal_eval(raw)
        except (ValueError, SyntaxError):
            return raw if isinstance(raw, str) else ""
    if not isinstance(raw, dict):
        return ""
    parts = list(raw.get("summary") or [])
    for section in raw.get("sections") or []:
        parts += list(section.get("headline") or []) + list(section.get("paragraphs") or [])
    return "\n".join(parts)


def fundus() -> Iterator[Case]:
    root = DATA / "extraction-bench" / "fundus"
    for country in sorted(p for p in root.iterdir() if p.is_dir()):
        meta_file = country / "meta.info"
        meta = json.loads(meta_file.read_text("utf-8")) if meta_file.exists() else {}
        for expected in sorted(country.glob("*.json")):
            versions = json.loads(expected.read_text("utf-8"))
            pages = sorted(country.glob(f"{expected.stem}_*.html.gz"))
            if len(pages) != len(versions):
                continue
            for path, version in zip(pages, sorted(versions), strict=True):
                item = versions[version]
                yield Case(
                    name=f"{country.name}/{path.name}",
                    html=_read(path),
                    url=meta.get(path.name, {}).get("url"),
                    body=_fundus_body(item.get("body")),
                    title=item.get("title"),
                    day=_day(item.get("publishing_date")),
                    authors=_literal_list(item.get("authors")),
                )


BENCHES: dict[str, Callable[[], Iterator[Case]]] = {
    "vn-pages-dev": vn_pages,
    "scrapinghub_aeb": scrapinghub,
    "trafilatura_eval": trafilatura_eval,
    "fundus": fundus,
    "fundus-vn": fundus_vn,
}


def run_lantoa(case: Case) -> Result:
    try:
        article = extract_page(FetchedPage(url=case.url or "", content=case.html))
    except LantoaError as exc:
        return Result(error=str(exc))
    published = article.published
    day = published.date() if isinstance(published, datetime) else published
    body = "\n".join(p for p in (article.lead, article.text) if p)
    return Result(body, article.title, day, list(article.authors), article.page_type.value)


def run_trafilatura(case: Case) -> Result:
    import trafilatura

    doc = trafilatura.bare_extraction(case.html, url=case.url, with_metadata=True, include_comments=False)
    if doc is None:
        return Result(page_type="listing", error="no result")
    day = None
    if doc.date:
        try:
            day = date.fromisoformat(doc.date[:10])
        except ValueError:
            day = None
    authors = [a.strip() for a in (doc.author or "").split(";") if a.strip()]
    kind = "article" if (doc.pagetype or "article") == "article" else "listing"
    return Result(doc.text or "", doc.title or "", day, authors, kind)


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text or "")).strip()


def score(case: Case, result: Result, s: Score) -> None:
    s.pages += 1
    s.errors += result.error is not None
    body = _norm(result.body)
    if case.body is not None and case.page_type != "listing":
        truth = Counter(_TOKEN.findall(_norm(case.body).lower()))
        pred = Counter(_TOKEN.findall(body.lower()))
        common = sum((truth & pred).values())
        s.tp += common
        s.fp += sum(pred.values()) - common
        s.fn += sum(truth.values()) - common
    for snippet in case.must:
        if _norm(snippet) in body:
            s.tp += 1
        else:
            s.fn += 1
    for snippet in case.must_not:
        if _norm(snippet) in body:
            s.fp += 1
        else:
            s.tn += 1
    for snippet in case.snippets:
        s.snip_all += 1
        s.snip_hit += _norm(snippet) in body
    if case.title:
        s.title_all += 1
        s.title_ok += _norm(case.title) == _norm(result.title)
    if case.day:
        s.date_all += 1
        s.date_ok += case.day == result.day
    if case.authors:
        found = " | ".join(result.authors).lower()
        for author in case.authors:
            s.auth_all += 1
            s.auth_hit += _norm(author).lower() in found
    if case.page_type:
        s.type_all += 1
        s.type_ok += case.page_type == result.page_type


def _pct(hit: int, total: int) -> str:
    return f"{hit / total:.3f} ({hit}/{total})" if total else "n/a"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--bench", action="append", choices=sorted(BENCHES), help="benchmarks to run (default all)"
    )
    parser.add_argument("--limit", type=int, default=0, help="pages per benchmark at most (0: all)")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args()
    if not DATA.is_dir():
        print(f"real data not found at {DATA} (set LANTOA_SHARED_DATA)", file=sys.stderr)
        return 2
    tools = {"lantoa": run_lantoa, "trafilatura": run_trafilatura}
    report: dict[str, dict[str, dict[str, float | str]]] = {}
    lines = [
        "| benchmark | tool | pages | body P | body R | body F1 | snippets | headline | date | authors | page type | pages/s/core |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name in args.bench or list(BENCHES):
        scores = {tool: Score() for tool in tools}
        for index, case in enumerate(BENCHES[name]()):
            if args.limit and index >= args.limit:
                break
            for tool, run in tools.items():
                start = time.process_time()
                try:
                    result = run(case)
                except Exception as exc:  # a crash of either tool is scored as an empty result
                    result = Result(error=f"crash: {exc}")
                scores[tool].cpu += time.process_time() - start
                score(case, result, scores[tool])
        report[name] = {}
        for tool, s in scores.items():
            p, r, f1 = s.prf()
            speed = s.pages / s.cpu if s.cpu else 0.0
            report[name][tool] = {
                "pages": s.pages,
                "errors": s.errors,
                "precision": p,
                "recall": r,
                "f1": f1,
                "snippets": _pct(s.snip_hit, s.snip_all),
                "headline": _pct(s.title_ok, s.title_all),
                "date": _pct(s.date_ok, s.date_all),
                "authors": _pct(s.auth_hit, s.auth_all),
                "page_type": _pct(s.type_ok, s.type_all),
                "pages_per_s": speed,
            }
            body = (f"{p:.3f} | {r:.3f} | {f1:.3f}") if s.tp + s.fn else "n/a | n/a | n/a"
            lines.append(
                f"| {name} | {tool} | {s.pages} | {body} | {_pct(s.snip_hit, s.snip_all)} | "
                f"{_pct(s.title_ok, s.title_all)} | {_pct(s.date_ok, s.date_all)} | "
                f"{_pct(s.auth_hit, s.auth_all)} | {_pct(s.type_ok, s.type_all)} | {speed:.1f} |"
            )
        print(lines[-2], lines[-1], sep="\n", file=sys.stderr, flush=True)
    print("\n".join(lines))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
