"""Plain-text dumps of pages (like ../shared/data/seeds/*.txt) -> ``Article``.

Layout rules, as observed: the headline is the first non-empty line; a short line that is
mostly a date ("Đăng ngày 11/10/2023") gives the publication date; the page's leftovers start at
a marker line such as "Tin cùng chuyên mục" or "Xem tin theo ngày" and are cut off; a short
trailing line of capitalised names ("Hữu Lương – Ngọc Ánh") or "Theo TTXVN" is the byline.
"""

from __future__ import annotations

import re

from lantoa.errors import ExtractionError
from lantoa.extract.authors import trailing_byline
from lantoa.extract.dates import parse_date
from lantoa.extract.language import guess_language
from lantoa.extract.lexicon import lexicon
from lantoa.records import Article

_DATE_WORDS = re.compile(
    r"^(?:đăng ngày|ngày đăng|cập nhật|cập nhật lúc|ngày|thứ \w+|chủ nhật|published|posted|updated|lúc)\b",
    re.IGNORECASE,
)
_DIGITS = re.compile(r"[\d/.:,|()\s-]")


def _is_date_line(line: str) -> bool:
    if len(line) > 80 or parse_date(line) is None:
        return False
    rest = _DIGITS.sub("", line)
    return bool(_DATE_WORDS.match(line)) or len(rest) <= 12


def extract_text(
    text: str, url: str | None, *, source: str | None = None, origin: str | None = None
) -> Article:
    """Split a text dump into headline, date, body paragraphs and byline."""
    lines = [re.sub(r"\s+", " ", raw).strip() for raw in text.splitlines()]
    lines = [line for line in lines if line]
    if not lines:
        raise ExtractionError("no text: the file holds only whitespace")
    title = lines[0]
    if len(title) > 400:
        raise ExtractionError("no headline: the first line is a whole paragraph, not a title")
    lex = lexicon()
    published = None
    paragraphs: list[str] = []
    for line in lines[1:]:
        key = line.strip(" :.-–—|»>•*").lower()
        if paragraphs and key in lex.cutoff_markers:
            break
        if published is None and not paragraphs and _is_date_line(line):
            published = parse_date(line)
            continue
        if published is None and _is_date_line(line) and len(paragraphs) <= 2:
            published = parse_date(line)
            continue
        if key in lex.junk_lines:
            continue
        paragraphs.append(line)
    authors, used = trailing_byline(paragraphs)
    if used:
        paragraphs = paragraphs[:-used]
    if not paragraphs:
        raise ExtractionError("no body: the text has a headline but no paragraphs")
    return Article(
        url=url,
        title=title,
        source=source,
        published=published,
        authors=authors,
        paragraphs=tuple(paragraphs),
        language=guess_language(" ".join([title, *paragraphs[:20]])),
        fetched_url=url,
        origin=origin,
    )
