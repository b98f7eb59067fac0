"""Snippets with highlighted words, returned as parts so the web layer escapes them itself.

Why parts and not HTML: article text is scraped and untrusted; returning ``(text, hit)`` pairs
lets every consumer (HTML with escaping, terminal, CSV) mark matches its own safe way.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from lantoa.search.query import And, Node, Not, Or, Term
from lantoa.search.text import fold_token, token_spans, tokens

SNIPPET_TOKENS = 32
MAX_SCAN_CHARS = 50_000
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


def make_snippet(text: str, keys: frozenset[str], width: int = SNIPPET_TOKENS) -> tuple[SnippetPart, ...]:
    """The window of ``width`` words with the most query words, matches marked."""
    text = unicodedata.normalize("NFC", text[:MAX_SCAN_CHARS])
    spans = list(token_spans(text))
    if not spans:
        return ()
    hits = [i for i, s in enumerate(spans) if s[3] in keys]
    start = 0
    if hits:
        best = -1
        for h in hits:
            first = max(0, h - 4)
            covered = len({spans[i][3] for i in hits if first <= i < first + width})
            if covered > best:
                best, start = covered, first
    end = min(len(spans), start + width)
    hit_set = set(hits)
    parts: list[SnippetPart] = []
    if start > 0:
        parts.append(SnippetPart("… "))
    cursor = spans[start][0]
    for i in range(start, end):
        s_start, s_end = spans[i][0], spans[i][1]
        if i in hit_set:
            if s_start > cursor:
                parts.append(SnippetPart(text[cursor:s_start]))
            parts.append(SnippetPart(text[s_start:s_end], hit=True))
            cursor = s_end
    tail_end = spans[end - 1][1]
    if tail_end > cursor:
        parts.append(SnippetPart(text[cursor:tail_end]))
    if end < len(spans):
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
