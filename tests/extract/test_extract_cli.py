"""`lantoa extract` through click's CliRunner: JSONL per file, errors per file, exit status."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from lantoa.cli import cli

PAGE = (
    "<html><head><title>Tin ngắn - Báo Tỉnh</title>"
    '<link rel="canonical" href="https://baotinh.vn/tin-ngan.html">'
    '<meta property="article:published_time" content="2024-03-12T10:35:00+07:00"></head><body>'
    "<h1>Tin ngắn</h1><div class='content'>"
    + "".join(
        f"<p>Đoạn {i}: Ủy ban nhân dân tỉnh tổ chức hội nghị công tác thông tin đối ngoại, nhiều nội dung.</p>"
        for i in range(8)
    )
    + "<figure><figcaption>Ảnh hội nghị.</figcaption></figure><p>Trần Văn An - Lê Thị Bình</p></div></body></html>"
)


def test_jsonl_with_a_bad_file(tmp_path: Path) -> None:
    good = tmp_path / "good.html"
    good.write_text(PAGE, encoding="utf-8")
    dump = tmp_path / "dump.txt"
    dump.write_text(
        "Tiêu đề bài\nĐăng ngày 11/10/2023\nĐoạn một của bài viết.\nTin cùng chuyên mục\n- Tin khác\n"
    )
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.4 binary")
    result = CliRunner().invoke(cli, ["extract", str(good), str(bad), str(dump), "--format", "jsonl"])
    assert result.exit_code == 1
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["file"] for r in lines] == [str(good), str(bad), str(dump)]
    first = lines[0]
    assert set(first) == {
        "file",
        "url",
        "page_type",
        "title",
        "published",
        "authors",
        "lead",
        "text",
        "captions",
        "language",
    }
    assert first["url"] == "https://baotinh.vn/tin-ngan.html"
    assert first["title"] == "Tin ngắn" and first["page_type"] == "article"
    assert first["published"] == "2024-03-12T10:35:00+07:00"
    assert first["authors"] == ["Trần Văn An", "Lê Thị Bình"]
    assert first["captions"] == ["Ảnh hội nghị."] and "Ảnh hội nghị" not in first["text"]
    assert first["text"].count("\n") == 7 and first["language"] == "vi"
    assert "PDF" in lines[1]["error"] and set(lines[1]) == {"file", "error"}
    assert lines[2]["published"] == "2023-10-11" and "Tin khác" not in lines[2]["text"]
    assert "bad.pdf" in result.stderr and "2 extracted, 1 failed" in result.stderr


def test_url_option_and_pretty_json(tmp_path: Path) -> None:
    dump = tmp_path / "dump.txt"
    dump.write_text("Tiêu đề bài\nĐoạn một của bài viết về hội nghị.\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["extract", str(dump), "--format", "json", "--url", "https://x.vn/a"])
    assert result.exit_code == 0, result.stderr
    record = json.loads(result.stdout)
    assert record["url"] == "https://x.vn/a" and record["title"] == "Tiêu đề bài"


def test_missing_file(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["extract", str(tmp_path / "nope.html")])
    assert result.exit_code == 1
    assert json.loads(result.stdout)["error"].endswith("no such file")
