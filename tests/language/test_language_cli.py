import json
from pathlib import Path

from click.testing import CliRunner

from lantoa.cli import cli

ARTICLE = (
    "Bộ đội biên phòng phối hợp cắm mốc biên giới\n"
    "Bộ đội biên phòng tỉnh đã phối hợp với lực lượng chức năng nước bạn hoàn thành phân giới, cắm mốc "
    "trên toàn tuyến biên giới đất liền, bảo đảm an ninh khu vực cửa khẩu."
)
KEYS = {"themes", "relevant", "topic", "persons", "organizations", "locations", "documents", "evidence"}


def test_analyze_stdin_json() -> None:
    result = CliRunner().invoke(cli, ["analyze", "-", "--format", "json"], input=ARTICLE)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert KEYS <= set(data)
    assert "bien-gioi" in data["themes"] and data["themes"] == sorted(data["themes"])
    assert data["relevant"] is True
    assert data["evidence"]["bien-gioi"]


def test_analyze_jsonl_several_files_with_one_bad(tmp_path: Path) -> None:
    good = tmp_path / "a.txt"
    good.write_text(ARTICLE, encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    html = tmp_path / "page.html"
    paragraphs = "".join(f"<p>{line}</p>" for line in ARTICLE.split("\n")[1:] * 3)
    html.write_text(
        f"<html><head><title>{ARTICLE.splitlines()[0]}</title></head><body><article><h1>"
        f"{ARTICLE.splitlines()[0]}</h1>{paragraphs}</article></body></html>",
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["analyze", "--format", "jsonl", str(good), str(empty), str(html)])
    assert result.exit_code == 1
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["file"] for line in lines] == [str(good), str(empty), str(html)]
    assert KEYS <= set(lines[0]) and "error" in lines[1] and KEYS <= set(lines[2])
    assert "bien-gioi" in lines[2]["themes"]


def test_analyze_json_refuses_several_files(tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    f.write_text(ARTICLE, encoding="utf-8")
    result = CliRunner().invoke(cli, ["analyze", str(f), str(f)])
    assert result.exit_code != 0
    assert "jsonl" in result.output


def _cp1258(text: str) -> bytes:
    import unicodedata

    tones = set("\u0300\u0301\u0303\u0309\u0323")
    out = []
    for ch in text:
        parts = unicodedata.normalize("NFD", ch)
        out.append(
            unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
            + "".join(c for c in parts if c in tones)
        )
    return "".join(out).encode("cp1258")


def test_analyze_windows_1258_file_and_binary_file(tmp_path: Path) -> None:
    legacy = tmp_path / "cu.txt"
    legacy.write_bytes(_cp1258(ARTICLE))
    binary = tmp_path / "anh.png"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    result = CliRunner().invoke(cli, ["analyze", "--format", "jsonl", str(legacy), str(binary)])
    assert result.exit_code == 1
    first, second = (json.loads(line) for line in result.stdout.splitlines())
    assert "bien-gioi" in first["themes"]
    assert "binary" in second["error"]
