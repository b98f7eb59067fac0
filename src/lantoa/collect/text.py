"""Small text helpers shared by the collectors."""

from __future__ import annotations


def one_line(reason: str, limit: int = 300) -> str:
    """A failure reason on one line, bounded: library messages may span lines or quote pages."""
    text = " ".join(reason.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
