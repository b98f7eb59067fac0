"""Themes of external-information work (taxonomy.md), multi-label, each with its evidence.

Why weighted phrases and not word occurrence: taxonomy.md gives a theme when the article is
*substantially* about it (its headline, a paragraph, a stated purpose). So every phrase of the
rules file counts by weight and by where it stands (headline > lead > body), one phrase counts
a few times at most, and a theme needs both a total score over its threshold and either a hit
in the headline or one paragraph that scores on its own. The general topic (VNTC model) adds
or subtracts per the rules file, so "Thể thao" pushes culture-and-society without any phrase.
The evidence kept is the phrases that scored most and the sentences that carried them.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from lantoa.language.normalize import canonical, nfc
from lantoa.language.theme_rules import ThemeRule, ThemeRules, current_rules
from lantoa.records import ThemeHit

_HEADLINE_CHARS = 140
"""In VNTC-style text the headline and lead share the first line; only its start is the headline."""
_SENTENCE_END = re.compile(r"[.!?…](?=\s)|\n")
_MAX_EVIDENCE_PHRASES = 6
_MAX_EVIDENCE_SENTENCES = 2
_MAX_SENTENCE_CHARS = 300


@dataclass(frozen=True)
class _Part:
    text: str
    """NFC text shown to people; offsets of matches refer to it."""
    canon: str
    lower: str
    weight: float
    headline_end: int = 0
    """Characters from the start counted at the headline weight."""


@dataclass
class _Tally:
    score: float = 0.0
    headline_hit: bool = False
    best_part: float = 0.0
    phrases: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    sentences: list[tuple[float, str]] = field(default_factory=list)


def _parts(headline: str, lead: str, paragraphs: list[str], rules: ThemeRules) -> list[_Part]:
    w = rules.weights
    budget = w.max_chars
    out: list[_Part] = []
    items: list[tuple[str, float, int]] = []
    if headline:
        items.append((headline, w.lead, _HEADLINE_CHARS))
    if lead:
        items.append((lead, w.lead, 0))
    items.extend((p, w.body, 0) for p in paragraphs)
    for text, weight, head in items:
        text = nfc(text.strip())[:budget]
        if not text:
            continue
        budget -= len(text)
        canon = canonical(text)
        lower = canon.lower()
        if len(lower) != len(canon):
            lower = canon  # rare letters whose lower case changes length: match cased only
        out.append(_Part(text, canon, lower, weight, head))
        if budget <= 0:
            break
    return out


def _sentence_at(text: str, pos: int) -> str:
    start = 0
    for before in _SENTENCE_END.finditer(text, 0, pos):
        start = before.end()
    after = _SENTENCE_END.search(text, pos)
    end = after.end() if after else len(text)
    sentence = text[start:end].strip()
    if len(sentence) > _MAX_SENTENCE_CHARS:
        sentence = sentence[: _MAX_SENTENCE_CHARS - 1].rstrip() + "…"
    return sentence


def _score_theme(rule: ThemeRule, parts: list[_Part], rules: ThemeRules) -> _Tally:
    tally = _Tally()
    counts: dict[str, int] = defaultdict(int)
    cap = rules.weights.max_count
    foreign = rules.foreign_after if rule.scope == "vietnam" else None
    for part in parts:
        part_score = 0.0
        best_pos, best_gain = -1, 0.0
        found: list[tuple[re.Match[str], float, float]] = []
        if rule.pattern:
            found.extend((m, rule.phrases[m.group(0)], 1.0) for m in rule.pattern.finditer(part.lower))
        if rule.cased_pattern:
            found.extend((m, rule.cased[m.group(0)], 1.0) for m in rule.cased_pattern.finditer(part.canon))
        if rule.negative_pattern:
            found.extend(
                (m, rule.negative[m.group(0)], -1.0) for m in rule.negative_pattern.finditer(part.lower)
            )
        for match, weight, sign in sorted(found, key=lambda f: f[0].start()):
            if foreign and foreign.match(part.canon, match.end()):
                continue  # "Quốc hội Singapore": not Vietnam's
            phrase = match.group(0).lower()
            if counts[phrase] >= cap:
                continue
            counts[phrase] += 1
            in_headline = match.start() < part.headline_end
            where = rules.weights.headline if in_headline else part.weight
            gain = sign * weight * where
            tally.score += gain
            part_score += sign * weight
            if sign > 0:
                tally.headline_hit = tally.headline_hit or in_headline
                tally.phrases[part.text[match.start() : match.end()]] += gain
                if gain > best_gain:
                    best_pos, best_gain = match.start(), gain
        tally.best_part = max(tally.best_part, part_score)
        if best_pos >= 0:
            tally.sentences.append((part_score, _sentence_at(part.text, best_pos)))
    return tally


_AMBIGUOUS = {"Anh", "Nga", "Nhật", "Ý", "Úc", "Áo", "Bỉ", "Séc", "TQ"}
"""Country names that are also Vietnamese given names or words (Tuấn Anh, Thiên Nga, Ý kiến)."""
_VIETNAM = re.compile(r"(?<!\w)(?:Việt Nam|VN)(?!\w)")


def _countries_in_headline(part: _Part, rules: ThemeRules) -> int:
    """Distinct countries named in the headline ("Israel không kích Libăng": 2)."""
    head = part.canon[: part.headline_end or _HEADLINE_CHARS]
    names = {m.group(0) for m in rules.foreign_any.finditer(head)} if rules.foreign_any else set()
    return len(names - _AMBIGUOUS) + (1 if _VIETNAM.search(head) else 0)


def _about_vietnam(parts: list[_Part], rules: ThemeRules) -> bool:
    """Speaks of Vietnam, or at least of no other country (a domestic article rarely says "VN")."""
    if any(rules.vietnam_cues.search(p.canon) for p in parts):
        return True
    return rules.foreign_any is None or not any(rules.foreign_any.search(p.canon) for p in parts)


def assign_themes(
    headline: str,
    lead: str = "",
    paragraphs: list[str] | tuple[str, ...] = (),
    *,
    topic: str | None = None,
    rules: ThemeRules | None = None,
) -> tuple[ThemeHit, ...]:
    """Themes of an article, sorted by slug, each with its score and evidence."""
    rules = rules or current_rules()
    parts = _parts(headline, lead, list(paragraphs), rules)
    if not parts:
        return ()
    about_vietnam: bool | None = None
    hits: list[ThemeHit] = []
    for rule in rules.themes:
        tally = _score_theme(rule, parts, rules)
        if topic and topic in rule.topics:
            tally.score += rule.topics[topic]
        if rule.countries_in_headline and _countries_in_headline(parts[0], rules) >= 2:
            tally.score += rule.countries_in_headline
            tally.headline_hit = True
            tally.phrases[parts[0].text[:_HEADLINE_CHARS].strip()] += rule.countries_in_headline
        bonus = rule.topics.get(topic, 0.0) if topic else 0.0
        # A topic bonus that alone reaches the threshold decides: the whole article is about it.
        substantial = tally.headline_hit or tally.best_part >= rule.paragraph_min or bonus >= rule.threshold
        if tally.score < rule.threshold or not substantial:
            continue
        if rule.scope == "vietnam":
            if about_vietnam is None:
                about_vietnam = _about_vietnam(parts, rules)
            if not about_vietnam:
                continue
        phrases = sorted(tally.phrases, key=lambda p: -tally.phrases[p])[:_MAX_EVIDENCE_PHRASES]
        sentences: list[str] = []
        for _, sentence in sorted(tally.sentences, key=lambda s: -s[0]):
            if sentence not in sentences and sentence not in phrases:
                sentences.append(sentence)
            if len(sentences) == _MAX_EVIDENCE_SENTENCES:
                break
        hits.append(ThemeHit(rule.slug, round(tally.score, 2), tuple(phrases + sentences)))
    return tuple(sorted(hits, key=lambda h: h.slug))


def is_relevant(hits: tuple[ThemeHit, ...], rules: ThemeRules | None = None) -> bool:
    """Relevant to external-information work: carries a theme marked ``relevant`` in the rules."""
    rules = rules or current_rules()
    relevant = {t.slug for t in rules.themes if t.relevant}
    return any(h.slug in relevant for h in hits)
