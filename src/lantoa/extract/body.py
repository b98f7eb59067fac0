"""The article body of a parsed page: paragraphs, captions kept apart, boilerplate left out.

Why our own engine over selectolax (lexbor) rather than trafilatura alone: measured on the
benchmarks (benchmarks/RESULTS.md), lexbor parses a page and reads its paragraphs some 25 times
faster than trafilatura extracts it, and the Vietnamese
press is served by a handful of CMSes whose body, sapo and caption classes are known (site
profiles, data/profiles.toml). Pages of unknown layout fall back to a readability-style score:
paragraph text and commas credited to ancestors, discounted by link density; when that choice
holds under 80% of the page's running text, trafilatura gives a second opinion (``rescue``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser, LexborNode

from lantoa.extract.lexicon import Profile, lexicon

_REMOVE = (
    "script, style, noscript, iframe, svg, template, button, select, input, textarea, nav, aside, "
    "footer, object, embed, canvas, video, audio, map, link, meta, dialog"
)
_BLOCK = frozenset(
    "p div section article main li ul ol h1 h2 h3 h4 h5 h6 blockquote pre td th tr table tbody thead "
    "dd dt dl figure figcaption header center form address details summary hr".split()
)
_HEADINGS = frozenset("h1 h2 h3 h4 h5 h6".split())
_SPACE = re.compile(r"\s+")
_PUNCT = " \t:.-–—|»>•*"
_MIN_BODY_CHARS = 200


@dataclass
class Block:
    """One paragraph-like piece of text as it appears in the page."""

    text: str
    link_chars: int = 0
    caption: bool = False
    heading: bool = False

    @property
    def link_density(self) -> float:
        return self.link_chars / max(1, len(self.text))


@dataclass(frozen=True)
class Body:
    paragraphs: tuple[str, ...]
    captions: tuple[str, ...]
    chars: int
    """Characters of body text (0 when the page has no article-like block)."""
    link_density: float


def clean_tree(tree: LexborHTMLParser) -> None:
    """Remove scripts, navigation and blocks whose class or id says they are not the article."""
    for node in tree.css(_REMOVE):
        node.decompose()
    root = tree.body
    if root is None:
        return
    total = len(root.text(deep=True))
    lex = lexicon()
    for node in tree.css("[class], [id]"):
        if node.tag in ("html", "body", "main", "article"):
            continue
        attrs = node.attributes
        marker = f"{attrs.get('class') or ''} {attrs.get('id') or ''}"
        if not any(lex.boilerplate_re.search(token) for token in marker.split()):
            continue
        if lex.content_re.search(marker) or len(node.text(deep=True)) >= 0.4 * total:
            continue
        node.decompose()


def _blocks(root: LexborNode, caption_ids: frozenset[int]) -> list[Block]:
    out: list[Block] = []
    parts: list[str] = []
    state = {"link": 0}

    def flush(caption: bool, heading: bool) -> None:
        text = _SPACE.sub(" ", "".join(parts)).strip()
        if text:
            out.append(Block(text, state["link"], caption, heading))
        parts.clear()
        state["link"] = 0

    def walk(node: LexborNode, in_link: bool, in_caption: bool, heading: bool, depth: int) -> None:
        if depth > 200:
            return
        for child in node.iter(include_text=True):
            tag = child.tag
            if tag == "-text":
                text = child.text_content or ""
                if text:
                    parts.append(text)
                    if in_link:
                        state["link"] += len(text.strip())
                continue
            if tag == "br":
                flush(in_caption, heading)
                continue
            if tag in ("-comment", "img", "picture", "source"):
                continue
            caption = in_caption or tag in ("figcaption", "figure") or child.mem_id in caption_ids
            block = tag in _BLOCK or caption != in_caption
            if block:
                flush(in_caption, heading)
            walk(child, in_link or tag == "a", caption, heading or tag in _HEADINGS, depth + 1)
            if block:
                flush(caption, heading or tag in _HEADINGS)

    walk(root, False, False, False, 0)
    flush(False, False)
    return out


def block_key(text: str) -> str:
    return text.strip(_PUNCT).lower()


def _select(blocks: list[Block], skip: set[str]) -> tuple[list[str], list[str], int, float]:
    lex = lexicon()
    paragraphs: list[str] = []
    captions: list[str] = []
    link_chars = chars = 0
    related = False
    for block in blocks:
        key = block_key(block.text)
        if not key or key in skip:
            continue
        if block.caption:
            if block.text not in captions:
                captions.append(block.text)
            continue
        if len(key) < 60 and key in lex.cutoff_markers:
            # A "Related articles" box may sit mid-article: skip its teasers, not the rest.
            related = True
            continue
        if related:
            if len(block.text) < 120 or block.link_density > 0.3:
                continue
            related = False
        if key in lex.junk_lines:
            continue
        if block.link_density > 0.6 and len(block.text) < 300:
            continue
        chars += len(block.text)
        link_chars += block.link_chars
        paragraphs.append(block.text)
    return paragraphs, captions, chars, link_chars / max(1, chars)


def _first(tree: LexborHTMLParser, selectors: tuple[str, ...]) -> LexborNode | None:
    for selector in selectors:
        try:
            nodes = tree.css(selector)
        except (ValueError, SyntaxError):
            continue
        best = max(nodes, key=lambda n: len(n.text(deep=True)), default=None)
        if best is not None and len(best.text(deep=True).strip()) >= _MIN_BODY_CHARS:
            return best
    return None


def _good_text(node: LexborNode) -> tuple[int, int]:
    """(chars in running-text paragraphs, all chars) under ``node``."""
    good = 0
    for p in node.css("p"):
        text = p.text(deep=True).strip()
        if len(text) < 80:
            continue
        links = sum(len(a.text(deep=True)) for a in p.css("a"))
        if links / len(text) < 0.2:
            good += len(text)
    return good, len(node.text(deep=True))


def _widen(top: LexborNode) -> LexborNode:
    """Climb from the best-scored node while the parent adds mostly running text.

    Sites split one article into several containers (between ads, per section): the parent is the
    article when what it adds is paragraphs, not link lists and teasers.
    """
    good, total = _good_text(top)
    node = top
    for _ in range(4):
        parent = node.parent
        if parent is None or parent.tag in ("html", "body", "-document"):
            break
        parent_good, parent_total = _good_text(parent)
        added_good, added_total = parent_good - good, parent_total - total
        if added_total > 0 and (added_good < 80 or added_good < 0.5 * added_total):
            break
        node, good, total = parent, parent_good, parent_total
    return node


def _score_candidates(tree: LexborHTMLParser) -> list[LexborNode]:
    """Readability-style choice of the nodes holding the article, in document order."""
    scores: dict[int, float] = {}
    nodes: dict[int, LexborNode] = {}
    for node in tree.css("p, pre, blockquote, td, div, section, li, font, span"):
        if node.tag in ("div", "section", "td", "li", "font", "span"):
            text = (node.text(deep=False) or "").strip()
        else:
            text = node.text(deep=True).strip()
        if len(text) < 25:
            continue
        score = 1 + text.count(",") + text.count("،") + min(len(text) / 100, 3)
        parent = node.parent
        # Credit five ancestors (readability's divisors 1, 2, 6, 9, 12): component-based sites wrap
        # every paragraph in two or three divs of its own, so the shared container sits that high.
        for level in range(5):
            if parent is None or parent.tag in ("html", "-document"):
                break
            divisor = (1, 2, 6, 9, 12)[level]
            scores[parent.mem_id] = scores.get(parent.mem_id, 0.0) + score / divisor
            nodes[parent.mem_id] = parent
            parent = parent.parent
    if not scores:
        return []
    ranked = []
    for mem_id, score in scores.items():
        node = nodes[mem_id]
        text_len = len(node.text(deep=True)) or 1
        links = sum(len(a.text(deep=True)) for a in node.css("a"))
        ranked.append((score * (1 - min(1.0, links / text_len)), mem_id))
    top_score, top_id = max(ranked)
    top = _widen(nodes[top_id])
    top_id = top.mem_id
    parent = top.parent
    if parent is None:
        return [top]
    chosen: list[LexborNode] = []
    threshold = max(10.0, top_score * 0.2)
    final = {mem_id: s for s, mem_id in ranked}
    for sibling in parent.iter():
        if sibling.mem_id == top_id:
            chosen.append(sibling)
        elif final.get(sibling.mem_id, 0.0) >= threshold:
            chosen.append(sibling)
        elif sibling.tag == "p":
            text = sibling.text(deep=True)
            links = sum(len(a.text(deep=True)) for a in sibling.css("a"))
            if len(text) > 80 and links / max(1, len(text)) < 0.25:
                chosen.append(sibling)
    return chosen


def extract_body(
    tree: LexborHTMLParser, profiles: tuple[Profile, ...], skip: set[str]
) -> tuple[Body, LexborNode | None]:
    """Body paragraphs and captions of a cleaned tree; ``skip`` holds texts read elsewhere (title, lead)."""
    caption_selectors = tuple(s for p in profiles for s in p.caption)
    body_selectors = tuple(s for p in profiles for s in p.body)
    container = _first(tree, body_selectors)
    roots = [container] if container is not None else _score_candidates(tree)
    if container is not None:
        for selector in (s for p in profiles for s in p.drop):
            try:
                for node in container.css(selector):
                    node.decompose()
            except (ValueError, SyntaxError):
                continue
    blocks: list[Block] = []
    for root in roots:
        caption_ids = frozenset(n.mem_id for s in caption_selectors for n in root.css(s))
        blocks.extend(_blocks(root, caption_ids))
    paragraphs, captions, chars, density = _select(blocks, skip)
    return Body(tuple(paragraphs), tuple(captions), chars, density), container


def page_running_text(tree: LexborHTMLParser) -> int:
    """Characters of running-text paragraphs on the whole (cleaned) page."""
    root = tree.body
    return _good_text(root)[0] if root is not None else 0


def rescue(html: str, url: str | None, body: Body, running: int, skip: set[str]) -> Body:
    """Second opinion from trafilatura when our choice holds little of the page's running text.

    Measured on the benchmarks: our node choice misses text on about one page in six of unknown
    layout (articles split in several containers); trafilatura's rules recover much of it. It is
    called only then, so the cascade keeps most of lexbor's speed.
    """
    if running < _MIN_BODY_CHARS or body.chars >= 0.8 * running:
        return body
    import trafilatura

    try:
        text = trafilatura.extract(html, url=url, with_metadata=False, include_comments=False) or ""
    except Exception:  # a third-party second opinion must never fail the page: keep ours
        return body
    lines = [line.strip() for line in text.splitlines()]
    paragraphs = [line for line in lines if line and block_key(line) not in skip]
    chars = sum(len(p) for p in paragraphs)
    if chars <= 1.2 * body.chars:
        return body
    return Body(tuple(paragraphs), body.captions, chars, body.link_density)
