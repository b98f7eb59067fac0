"""Snippets with highlighted words, returned as parts so the web layer escapes them itself.

Why parts and not HTML: article text is scraped and untrusted; returning ``(text, hit)`` pairs
lets every consumer (HTML with escaping, terminal, CSV) mark matches its own safe way.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from lantoa.language.normalize import fold_spellings
from lantoa.search.query import And, Node, Not, Or, Term
from lantoa.search.text import fold_token, tokens

SNIPPET_CHARS = 220
MAX_SCAN_CHARS = 8_000
MAX_HITS = 40
_SPACES = re.compile(r"\s+")
_MARKS = r"[\u0300-\u036f]"
"""Combining diacritics (``fold`` drops them): part of the word they follow."""


@dataclass(frozen=True)
class SnippetPart:
    text: str
    hit: bool = False


def highlight_keys(node: Node) -> frozenset[str]:
    """Folded tokens of the positive terms of a query (what a snippet marks)."""
    found: set[str] = set()

    def walk(n: Node) -> None:
        if isinstance(n, Term):
            found.update(fold_token(t) for t in tokens(n.text))
        elif isinstance(n, And | Or):
            for c in n.children:
                walk(c)
        # Not: excluded words are not in the article; filters carry no words

    if not isinstance(node, Not):
        walk(node)
    return frozenset(found)


@lru_cache(maxsize=256)
def _key_pattern(keys: frozenset[str]) -> re.Pattern[str]:
    """Whole tokens of the original text that fold to one of ``keys``, longest first.

    Each letter of a key is the class of its spellings (``lantoa.language.normalize.fold_spellings``:
    ``the`` also finds ``Thế`` and ``thể``), so the text itself is searched, not a folded copy.
    Folding first cost more than the search (``str.translate`` looks every character up in a
    dict): a snippet took 0.40 ms, now 0.09 ms, with identical output (1,000 articles of the
    search benchmark, five queries). A combining mark left after NFC belongs to its word, as
    folding would drop it.
    """
    spellings = fold_spellings()

    def chars(ch: str) -> str:
        return spellings.get(ch, ch)

    def spelled(ch: str) -> str:
        return f"[{re.escape(chars(ch))}]"

    ordered = sorted(keys, key=len, reverse=True)
    first = "".join(sorted({c for key in ordered for c in chars(key[0])}))
    rests = "|".join(f"(?<={spelled(key[0])})" + "".join(map(spelled, key[1:])) for key in ordered)
    edge = rf"[^\W_]|{_MARKS}"
    # Opening with a plain class lets the regular expression engine skip ahead to the next
    # character that can start a key (its fast scan: 0.16 ms for 8,000 characters, 0.41 ms with
    # the look-behind first); the key's own first letter and what precedes it are checked after.
    return re.compile(rf"[{re.escape(first)}](?<!(?:{edge}).)(?:{rests})(?!{edge})")


def _densest(matches: list[tuple[int, int, str]], width: int) -> int:
    """Start of the window that holds the most distinct keys (the earliest of equals).

    A window opens a fifth of ``width`` before a match. Matches are in order and do not overlap,
    so those inside a window are a run of them, and both ends of the run only move forwards.
    """
    best, start = -1, 0
    inside: Counter[str] = Counter()
    lo = hi = 0
    for m_start, _, _ in matches:
        first = max(0, m_start - width // 5)
        while hi < len(matches) and matches[hi][1] <= first + width:
            inside[matches[hi][2]] += 1
            hi += 1
        while lo < hi and matches[lo][0] < first:
            key = matches[lo][2]
            inside[key] -= 1
            if not inside[key]:
                del inside[key]
            lo += 1
        if len(inside) > best:
            best, start = len(inside), first
    return start


def _word_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """Move a window inwards to whole words."""
    if start > 0 and not text[start - 1].isspace():
        nxt = text.find(" ", start)
        start = nxt + 1 if 0 <= nxt < end else start
    if end < len(text) and not text[end].isspace():
        prev = text.rfind(" ", start, end)
        end = prev if prev > start else end
    return start, end


def make_snippet(text: str, keys: frozenset[str], width: int = SNIPPET_CHARS) -> tuple[SnippetPart, ...]:
    """About ``width`` characters around the densest cluster of query words, matches marked.

    Matching runs on the NFC text itself (one regex pass, ``_key_pattern``), so the marked
    pieces are cut from the original spelling.
    """
    text = unicodedata.normalize("NFC", text[:MAX_SCAN_CHARS])
    if not text.strip():
        return ()
    matches: list[tuple[int, int, str]] = []
    if keys:
        for m in _key_pattern(keys).finditer(text):
            matches.append((m.start(), m.end(), fold_token(m.group(0))))
            if len(matches) >= MAX_HITS:
                break
    start = _densest(matches, width)
    start, end = _word_bounds(text, start, min(len(text), start + width))
    parts: list[SnippetPart] = [SnippetPart("… ")] if start > 0 else []
    cursor = start
    for m_start, m_end, _ in matches:
        if m_start < start or m_end > end:
            continue
        if m_start > cursor:
            parts.append(SnippetPart(text[cursor:m_start]))
        parts.append(SnippetPart(text[m_start:m_end], hit=True))
        cursor = m_end
    if end > cursor:
        parts.append(SnippetPart(text[cursor:end]))
    if end < len(text):
        parts.append(SnippetPart(" …"))
    return tuple(_merge(parts))


def _merge(parts: list[SnippetPart]) -> list[SnippetPart]:
    out: list[SnippetPart] = []
    for p in parts:
        if out and out[-1].hit == p.hit and not p.hit:
            out[-1] = SnippetPart(out[-1].text + p.text)
        else:
            out.append(p)
    cleaned = [SnippetPart(_SPACES.sub(" ", p.text), p.hit) for p in out]
    joined: list[SnippetPart] = []
    for i, p in enumerate(cleaned):  # "hội" + " " + "nghị" -> one marked "hội nghị"
        after_hit = bool(joined) and joined[-1].hit
        if after_hit and p.text == " " and i + 1 < len(cleaned) and cleaned[i + 1].hit:
            joined[-1] = SnippetPart(joined[-1].text + " ", hit=True)
        elif after_hit and p.hit:
            joined[-1] = SnippetPart(joined[-1].text + p.text, hit=True)
        else:
            joined.append(p)
    return joined


def render(parts: tuple[SnippetPart, ...], mark: tuple[str, str] = ("[", "]")) -> str:
    """Plain text with matches between ``mark`` (for terminals, CSV and JSONL)."""
    return "".join(f"{mark[0]}{p.text}{mark[1]}" if p.hit else p.text for p in parts)
