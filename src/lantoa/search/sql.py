"""From the query AST to SQL with bound parameters, per backend.

Plan: the top-level AND is split into conjuncts. Text conjuncts and keyed filters
(``theme:``, ``source:``, ``province:``, ``person:``, ``doc:``, ``topic:``, ``level:``,
``relevant:``, which the index holds as tokens: ``lantoa.search.index.key_token``) that the
engine's own full-text syntax can express
are merged into one full-text match, which drives the query; its text alone gives the relevance
score. Every other conjunct (dates, or what FTS5 cannot say, such as a lone NOT under an OR)
becomes an ordinary WHERE condition on the narrow ``search_docs`` copy of the store's
``articles`` columns or on ``search_keys``. So ``hội nghị theme:bien-dao date:2024`` is one
full-text lookup (two posting lists intersected) walked over one key range, not a scan.

Text never reaches SQL or FTS syntax as typed: terms are cut into tokens of letters and digits
(``lantoa.search.text``), and only those tokens (or their ``_``-joined syllable pairs), quoted,
form the FTS5 expression or the tsquery literal, each a bound parameter. A term of several
syllables is matched as its chain of pairs in the pair columns (``lantoa.search.index``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeGuard

from sqlalchemy import LargeBinary, and_, bindparam, cast, func, literal, not_, or_, select, true
from sqlalchemy.dialects.postgresql import TSQUERY
from sqlalchemy.sql.elements import ColumnElement

from lantoa.search import relevance
from lantoa.search.index import (
    KEY_SHIFT,
    day_key_range,
    flag_key,
    fts_article_id,
    key_token,
    pairs,
    phrase_sequence,
)
from lantoa.search.query import And, Filter, Node, Not, Or, Term
from lantoa.search.schema import search_docs, search_fts, search_keys, search_tsv
from lantoa.search.text import fold_token, fold_tokens, has_marks, tokens

KEYED_FIELDS = ("theme", "source", "province", "person", "doc", "topic")
DATE_FIELDS = ("date", "after", "before")
KEY_LENGTH = 300
"""Filter keys are stored cut to this length (``search_keys.key``)."""


@dataclass(frozen=True)
class Compiled:
    """A query ready to run: an optional full-text match (drives and ranks) and WHERE conditions."""

    dialect: str
    fts: Any | None
    """SQLite: the FTS5 expression string; PostgreSQL: a tsquery SQL expression; None: no part of
    the query is in the full-text index (dates, levels only)."""
    where: tuple[ColumnElement[bool], ...]
    rank: Any | None = None
    """What scores a match, None when the full-text part holds keys only (every match scores 0):
    SQLite, the syllables of its terms outside any NOT (``relevance.spec``); PostgreSQL, the text
    part of ``fts`` alone, in syllables, for ``ts_rank`` on the ranking vector."""
    key_range: tuple[int | None, int | None] = (None, None)
    """Sort keys ``[low, high)`` implied by top-level date filters (``index.day_key_range``): on
    the full-text index's own key, so a date range narrows the full-text walk itself."""
    loose: Any | None = None
    """PostgreSQL, for a query holding a phrase of three syllables or more outside any NOT:
    ``fts`` with each such phrase's pairs required in any order (``_loose_tsquery``), a
    superset of its matches that GIN answers without reading a vector; None otherwise."""
    phrases: tuple[bytes, ...] = ()
    """PostgreSQL, with ``loose``, when each phrase of three syllables or more is a conjunct of
    the top-level AND: their phrase sequences (``lantoa.search.index.phrase_sequence``). A
    candidate of ``loose`` whose ``search_rank.seq`` holds each of them is a match, checked
    without reading its matching vector (``phrase_check``). Empty: ``fts`` checks the vector."""


# --- text: SQLite FTS5 ---------------------------------------------------------------------------


def _folded_form(term: Term) -> str:
    """A term as the index tokens it matches: one syllable folded, a longer term as its chain of
    folded syllable pairs (``lantoa.search.index.pairs``)."""
    folded = [fold_token(t) for t in tokens(term.text)]
    return " ".join(pairs(folded) if len(folded) > 1 else folded)


def _fts5_term(term: Term) -> str:
    """A term as ``search_fts`` holds it (``lantoa.search.index.text_entry``): its folded
    syllable, or its chain of folded syllable pairs. Typed with diacritics or not, a term matches
    the same articles (exact OR folded is the folded form's matches); the diacritics rank
    (``_rank_spec``)."""
    folded = _folded_form(term)
    return f'folded{"2" if "_" in folded else ""} : "{folded}"'


INDEXED_FIELDS = (*KEYED_FIELDS, "level", "relevant")
"""Fields whose values are tokens of the full-text entries (``lantoa.search.index._keys``)."""


