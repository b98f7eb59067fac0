"""Snippets find query words in the original text as folding would, and centre on the densest run."""

from __future__ import annotations

import gzip
import json
import random
import re
from itertools import islice
from pathlib import Path

from lantoa.search.snippet import MAX_SCAN_CHARS, _densest, _key_pattern, make_snippet
from lantoa.search.text import fold, fold_token, tokens


def _folded_matches(text: str, keys: frozenset[str]) -> list[tuple[int, int]]:
    """What the keys match in the folded copy of the text: the definition the snippet's pattern
    must meet without folding the text."""
    folded = fold(text).lower()
    assert len(folded) == len(text)
    alternatives = "|".join(re.escape(k) for k in sorted(keys, key=len, reverse=True))
    pattern = re.compile(rf"(?<![^\W_])(?:{alternatives})(?![^\W_])")
    return [m.span() for m in pattern.finditer(folded)]


def _spans(text: str, keys: frozenset[str]) -> list[tuple[int, int]]:
    return [m.span() for m in _key_pattern(keys).finditer(text)]


def test_pattern_matches_what_folding_matches_on_real_articles(shared_data: Path) -> None:
    rng = random.Random(11)
    checked = 0
    with gzip.open(shared_data / "vntc" / "vntc10_full.jsonl.gz", "rt", encoding="utf-8") as fh:
        for line in islice(fh, 300):
            text = json.loads(line)["text"][:MAX_SCAN_CHARS]
            words = tokens(text)
            if len(fold(text)) != len(text) or len(words) < 10:
                continue
            # keys drawn from the article itself (so most match), and one letter and one digit
            keys = frozenset({fold_token(w) for w in rng.sample(words, 4)} | {"a", "2"})
            expected = _folded_matches(text, keys)
            assert _spans(text, keys) == expected
            checked += 1
            # upper case and the other spelling of đ find the same words
            assert _spans(text.upper().replace("Đ", "Ð"), keys) == _folded_matches(text.upper(), keys)
    assert checked > 200


def test_pattern_spellings_and_word_edges() -> None:
    keys = frozenset({"dang", "the"})
    text = "ĐẢNG, Đảng và đang; thế, THỂ, thè - không phải thêm, bthe, the_x hay dang2"
    found = [text[s:e] for s, e in _spans(text, keys)]
    assert found == ["ĐẢNG", "Đảng", "đang", "thế", "THỂ", "thè", "the"]


def test_combining_marks_belong_to_their_word() -> None:
    # "q" with a combining acute has no precomposed form, so NFC leaves the mark in place
    keys = frozenset({"q", "hoi"})
    text = "q\u0301 hội"
    assert [text[s:e] for s, e in _spans(text, keys)] == ["hội"]
    plain = "q hoi"
    assert [plain[s:e] for s, e in _spans(plain, keys)] == ["q", "hoi"]


def test_densest_window_is_the_first_with_most_distinct_keys() -> None:
    rng = random.Random(5)
    for _ in range(300):
        matches, position = [], 0
        for _ in range(rng.randrange(1, 40)):
            position += rng.randrange(1, 120)
            length = rng.randrange(1, 8)
            matches.append((position, position + length, rng.choice("abcd")))
            position += length
        width = rng.choice((60, 220, 500))
        best, expected = -1, 0
        for start, _, _ in matches:  # the definition, every window checked
            first = max(0, start - width // 5)
            covered = len({k for s, e, k in matches if first <= s and e <= first + width})
            if covered > best:
                best, expected = covered, first
        assert _densest(matches, width) == expected


def test_snippet_marks_original_spelling_around_the_densest_run() -> None:
    filler = "Người dân địa phương cho biết thời tiết hôm nay rất đẹp. " * 12
    text = f"Hội nghị bắt đầu. {filler}Tại hội nghị, Đảng bộ tỉnh bàn về công tác đảng. {filler}"
    parts = make_snippet(text, frozenset({"hoi", "nghi", "dang"}))
    marked = [p.text for p in parts if p.hit]
    assert marked == ["hội nghị", "Đảng", "đảng"]
    assert parts[0].text.startswith("… ") and parts[-1].text.endswith(" …")
    assert "Hội nghị bắt đầu" not in "".join(p.text for p in parts)  # one key of three there
