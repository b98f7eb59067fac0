"""The query language: a tokenizer and a recursive-descent parser that build a typed AST.

Grammar (docs/search.md explains it for officers)::

    query   := or_expr END
    or_expr := and_expr ("OR" and_expr)*
    and_expr:= unary (["AND"] unary)*          -- juxtaposition is AND
    unary   := "NOT" unary | "-" primary | primary
    primary := "(" or_expr ")" | PHRASE | WORD | FIELD

Precedence: NOT binds tightest, then AND, then OR. Because officers read ``hoi nghi OR hoi thao``
in two different ways, an OR whose side is an unparenthesised run of several terms is refused
with a message showing the parenthesised reading: the query never silently means something else.

The parser never builds SQL or FTS syntax: it returns nodes, and ``lantoa.search.sql`` turns
them into bound parameters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from lantoa.errors import QuerySyntaxError
from lantoa.search.fields import FIELD_NAMES, parse_field

MAX_QUERY_CHARS = 2000
MAX_TERMS = 64
MAX_DEPTH = 16


@dataclass(frozen=True)
class Term:
    """Words to find; several tokens (a quoted phrase, or ``57-KL``) must appear in order."""

    text: str
    phrase: bool = False


@dataclass(frozen=True)
class Filter:
    """A field filter; ``value`` is typed by ``lantoa.search.fields``."""

    name: str
    value: str | bool | tuple[date | None, date | None]


@dataclass(frozen=True)
class Not:
    child: Node


@dataclass(frozen=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    children: tuple[Node, ...]


Node = Term | Filter | Not | And | Or

_LEX = re.compile(
    r"""\s*(?:
        (?P<lparen>\() | (?P<rparen>\)) |
        (?P<neg>-)(?=[^\s)]) |
        (?P<field>[A-Za-z]+):(?:"(?P<fquoted>[^"]*)"|(?P<fvalue>[^\s()"]*)) |
        "(?P<phrase>[^"]*)(?P<pclose>"?) |
        (?P<word>[^\s()"]+)
    )""",
    re.VERBOSE,
)


@dataclass(frozen=True)
class _Tok:
    kind: str
    value: str
    pos: int


def _lex(text: str) -> list[_Tok]:
    out: list[_Tok] = []
    pos = 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        m = _LEX.match(text, pos)
        if m is None or m.end() == pos:  # pragma: no cover - the word branch matches anything else
            raise QuerySyntaxError(f"cannot read the query at character {pos + 1}")
        start = m.start() + len(m.group(0)) - len(m.group(0).lstrip())
        if m.group("lparen"):
            out.append(_Tok("(", "(", start))
        elif m.group("rparen"):
            out.append(_Tok(")", ")", start))
        elif m.group("neg"):
            out.append(_Tok("-", "-", start))
        elif m.group("field") is not None:
            name = m.group("field").lower()
            value = m.group("fquoted") if m.group("fquoted") is not None else m.group("fvalue")
            if name not in FIELD_NAMES:
                if value.startswith("//"):  # a URL typed as a word
                    out.append(_Tok("word", m.group(0).strip(), start))
                else:
                    known = ", ".join(sorted(FIELD_NAMES))
                    raise QuerySyntaxError(f"unknown field '{name}:' (known fields: {known})")
            else:
                out.append(_Tok("field", f"{name}:{value}", start))
        elif m.group("phrase") is not None:
            if not m.group("pclose"):
                raise QuerySyntaxError(f"a quote opened at character {start + 1} is never closed")
            out.append(_Tok("phrase", m.group("phrase"), start))
        else:
            word = m.group("word")
            kind = word if word in ("AND", "OR", "NOT") else "word"
            out.append(_Tok(kind, word, start))
        pos = m.end()
    return out


class _Parser:
    def __init__(self, toks: list[_Tok]) -> None:
        self.toks = toks
        self.i = 0
        self.terms = 0

    def peek(self) -> _Tok | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self) -> _Tok:
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def parse(self) -> Node:
        node = self.or_expr(0)
        tok = self.peek()
        if tok is not None:
            if tok.kind == ")":
                raise QuerySyntaxError(f"a ')' at character {tok.pos + 1} has no matching '('")
            raise QuerySyntaxError(f"unexpected '{tok.value}' at character {tok.pos + 1}")  # pragma: no cover
        return node

    def or_expr(self, depth: int) -> Node:
        sides = [self.and_expr(depth)]
        while (tok := self.peek()) is not None and tok.kind == "OR":
            self.take()
            if self.peek() is None or self.peek().kind in (")", "OR", "AND"):  # type: ignore[union-attr]
                raise QuerySyntaxError(f"OR at character {tok.pos + 1} has nothing on its right")
            sides.append(self.and_expr(depth))
        if len(sides) == 1:
            return sides[0][0]
        if any(bare for _, bare in sides):
            shown = " OR ".join(_show(node, bare) for node, bare in sides)
            raise QuerySyntaxError(
                "ambiguous OR: put parentheses around each side with several words, "
                f'e.g. {shown} (or quote phrases: "hội nghị" OR "hội thảo")'
            )
        return Or(tuple(node for node, _ in sides))

    def and_expr(self, depth: int) -> tuple[Node, bool]:
        """The AND run and whether it is a bare (unparenthesised) run of several operands."""
        items: list[Node] = []
        while (tok := self.peek()) is not None and tok.kind not in (")", "OR"):
            if tok.kind == "AND":
                self.take()
                if not items or self.peek() is None or self.peek().kind in (")", "OR", "AND"):  # type: ignore[union-attr]
                    raise QuerySyntaxError(f"AND at character {tok.pos + 1} needs a term on each side")
                continue
            node = self.unary(depth)
            if node is not None:
                items.append(node)
        if not items:
            tok = self.peek()
            if tok is not None and tok.kind == "OR":
                raise QuerySyntaxError(f"OR at character {tok.pos + 1} has nothing on its left")
            if tok is not None and tok.kind == ")":
                raise QuerySyntaxError(f"empty parentheses before character {tok.pos + 1}")
            raise QuerySyntaxError("nothing to search: the query has only punctuation")
        if len(items) == 1:
            return items[0], False
        return And(tuple(items)), True

    def unary(self, depth: int) -> Node | None:
        tok = self.take()
        if tok.kind in ("NOT", "-"):
            nxt = self.peek()
            if nxt is None or nxt.kind in (")", "OR", "AND"):
                raise QuerySyntaxError(f"{tok.value} at character {tok.pos + 1} has nothing to exclude")
            child = self.unary(depth) if tok.kind == "NOT" else self.primary(self.take(), depth)
            return Not(child) if child is not None else None
        return self.primary(tok, depth)

    def primary(self, tok: _Tok, depth: int) -> Node | None:
        if tok.kind == "(":
            if depth >= MAX_DEPTH:
                raise QuerySyntaxError(f"too many nested parentheses (at most {MAX_DEPTH})")
            node = self.or_expr(depth + 1)
            close = self.peek()
            if close is None or close.kind != ")":
                raise QuerySyntaxError(f"the '(' at character {tok.pos + 1} is never closed")
            self.take()
            return node
        if tok.kind == ")":  # pragma: no cover - callers stop before ')'
            raise QuerySyntaxError(f"a ')' at character {tok.pos + 1} has no matching '('")
        self.terms += 1
        if self.terms > MAX_TERMS:
            raise QuerySyntaxError(f"too many terms (at most {MAX_TERMS})")
        if tok.kind == "field":
            name, _, value = tok.value.partition(":")
            return Filter(name, parse_field(name, value))
        if tok.kind in ("phrase", "word"):
            from lantoa.search.text import tokens

            if not tokens(tok.value):
                return None  # punctuation only: nothing to look for
            return Term(tok.value, phrase=tok.kind == "phrase")
        raise QuerySyntaxError(f"unexpected '{tok.value}' at character {tok.pos + 1}")  # pragma: no cover


def _show(node: Node, bare: bool) -> str:
    text = unparse(node)
    return f"({text})" if bare else text


def unparse(node: Node) -> str:
    """The query text of a node, with explicit parentheses (for messages and docs)."""
    if isinstance(node, Term):
        return f'"{node.text}"' if node.phrase else node.text
    if isinstance(node, Filter):
        value = node.value
        if isinstance(value, tuple):
            lo, hi = value
            return f"date:{lo.isoformat() if lo else ''}..{hi.isoformat() if hi else ''}"
        if isinstance(value, bool):
            return f"{node.name}:{'yes' if value else 'no'}"
        return f'{node.name}:"{value}"' if " " in value else f"{node.name}:{value}"
    if isinstance(node, Not):
        inner = unparse(node.child)
        return f"-({inner})" if isinstance(node.child, And | Or) else f"-{inner}"
    if isinstance(node, And):
        return " ".join(f"({unparse(c)})" if isinstance(c, Or) else unparse(c) for c in node.children)
    return " OR ".join(f"({unparse(c)})" if isinstance(c, And) else unparse(c) for c in node.children)


def parse(text: str) -> Node:
    """Parse a query; raise ``QuerySyntaxError`` with a one-line reason when it is malformed."""
    if len(text) > MAX_QUERY_CHARS:
        raise QuerySyntaxError(f"query too long: {len(text)} characters (at most {MAX_QUERY_CHARS})")
    if "\x00" in text:
        raise QuerySyntaxError("query contains a NUL character")
    toks = _lex(text)
    if not toks:
        raise QuerySyntaxError("empty query: type words to find, e.g. hội nghị biển đảo")
    parser = _Parser(toks)
    node = parser.parse()
    if parser.terms == 0:
        raise QuerySyntaxError("the query has no words or filters to search for")
    return node
