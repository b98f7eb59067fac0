"""The query language: tokens, precedence, fields and the errors officers see."""

from __future__ import annotations

from datetime import date

import pytest

from lantoa.errors import QuerySyntaxError
from lantoa.search.query import And, Filter, Not, Or, Term, parse, unparse
from lantoa.search.text import fold, has_marks, tokens


def test_folding_and_canonical_tokens() -> None:
    assert fold("Đảng Cộng sản Việt Nam") == "Dang Cong san Viet Nam"
    assert tokens("HOÀ bình, hòa-bình!") == ["hòa", "bình", "hòa", "bình"]  # one tone placement
    assert tokens("Thuỷ lợi") == tokens("thủy lợi")
    assert tokens("a_b 57-KL/TW") == ["a", "b", "57", "kl", "tw"]
    assert has_marks("đang") and has_marks("đảng") and not has_marks("dang")


def test_precedence_not_binds_tightest_then_and_then_or() -> None:
    assert parse("a b") == And((Term("a"), Term("b")))
    assert parse("a OR b OR c") == Or((Term("a"), Term("b"), Term("c")))
    assert parse("a (b OR c)") == And((Term("a"), Or((Term("b"), Term("c")))))
    assert parse("(a b) OR c") == Or((And((Term("a"), Term("b"))), Term("c")))
    assert parse("-a b") == And((Not(Term("a")), Term("b")))
    assert parse("NOT a OR b") == Or((Not(Term("a")), Term("b")))
    assert parse("a AND b") == parse("a b")
    assert parse('"hội nghị" OR "hội thảo"') == Or((Term("hội nghị", True), Term("hội thảo", True)))


@pytest.mark.parametrize("query", ["a b OR c", "a OR b c", "a AND b OR c", "-a b OR c", "x:1 OR a b"])
def test_or_beside_an_unparenthesised_run_is_refused(query: str) -> None:
    with pytest.raises(QuerySyntaxError):
        parse(query)


def test_refusal_shows_the_parenthesised_reading() -> None:
    with pytest.raises(QuerySyntaxError, match=r"\(hoi nghi\) OR \(hoi thao\)"):
        parse("hoi nghi OR hoi thao")


def test_lowercase_operators_are_words() -> None:
    assert parse("a or b") == And((Term("a"), Term("or"), Term("b")))


def test_fields_are_typed() -> None:
    assert parse("theme:bien-dao") == Filter("theme", "bien-dao")
    assert parse("theme:Biển-Đảo") == Filter("theme", "bien-dao")
    assert parse("level:tinh") == Filter("level", "province")
    assert parse("relevant:co") == Filter("relevant", True)
    assert parse("doc:57-kl/tw") == Filter("doc", "57-KL/TW")
    assert parse('person:"Nguyễn Văn An"') == Filter("person", "nguyen van an")
    assert parse("date:2024-01-01..2024-06-30") == Filter("date", (date(2024, 1, 1), date(2024, 6, 30)))
    assert parse("date:2024-02") == Filter("date", (date(2024, 2, 1), date(2024, 2, 29)))
    assert parse("date:2024..") == Filter("date", (date(2024, 1, 1), None))
    assert parse("after:2024-01-31") == Filter("after", (date(2024, 2, 1), None))
    assert parse("before:2024") == Filter("before", (None, date(2023, 12, 31)))
    assert parse("http://example.vn") == Term("http://example.vn")  # a URL is not a field


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "empty query"),
        ("((a)", "never closed"),
        ("a))", "no matching"),
        ("a ()", "empty parentheses"),
        ('a "b', "never closed"),
        ("OR a", "nothing on its left"),
        ("a AND", "needs a term"),
        ("NOT", "nothing to exclude"),
        ("!!! ???", "only punctuation"),
        ("colour:red", "unknown field 'colour:'"),
        ("theme:", "needs a value"),
        ("date:yesterday", "not a date"),
        ("relevant:maybe", "yes or no"),
        ("a " * 5000, "too long"),
        (" ".join(f"w{i}" for i in range(100)), "too many terms"),
        ("a\x00b", "NUL"),
    ],
)
def test_errors_are_one_clear_line(query: str, message: str) -> None:
    with pytest.raises(QuerySyntaxError, match=message) as info:
        parse(query)
    assert "\n" not in str(info.value)


def test_unparse_round_trips() -> None:
    for query in ("a (b OR c) -d theme:iuu", '"hội nghị" OR x', "-(a OR b) c", "date:2024-01-01..2024-01-31"):
        assert parse(unparse(parse(query))) == parse(query)


def test_a_serving_process_loads_the_place_names_before_its_first_search(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``province:`` resolves old and new names through the administrative-unit index, built on
    first use: a server builds it at startup, not on an officer's first province filter."""
    import gc

    from lantoa.language.entities.admin import admin_index
    from lantoa.search.fields import province_key
    from lantoa.web.app import freeze_startup_objects

    monkeypatch.setattr(gc, "freeze", lambda: None)  # frozen objects are never collected: not in tests
    admin_index.cache_clear()
    freeze_startup_objects()
    assert admin_index.cache_info().currsize == 1
    assert province_key("tỉnh Thái Bình") == province_key("Hưng Yên")  # merged in 2025
