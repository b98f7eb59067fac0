"""Snippets with highlighted words, returned as parts so the web layer escapes them itself.

Why parts and not HTML: article text is scraped and untrusted; returning ``(text, hit)`` pairs
lets every consumer (HTML with escaping, terminal, CSV) mark matches its own safe way.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from lantoa.search.query import And, Node, Not, Or, Term
from lantoa.search.text import fold, fold_token, tokens

SNIPPET_CHARS = 220
MAX_SCAN_CHARS = 8_000
MAX_HITS = 40
_SPACES = re.compile(r"\s+")


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


def _key_pattern(keys: frozenset[str]) -> re.Pattern[str]:
    """Whole tokens equal to one of ``keys`` (folded), longest first."""
    alternatives = "|".join(re.escape(k) for k in sorted(keys, key=len, reverse=True))
    return re.compile(rf"(?<![^\W_])(?:{alternatives})(?![^\W_])")


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

    Matching runs on the folded text (one regex pass), which keeps the offsets of NFC text,
    so the marked pieces are cut from the original spelling.
    """
    text = unicodedata.normalize("NFC", text[:MAX_SCAN_CHARS])
    if not text.strip():
        return ()
    folded = fold(text).lower()
    matches: list[tuple[int, int, str]] = []
    if keys and len(folded) == len(text):
        for m in _key_pattern(keys).finditer(folded):
            matches.append((m.start(), m.end(), m.group(0)))
            if len(matches) >= MAX_HITS:
                break
    start = 0
    if matches:
        best = -1
        for m_start, _, _ in matches:
            first = max(0, m_start - width // 5)
            covered = len({k for s, e, k in matches if first <= s and e <= first + width})
            if covered > best:
                best, start = covered, first
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
