"""Local inputs: HTML, text dumps, folders, JSONL, WARC, gzip and bad files."""

from __future__ import annotations

import gzip
import io
import json
import unicodedata
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from lantoa.collect import collect
from lantoa.collect.files import collect_file
from lantoa.records import Failure, FetchedPage

HTML = "<!doctype html><html><head><title>Hội nghị</title></head><body><p>Nội dung.</p></body></html>"


def pages(items: list[FetchedPage | Failure]) -> list[FetchedPage]:
    return [i for i in items if isinstance(i, FetchedPage)]


def failures(items: list[FetchedPage | Failure]) -> list[Failure]:
    return [i for i in items if isinstance(i, Failure)]


def test_html_file(tmp_path: Path) -> None:
    path = tmp_path / "bai.html"
    path.write_text(HTML, encoding="utf-8")
    (page,) = list(collect(str(path), source="nghean"))
    assert isinstance(page, FetchedPage)
    assert page.content == HTML.encode() and page.content_type == "text/html"
    assert page.origin == str(path) and page.url == path.resolve().as_uri()
    assert page.source == "nghean" and page.fetched_at is not None


def test_html_without_suffix_is_sniffed(tmp_path: Path) -> None:
    path = tmp_path / "saved_page"
    path.write_bytes(b"\n  <html><body>x</body></html>")
    (page,) = list(collect(str(path)))
    assert isinstance(page, FetchedPage) and page.content_type == "text/html"


def test_seed_text_dumps(shared_data: Path) -> None:
    items = list(collect(str(shared_data / "seeds")))
    got = pages(items)
    assert len(got) == 2 and not failures(items)
    assert all(p.content_type == "text/plain" for p in got)
    assert all(p.content.decode("utf-8").strip() for p in got)


def test_folder_is_walked_recursively_and_bad_files_do_not_stop_it(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "one.html").write_text(HTML, encoding="utf-8")
    (tmp_path / "a" / "b" / "two.txt").write_text(
        "Tiêu đề\nĐăng ngày 11/10/2023\nNội dung.", encoding="utf-8"
    )
    (tmp_path / "a" / "b" / "three.html.gz").write_bytes(gzip.compress(HTML.encode()))
    (tmp_path / "a" / "empty.html").write_bytes(b"")
    (tmp_path / "a" / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "x.html").write_text(HTML)
    items = list(collect(str(tmp_path)))
    got = pages(items)
    assert sorted(Path(p.origin or "").name for p in got) == ["one.html", "three.html.gz", "two.txt"]
    gz = next(p for p in got if (p.origin or "").endswith(".gz"))
    assert gz.content == HTML.encode() and gz.content_type == "text/html"
    reasons = {Path(f.target).name: f.reason for f in failures(items)}
    assert reasons == {"empty.html": "empty file", "image.png": "binary file (PNG image), not a page or text"}


def test_missing_path(tmp_path: Path) -> None:
    (item,) = list(collect(str(tmp_path / "nope")))
    assert isinstance(item, Failure) and item.reason == "no such file or folder"


def test_binary_without_magic_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "blob.dat"
    path.write_bytes(bytes(range(256)) * 40)
    (item,) = list(collect(str(path)))
    assert isinstance(item, Failure) and item.reason.startswith("binary file")


def test_legacy_encoded_text_is_kept_as_bytes(tmp_path: Path) -> None:
    data = b"Th\xf4ng tin \xf0\xf4\xeci ngoa\xf2i"  # windows-1258: "Thông tin đối ngoại"
    path = tmp_path / "old.txt"
    path.write_bytes(data)
    (page,) = list(collect(str(path)))
    assert isinstance(page, FetchedPage) and page.content == data
    assert unicodedata.normalize("NFC", data.decode("cp1258")) == "Thông tin đối ngoại"


def test_file_over_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.html"
    path.write_bytes(b"<html>" + b"a" * 2_000_000)
    (item,) = list(collect_file(path, max_bytes=1_000_000))
    assert isinstance(item, Failure) and "too large" in item.reason


def test_truncated_gzip(tmp_path: Path) -> None:
    path = tmp_path / "cut.html.gz"
    path.write_bytes(gzip.compress(HTML.encode() * 50)[:40])
    (item,) = list(collect(str(path)))
    assert isinstance(item, Failure) and item.reason.startswith("broken gzip file")