def _keyed(node: Node) -> bool:
    return isinstance(node, Filter) and node.name in INDEXED_FIELDS


def _key_token(f: Filter) -> str:
    value = flag_key(f.value) if isinstance(f.value, bool) else str(f.value)
    return key_token(f.name, value[:KEY_LENGTH])


def _fts5_expressible(node: Node) -> bool:
    """FTS5 has no unary NOT: a negation must follow a positive operand of an AND."""
    if isinstance(node, Term) or _keyed(node):
        return True
    if isinstance(node, And):
        positives = [c for c in node.children if not isinstance(c, Not)]
        negatives = [c.child for c in node.children if isinstance(c, Not)]
        return (
            bool(positives)
            and all(_fts5_expressible(c) for c in (*positives, *negatives))
            and not any(isinstance(c, Not) for c in negatives)
        )
    if isinstance(node, Or):
        return all(not isinstance(c, Not) and _fts5_expressible(c) for c in node.children)
    return False


def _fts5(node: Node) -> str:
    if isinstance(node, Term):
        return _fts5_term(node)
    if isinstance(node, Filter):
        return f'keys : "{_key_token(node)}"'
    if isinstance(node, And):
        pos = " AND ".join(f"({_fts5(c)})" for c in node.children if not isinstance(c, Not))
        neg = "".join(f" NOT ({_fts5(c.child)})" for c in node.children if isinstance(c, Not))
        return f"({pos}){neg}" if neg else pos
    if isinstance(node, Or):
        return " OR ".join(f"({_fts5(c)})" for c in node.children)
    raise AssertionError(f"not expressible in FTS5: {node!r}")  # pragma: no cover


def _rank_spec(node: Node) -> str | None:
    """SQLite: the syllables a match is scored on (``lantoa.search.relevance``): every syllable of
    every term outside a NOT, folded, and exact too when the term was typed with diacritics."""
    forms: list[tuple[str, bool]] = []

    def visit(n: Node) -> None:
        if isinstance(n, Term):
            toks = tokens(n.text)
            forms.extend((fold_token(t), False) for t in toks)
            if any(has_marks(t) for t in toks):
                forms.extend((t, True) for t in toks)
        elif isinstance(n, And | Or):
            for child in n.children:
                visit(child)

    visit(node)
    return relevance.spec(forms)


def fts5_match(expression: str) -> ColumnElement[bool]:
    return search_fts.c[search_fts.name].op("MATCH", is_comparison=True)(literal(expression))


# --- text: PostgreSQL tsquery --------------------------------------------------------------------


def _tsq_phrase(lexemes: str, operator: str = "<->") -> Any:
    """A phrase of index lexemes as a tsquery, cast from its text form (a bound parameter);
    ``operator`` ``&`` takes them in any order.

    Not ``phraseto_tsquery``: its parser would cut ``hội_nghị`` at the underscore. The lexemes
    are letters, digits and ``_`` only, so quoting each one makes a well-formed literal.
    """
    text = f" {operator} ".join(f"'{lexeme}'" for lexeme in lexemes.split())
    return cast(literal(text), TSQUERY)


def _tsq_op(op: str, left: Any, right: Any) -> Any:
    return left.op(op, return_type=TSQUERY)(right)


def _term_tsquery(term: Term) -> Any:
    """A term as the index holds it (``lantoa.search.index.tsvector_literal``): its folded
    syllable, or its chain of folded syllable pairs. Typed with diacritics or not, a term
    matches the same articles (exact OR folded is the folded form's matches); the diacritics
    rank (``_rank_term_tsquery``)."""
    return _tsq_phrase(_folded_form(term))


def _rank_term_tsquery(term: Term) -> Any:
    """A term as ``ts_rank`` reads it against ``search_rank``
    (``lantoa.search.index.rank_vector_literal``: syllables, no pairs): all its syllables."""
    toks = tokens(term.text)
    folded = " & ".join(f"'{fold_token(t)}'" for t in toks)
    exact = " & ".join(f"'{t}'" for t in toks)
    query = f"({exact}) | ({folded})" if any(has_marks(t) for t in toks) else folded
    return cast(literal(query), TSQUERY)


def _tsquery(node: Node, term: Callable[[Term], Any] = _term_tsquery) -> Any:
    """A text node as a tsquery; ``term`` says how a term is written (matching or ranking)."""
    if isinstance(node, Filter):
        return cast(literal(f"'{_key_token(node)}'"), TSQUERY)
    if isinstance(node, Term):
        return term(node)
    if isinstance(node, Not):
        return func.tsquery_not(_tsquery(node.child, term), type_=TSQUERY)  # the function behind prefix !!
    if isinstance(node, And | Or):
        op = "&&" if isinstance(node, And) else "||"
        parts = [_tsquery(c, term) for c in node.children]
        query = parts[0]
        for part in parts[1:]:
            query = _tsq_op(op, query, part)
        return query
    raise AssertionError(f"not a text node: {node!r}")  # pragma: no cover


