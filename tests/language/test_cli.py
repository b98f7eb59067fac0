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