def test_jsonl_records(tmp_path: Path) -> None:
    path = tmp_path / "dump.jsonl"
    rows = [
        {"id": 1, "text": "Tiêu đề một\nNội dung", "url": "https://baonghean.vn/a-1.html"},
        {"id": 2, "text": "Tiêu đề hai"},
    ]
    lines = [json.dumps(rows[0], ensure_ascii=False), "", "{not json", json.dumps(rows[1]), "[1, 2]"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    items = list(collect(str(path)))
    got = pages(items)
    assert [p.origin for p in got] == [f"{path}#L1", f"{path}#L4"]
    assert got[0].url == "https://baonghean.vn/a-1.html"
    assert got[1].url == f"{path.resolve().as_uri()}#L4"
    assert all(p.content_type == "application/json" for p in got)
    assert json.loads(got[0].content) == rows[0]
    bad = failures(items)
    assert [f.target for f in bad] == [f"{path}#L3", f"{path}#L5"]
    assert bad[0].reason.startswith("invalid JSON line") and bad[1].reason == "JSON line is not an object"


def test_gzipped_jsonl(tmp_path: Path) -> None:
    path = tmp_path / "dump.jsonl.gz"
    path.write_bytes(gzip.compress(b'{"text": "a"}\n{"text": "b"}\n'))
    got = pages(list(collect(str(path))))
    assert [p.origin for p in got] == [f"{path}#L1", f"{path}#L2"]


def _warc(path: Path, gz: bool) -> list[int]:
    """A small WARC: two HTML responses, an image response and a request record."""
    offsets: list[int] = []
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=gz)
        for url, body, ctype in (
            ("https://nhandan.vn/bai-mot-1.html", HTML.encode(), "text/html; charset=utf-8"),
            ("https://nhandan.vn/anh.jpg", b"\xff\xd8\xff" + b"0" * 100, "image/jpeg"),
            (
                "https://nhandan.vn/bai-hai-2.html",
                "<html>Hai</html>".encode("cp1258"),
                "text/html; charset=windows-1258",
            ),
        ):
            headers = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
            record = writer.create_warc_record(
                url, "response", payload=io.BytesIO(body), http_headers=headers
            )
            offsets.append(fh.tell())
            writer.write_record(record)
        req = writer.create_warc_record(
            "https://nhandan.vn/", "request", payload=io.BytesIO(b"GET / HTTP/1.1\r\n\r\n")
        )
        writer.write_record(req)
    return offsets


@pytest.mark.parametrize("gz", [False, True])
def test_warc(tmp_path: Path, gz: bool) -> None:
    path = tmp_path / ("crawl.warc.gz" if gz else "crawl.warc")
    offsets = _warc(path, gz)
    items = list(collect(str(path), source="nhandan"))
    got = pages(items)
    assert not failures(items)
    assert [p.url for p in got] == ["https://nhandan.vn/bai-mot-1.html", "https://nhandan.vn/bai-hai-2.html"]
    assert [p.origin for p in got] == [f"{path}#{offsets[0]}", f"{path}#{offsets[2]}"]
    assert got[0].content == HTML.encode() and got[0].status == 200
    assert got[1].encoding == "windows-1258" and got[1].source == "nhandan"
    assert got[0].fetched_at is not None


def test_broken_warc(tmp_path: Path) -> None:
    path = tmp_path / "bad.warc"
    path.write_bytes(b"this is not a warc file at all\r\n\r\n" * 3)
    items = list(collect(str(path)))
    assert len(items) == 1 and isinstance(items[0], Failure)
    assert "WARC" in items[0].reason


def test_housekeeping_files_skipped_in_folders_but_read_when_named(tmp_path: Path) -> None:
    (tmp_path / "bai.html").write_text(HTML, encoding="utf-8")
    (tmp_path / "LICENSE.source").write_text("MIT License\n\nPermission is hereby granted", encoding="utf-8")
    (tmp_path / "README.md").write_text("# Saved pages", encoding="utf-8")
    (tmp_path / "manifest.json").write_text('{"pages": []}', encoding="utf-8")
    (tmp_path / "record.json").write_text(
        '{"url": "https://x.vn/a", "title": "A", "text": "B"}', encoding="utf-8"
    )
    got = pages(list(collect(str(tmp_path))))
    assert sorted(Path(p.origin or "").name for p in got) == ["bai.html", "record.json"]
    assert next(p for p in got if (p.origin or "").endswith(".json")).content_type == "application/json"
    (named,) = list(collect(str(tmp_path / "LICENSE.source")))
    assert isinstance(named, FetchedPage) and named.content_type == "text/plain"


def test_utf16_text_with_bom_is_text(tmp_path: Path) -> None:
    path = tmp_path / "utf16.txt"
    path.write_bytes("Thông tin đối ngoại\nNội dung.".encode("utf-16"))
    (page,) = list(collect(str(path)))
    assert isinstance(page, FetchedPage) and page.content_type == "text/plain"