def _chains(node: Node) -> bool:
    """Does the node hold a term matched as a chain of two or more syllable pairs?"""
    if isinstance(node, Term):
        return len(tokens(node.text)) > 2
    if isinstance(node, Not):
        return _chains(node.child)
    if isinstance(node, And | Or):
        return any(_chains(c) for c in node.children)
    return False


def _loose_term_tsquery(term: Term) -> Any:
    return _tsq_phrase(_folded_form(term), "&")


def _loose_tsquery(node: Node) -> Any | None:
    """The tsquery with its phrases' pairs in any order, None when that changes nothing.

    GIN keeps no positions, so every candidate of a phrase (``<->``) is checked on its vector,
    7 KB out of line: 16 us a row at a million, and a window reads whole months, so a common
    phrase checked 2,650 candidates for the 1,961 it needed. Pairs in any order are GIN's own
    answer (no vector read) and a superset of the phrase's matches (0.4 % more for that
    phrase), so the window keeps them in date order and checks the phrase on the newest only,
    until it has enough (``engine._window_query``). A phrase under a NOT is left as it is (its
    loosening would narrow the match), and then nothing is gained: None.
    """
    if not _chains(node) or _negated_chain(node):
        return None
    return _tsquery(node, _loose_term_tsquery)


def _negated_chain(node: Node) -> bool:
    if isinstance(node, Not):
        return _chains(node.child)
    if isinstance(node, And | Or):
        return any(_negated_chain(c) for c in node.children)
    return False


def _phrase_sequences(node: Node) -> tuple[bytes, ...]:
    """The phrase sequences of the chained terms among the conjuncts of ``node`` (see
    ``Compiled.phrases``); empty when a chained term lies deeper (under an OR or a NOT), where
    the whole tsquery must be checked on the matching vector.

    Why this is exact: ``loose`` asks every other conjunct as it is and each phrase's pairs; a
    sequence holding the phrase's codes in a row holds its syllables in a row (up to a code
    shared by two syllables, once in two million), and so its pairs.
    """
    conjuncts = node.children if isinstance(node, And) else (node,)
    chained = [c for c in conjuncts if _chains(c)]
    terms = [c for c in chained if isinstance(c, Term)]
    if not terms or len(terms) < len(chained):
        return ()
    return tuple(phrase_sequence(fold_tokens(tokens(t.text))) for t in terms)


def phrase_check(sequence: Any, phrases: tuple[bytes, ...]) -> list[ColumnElement[bool]]:
    """PostgreSQL: ``sequence`` (``search_rank.seq``) holds each phrase sequence. Phrase
    sequences begin on a code's first byte, the one byte of a code with its high bit set, so a
    byte search finds them at code boundaries only. ``pg_catalog.position(s, p)`` is ``position(p
    IN s)``, the form SQLAlchemy can write."""
    return [func.pg_catalog.position(sequence, bindparam(None, p, LargeBinary)) > 0 for p in phrases]


def tsv_match(query: Any) -> ColumnElement[bool]:
    return search_tsv.c.tsv.op("@@", is_comparison=True)(query)


# --- shared --------------------------------------------------------------------------------------


def _is_text(node: Node) -> bool:
    """PostgreSQL: can the node be said as a tsquery (text and keyed filters)?"""
    if isinstance(node, Term) or _keyed(node):
        return True
    if isinstance(node, Not):
        return _is_text(node.child)
    if isinstance(node, And | Or):
        return all(_is_text(c) for c in node.children)
    return False


def _filter(f: Filter) -> ColumnElement[bool]:
    if f.name in KEYED_FIELDS:
        ids = select(search_keys.c.article_id).where(
            search_keys.c.kind == f.name, search_keys.c.key == bindparam(None, f.value)
        )
        return search_docs.c.article_id.in_(ids)
    if f.name == "level":  # NULL-safe, as the index's level token: NOT level:x keeps unknown levels
        return func.coalesce(search_docs.c.level, "") == f.value
    if f.name == "relevant":
        return search_docs.c.relevant == bool(f.value)
    if f.name in DATE_FIELDS:
        assert isinstance(f.value, tuple)
        lo, hi = f.value
        conds = []
        if lo is not None:
            conds.append(search_docs.c.published_date >= lo)
        if hi is not None:
            conds.append(search_docs.c.published_date <= hi)
        return and_(true(), *conds)
    raise AssertionError(f"unknown field {f.name}")  # pragma: no cover


