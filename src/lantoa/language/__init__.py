"""Stage: language. Understand one article the way an external-information officer reads it.

``analyze(article)`` runs, in order: legacy-encoding repair, language identification (a text
that is not Vietnamese is said to be so and gets no Vietnamese entities or themes), the
general topic (VNTC model), the themes of taxonomy.md with their evidence, and the entities
(people and titles, organisations, places, documents cited) from ``lantoa.language.entities``.
It never crashes on odd text: empty text is an ``InputError``; very long text is analysed on
its first ``MAX_CHARS`` characters, with a note saying so.
"""

from __future__ import annotations

import importlib
import json
import logging
import re
from dataclasses import replace
from functools import lru_cache
from importlib.resources import files
from typing import Any

from lantoa.errors import ConfigError, InputError
from lantoa.language.detect import detect_language
from lantoa.language.normalize import canonical, fold, repair_legacy
from lantoa.language.themes import assign_themes, is_relevant
from lantoa.records import Analysis, Article

__all__ = ["MAX_CHARS", "analyze", "analyze_text", "canonical", "detect_language", "fold", "repair_legacy"]

log = logging.getLogger(__name__)

MAX_CHARS = 200_000
"""Characters of an article analysed at most (a 5 MB dump is cut, not refused)."""

_NOT_VI = "Văn bản không phải tiếng Việt ({lang}): không xác định chủ đề, thực thể. (Text is not Vietnamese.)"
_UNDETERMINED = "Không xác định được ngôn ngữ của văn bản. (Language could not be determined.)"
_CUT = "Văn bản dài, chỉ phân tích {n} ký tự đầu. (Long text: only the first {n} characters analysed.)"
_REPAIRED = "Đã chuyển mã cũ {enc} sang Unicode. (Legacy encoding {enc} converted to Unicode.)"


def _repaired(article: Article) -> tuple[Article, str | None]:
    found: list[str] = []

    def fix(text: str) -> str:
        fixed, enc = repair_legacy(text)
        if enc:
            found.extend(e for e in enc.split("+") if e not in found)
        return fixed

    fixed = replace(
        article,
        title=fix(article.title),
        lead=fix(article.lead),
        paragraphs=tuple(fix(p) for p in article.paragraphs),
    )
    return fixed, "+".join(found) or None


def _cut(article: Article) -> tuple[Article, bool]:
    budget = MAX_CHARS - len(article.title) - len(article.lead)
    if budget >= sum(len(p) for p in article.paragraphs):
        return article, False
    kept: list[str] = []
    for p in article.paragraphs:
        if budget <= 0:
            break
        kept.append(p[:budget])
        budget -= len(p)
    return replace(
        article, title=article.title[:MAX_CHARS], lead=article.lead[:MAX_CHARS], paragraphs=tuple(kept)
    ), True


def _entities(text: str, title: str, notes: list[str]) -> Any:
    """Results of ``lantoa.language.entities.find_entities``, or None when it is unavailable.

    A failure there must not lose the themes and topic already found: it becomes a note.
    """
    try:
        module = importlib.import_module("lantoa.language.entities")
    except ImportError:
        return None
    finder = getattr(module, "find_entities", None)
    if finder is None:
        return None
    try:
        return finder(text, title=title)
    except Exception as exc:
        log.exception("entity extraction failed")
        notes.append(f"Lỗi khi nhận diện thực thể (entity extraction failed): {type(exc).__name__}")
        return None


def analyze(article: Article) -> Analysis:
    """Understand one article: language, themes (with evidence), relevance, topic, entities."""
    if not any(ch.isalpha() for ch in article.full_text):
        raise InputError("article has no text to analyse (empty or only digits and symbols)")
    notes: list[str] = []
    article, too_long = _cut(article)
    if too_long:
        notes.append(_CUT.format(n=MAX_CHARS))
    article, legacy = _repaired(article)
    if legacy:
        notes.append(_REPAIRED.format(enc=legacy))
    text = article.full_text
    language = detect_language(text)
    if language != "vi":
        notes.append(_UNDETERMINED if language == "und" else _NOT_VI.format(lang=language))
        return Analysis(language=language, notes=tuple(notes))
    from lantoa.language.topic import classify_topic  # numpy and the model: only when needed

    topic: str | None = None
    try:
        topic = classify_topic(text)
    except ConfigError as exc:
        log.warning("no general topic: %s", exc)
        notes.append(f"Không có mô hình chủ đề: {exc}")
    themes = assign_themes(article.title, article.lead, article.paragraphs, topic=topic)
    found = _entities(text, article.title, notes)
    return Analysis(
        language="vi",
        themes=themes,
        relevant=is_relevant(themes),
        topic=topic,
        persons=tuple(getattr(found, "persons", ()) or ()),
        organizations=tuple(getattr(found, "organizations", ()) or ()),
        locations=tuple(getattr(found, "locations", ()) or ()),
        documents=tuple(getattr(found, "documents", ()) or ()),
        province=getattr(found, "province", None),
        notes=tuple(notes),
    )


def analyze_text(text: str, *, source: str | None = None) -> Analysis:
    """Analyse plain text: the first non-empty line is the headline, the other lines paragraphs."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        raise InputError("text is empty")
    return analyze(text_article(text, source=source))


@lru_cache(maxsize=1)
def _boilerplate() -> tuple[tuple[str, ...], re.Pattern[str]]:
    raw = json.loads(files("lantoa.language").joinpath("data/boilerplate.json").read_text("utf-8"))
    return tuple(canonical(s).lower() for s in raw["stop_lines"]), re.compile(raw["related_line"])


def article_lines(lines: list[str]) -> list[str]:
    """Drop what a pasted page adds after the article: "Tin cùng chuyên mục" lists, related links."""
    stops, related = _boilerplate()
    kept: list[str] = []
    for i, line in enumerate(lines):
        key = canonical(line).lower()
        if i > 0 and any(key.startswith(s) for s in stops):
            break
        if i > 0 and related.match(line):
            continue
        kept.append(line)
    return kept


def text_article(text: str, *, source: str | None = None) -> Article:
    """An ``Article`` from plain text (headline on the first non-empty line, page lists dropped)."""
    lines = article_lines([line.strip() for line in text.splitlines() if line.strip()])
    if not lines:
        raise InputError("text is empty")
    return Article(url=None, title=lines[0], paragraphs=tuple(lines[1:]), source=source)
