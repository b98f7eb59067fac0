"""Documents cited: Party and State texts with type, number, symbol, issuer and date.

"Kết luận số 57-KL/TW ngày 15/6/2023 của Bộ Chính trị" -> Kết luận, 57, 57-KL/TW, Bộ Chính trị,
2023-06-15. Citations of the same document are merged: by symbol, and a later bare "Kết luận 57"
joins the document of that type and number cited in full earlier.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from functools import cache

from lantoa.records import DocumentRef

from ._lexicon import CAP_WORD, SP, UPPER, bounded, load_toml, named_after, word_pattern
from .orgs import issuer_pattern

_ROMAN = r"(?:[IVXLC]+)"
LOWER_WORD = rf"[^\W\d_{UPPER}][^\W\d_]*"
_LAW_TYPES = ("Luật", "Bộ luật", "Pháp lệnh", "Hiến pháp")
_YEAR = re.compile(r"(?:[ \t]+năm)?[ \t]+\d{4}$")
_NOT_A_LAW = re.compile(r"(?:ĐH|Đại học|Khoa|Công ty|Văn phòng|Đoàn|Hãng|Viện|Học viện|Tạp chí|Báo)[ \t]+$")
_SYMBOL = r"\d{1,5}(?:/\d{4})?[-/][A-ZĐ][A-ZĐa-z0-9&]*(?:[-/][A-ZĐ0-9][A-ZĐa-z0-9&]*)*"
_DATE_NUM = r"(?P<d>\d{1,2})[/.-](?P<m>\d{1,2})[/.-](?P<y>(?:19|20)\d{2})"
_DATE_WORDS = r"(?P<d2>\d{1,2})[ \t]+tháng[ \t]+(?P<m2>\d{1,2})[ \t]+năm[ \t]+(?P<y2>(?:19|20)\d{2})"


@cache
def _citation_re() -> re.Pattern[str]:
    data = load_toml("documents.toml")
    types = word_pattern(data["types"])
    issuer = issuer_pattern()
    laws = word_pattern(data["laws"])
    stops = rf"(?:{word_pattern(data['name_stops'])})(?![\w])"
    return re.compile(
        bounded(rf"(?P<type>{types})")
        + rf"(?:{SP}(?:số{SP})?(?P<symbol>{_SYMBOL})|{SP}(?:số{SP})(?P<number>\d{{1,5}})(?![\w/-])"
        + rf"|{SP}(?P<bare>\d{{1,5}})(?![\w/.,-]))?"
        + rf"(?P<plenum>{SP}(?:Hội nghị{SP})?Trung ương{SP}(?P<plenum_no>\d{{1,2}})(?:{SP}khóa{SP}(?P<plenum_term>{_ROMAN}))?)?"
        + rf"(?P<congress>{SP}(?:của{SP})?[Đđ]ại hội(?:{SP}(?:đại biểu toàn quốc{SP})?(?:lần{SP}thứ{SP})?(?P<roman>{_ROMAN}))?(?:{SP}của{SP}Đảng)?)?"
        + rf"(?P<name>{SP}(?:{laws}|(?!{issuer}){CAP_WORD}(?:{SP}(?!{stops}){LOWER_WORD})?)"
        + rf"(?:{SP}(?:năm{SP})?\d{{4}})?)?"
        + rf"(?:,?{SP}(?:ban hành{SP})?ngày{SP}(?:{_DATE_NUM}|{_DATE_WORDS}))?"
        + rf"(?:(?:,?{SP}(?:của|do){SP}|{SP})(?P<issuer>{issuer})(?P<term>{SP}khóa{SP}{_ROMAN})?)?"
    )


def _symbol_issuer(symbol: str) -> str | None:
    table: dict[str, str] = load_toml("documents.toml")["symbol_issuer"]
    tail = re.sub(r"^\d+(?:/\d{4})?[-/]", "", symbol)
    for suffix in sorted(table, key=len, reverse=True):
        bare = re.sub(r"\d+$", "", tail)
        if bare == suffix or tail.endswith("/" + suffix) or tail.endswith("-" + suffix):
            return table[suffix]
        if re.sub(r"\d+$", "", suffix) and bare.endswith(suffix):
            return table[suffix]
    return None


def _date(m: re.Match[str]) -> date | None:
    d, mo, y = (
        (m.group("d"), m.group("m"), m.group("y"))
        if m.group("d")
        else (m.group("d2"), m.group("m2"), m.group("y2"))
    )
    if not d:
        return None
    try:
        return date(int(y), int(mo), int(d))
    except ValueError:
        return None


def find_documents(text: str) -> list[DocumentRef]:
    """Every document cited in ``text`` (NFC), merged so that one document appears once."""
    anchors = set(load_toml("documents.toml")["need_anchor"])
    found: list[DocumentRef] = []
    for m in _citation_re().finditer(text):
        kind = m.group("type")
        symbol = m.group("symbol")
        number = m.group("number") or m.group("bare")
        name = (m.group("name") or "").strip()
        congress = (m.group("congress") or "").strip()
        issuer = m.group("issuer")
        when = _date(m)
        if symbol:
            number = re.match(r"\d+", symbol).group(0)  # type: ignore[union-attr]
            if "/" not in symbol.split("-")[0] and not re.search(r"[A-ZĐ]", symbol):
                symbol = None
        if m.group("plenum"):
            # "Nghị quyết Trung ương 4 khóa XII": issued by the 4th plenum of that Central Committee.
            term = f" khóa {m.group('plenum_term')}" if m.group("plenum_term") else ""
            issuer = f"Hội nghị Trung ương {m.group('plenum_no')}{term}"
        if congress:
            # "Đại hội lần thứ XIII của Đảng", "đại hội XIII" -> one issuer: "Đại hội XIII".
            issuer = f"Đại hội {m.group('roman')}" if m.group("roman") else "Đại hội"
        if not (symbol or number or issuer or when or congress or (name and kind in _LAW_TYPES)):
            # (a plenum sets the issuer above)
            if kind in anchors or not name:
                continue
        if name and kind in _LAW_TYPES:
            before = text[max(0, m.start() - 16) : m.start()]
            if named_after(text, m.start()) or _NOT_A_LAW.search(before):
                continue  # "Trường Đại học Luật TP Hồ Chí Minh", "Công ty Luật Hà Nội"
            name = _YEAR.sub("", name)  # the year stays in the surface
        elif name:
            name = ""
        if issuer and m.group("term"):
            issuer = issuer + m.group("term")
        if not issuer and symbol:
            issuer = _symbol_issuer(symbol)
        surface = m.group(0).strip()
        found.append(
            DocumentRef(
                type=f"{kind} {name}".strip() if name else kind,
                number=number,
                symbol=symbol,
                issuer=issuer,
                date=when,
                surface=surface,
            )
        )
    return merge_documents(found)


def merge_documents(docs: list[DocumentRef]) -> list[DocumentRef]:
    """One record per document: the fullest citation, completed by the others."""
    merged: list[DocumentRef] = []
    for doc in docs:
        target = None
        for i, seen in enumerate(merged):
            same_symbol = doc.symbol and seen.symbol and doc.symbol.upper() == seen.symbol.upper()
            same_number = (
                doc.number
                and seen.number == doc.number
                and seen.type == doc.type
                and (not doc.symbol or not seen.symbol)
            )
            same_named = (
                not doc.number
                and not seen.number
                and not doc.symbol
                and seen.type == doc.type
                and (seen.issuer or "").lower() == (doc.issuer or "").lower()
            )
            if same_symbol or same_number or same_named:
                target = i
                break
        if target is None:
            merged.append(doc)
            continue
        seen = merged[target]
        merged[target] = replace(
            seen,
            symbol=seen.symbol or doc.symbol,
            number=seen.number or doc.number,
            issuer=seen.issuer or doc.issuer,
            date=seen.date or doc.date,
            surface=seen.surface if len(seen.surface) >= len(doc.surface) else doc.surface,
        )
    return merged