def _condition(node: Node, dialect: str) -> ColumnElement[bool]:
    """Any node as a WHERE condition on ``search_docs`` (text through an id subquery)."""
    if isinstance(node, Filter):
        return _filter(node)
    if isinstance(node, Not):
        return not_(_condition(node.child, dialect))
    if isinstance(node, Term) or (_is_text(node) and dialect != "sqlite") or _fts5_expressible(node):
        if dialect == "sqlite":
            ids = select(fts_article_id()).where(fts5_match(_fts5(node)))
        else:
            ids = select(search_tsv.c.article_id).where(tsv_match(_tsquery(node)))
        return search_docs.c.article_id.in_(ids)
    if isinstance(node, And):
        return and_(*(_condition(c, dialect) for c in node.children))
    if isinstance(node, Or):
        return or_(*(_condition(c, dialect) for c in node.children))
    raise AssertionError(f"unexpected node {node!r}")  # pragma: no cover


def compile_query(node: Node, dialect: str) -> Compiled:
    """Split the query into one ranked full-text match and plain conditions (see module doc)."""
    conjuncts = list(node.children) if isinstance(node, And) else [node]
    positives: list[Node] = []
    negatives: list[Node] = []
    rest: list[Node] = []
    for c in conjuncts:
        if dialect == "sqlite":
            if not isinstance(c, Not) and _fts5_expressible(c):
                positives.append(c)
            elif isinstance(c, Not) and not isinstance(c.child, Not) and _fts5_expressible(c.child):
                negatives.append(c)
            else:
                rest.append(c)
        elif _is_text(c):
            (negatives if isinstance(c, Not) else positives).append(c)
        else:
            rest.append(c)
    if not positives:
        rest.extend(negatives)
        negatives = []
    fts: Any | None = None
    rank: Any | None = None
    loose: Any | None = None
    phrases: tuple[bytes, ...] = ()
    if positives:
        merged: Node = And((*positives, *negatives)) if len(positives) + len(negatives) > 1 else positives[0]
        text_part = _without_keys(merged)
        if dialect == "sqlite":
            fts = _fts5(merged)
            rank = _rank_spec(text_part) if text_part is not None else None
        else:
            fts = _tsquery(merged)
            rank = _tsquery(text_part, _rank_term_tsquery) if text_part is not None else None
            loose = _loose_tsquery(merged)
            phrases = _phrase_sequences(merged) if loose is not None else ()
    key_range = _key_range(rest)
    if fts is not None and _range_implies_dates(key_range):
        rest = [c for c in rest if not _is_date(c)]
    where = tuple(_condition(c, dialect) for c in rest)
    return Compiled(dialect, fts, where, rank, key_range, loose, phrases)


def _is_date(node: Node) -> TypeGuard[Filter]:
    return isinstance(node, Filter) and node.name in DATE_FIELDS


def _range_implies_dates(key_range: tuple[int | None, int | None]) -> bool:
    """Does the key range alone select what the top-level date filters select?

    The full-text walk applies the range to the index's own key, which holds the publication
    instant, so the same filters checked again on ``search_docs`` only make the planner join it
    before the limit: on PostgreSQL a one-year range read the year's rows from
    ``published_date``'s B-tree and checked every vector (8x slower with index scans allowed).
    The range says it all once its lower end is past second 0, where undated (and pre-1970)
    entries are keyed; ``before:`` alone, or an ``after:`` of 1970, must still exclude them.
    """
    low, _ = key_range
    return low is not None and low >> KEY_SHIFT > 0


def _without_keys(node: Node) -> Node | None:
    """The text of a full-text node with its keyed filters left out (None: nothing left)."""
    if _keyed(node):
        return None
    if isinstance(node, Not):
        child = _without_keys(node.child)
        return Not(child) if child is not None else None
    if isinstance(node, And | Or):
        kept = [k for k in (_without_keys(c) for c in node.children) if k is not None]
        if not kept or all(isinstance(k, Not) for k in kept):
            return None
        return kept[0] if len(kept) == 1 else type(node)(tuple(kept))
    return node


def _key_range(conjuncts: list[Node]) -> tuple[int | None, int | None]:
    low: int | None = None
    high: int | None = None
    for c in conjuncts:
        if _is_date(c):
            assert isinstance(c.value, tuple)
            lo, hi = day_key_range(*c.value)
            low = lo if low is None or (lo is not None and lo > low) else low
            high = hi if high is None or (hi is not None and hi < high) else high
    return low, high


__all__ = ["Compiled", "compile_query", "fts5_match", "phrase_check", "tsv_match"]
