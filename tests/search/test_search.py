"""Search behaviour on both backends (the `store` fixture runs each test on SQLite and PostgreSQL)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import func, select

from lantoa.errors import QuerySyntaxError
from lantoa.records import Analysis, Article, EnrichedArticle, PageType, Source, SourceLevel
from lantoa.search import count, engine, iter_search, search
from lantoa.search.query import Node, parse
from lantoa.search.schema import search_keys, search_tsv
from lantoa.search.sql import Compiled, compile_query, tsv_match
from lantoa.store.api import Store
from lantoa.store.schema import articles


def names(store: Store, corpus: dict[str, int], query: str, **kw: object) -> list[str]:
    by_id = {v: k for k, v in corpus.items()}
    return [by_id[h.id] for h in search(store, query, limit=50, facets=False, **kw).hits]  # type: ignore[arg-type]


def test_unaccented_query_finds_accented_text_and_d_stroke(store: Store, corpus: dict[str, int]) -> None:
    assert set(names(store, corpus, "hoi nghi")) == {"hoinghi", "nghihoi"}
    assert set(names(store, corpus, "ngu dan", groups=False)) == {"ngudan", "ngudan_copy"}
    # đ folds to d: "dang" finds Đảng and đang alike
    assert set(names(store, corpus, "dang")) == {"hoinghi", "vang", "dangbo"}
    assert names(store, corpus, "DANG UY") == ["dangbo"]


def test_query_with_diacritics_ranks_exact_matches_first(store: Store, corpus: dict[str, int]) -> None:
    found = names(store, corpus, "Đảng")
    assert set(found) == {"hoinghi", "vang", "dangbo"}  # folded matches are kept...
    assert found[-1] == "vang"  # ...but below exact ones, although "đang" occurs four times there
    assert names(store, corpus, "đang")[0] == "vang"
    assert names(store, corpus, "thể") == ["thethao", "thegioi"]
    assert names(store, corpus, "thế") == ["thegioi", "thethao"]


def test_tone_mark_placement_variants_match(store: Store, corpus: dict[str, int]) -> None:
    # the article writes "hoà" (old placement); both spellings and the unaccented one find it
    for query in ("hòa bình", "hoà bình", "HÒA BÌNH", "hoa binh"):
        assert names(store, corpus, query) == ["hoabinh"], query


def test_phrases_keep_syllables_in_order(store: Store, corpus: dict[str, int]) -> None:
    assert names(store, corpus, '"hội nghị"') == ["hoinghi"]
    assert names(store, corpus, '"hoi nghi"') == ["hoinghi"]  # unaccented phrase
    assert names(store, corpus, '"nghị hội"') == []
    assert set(names(store, corpus, "hội nghị")) == {"hoinghi", "nghihoi"}  # words anywhere
    assert names(store, corpus, "57-KL/TW") == ["hoinghi"]  # a code is a phrase of its parts


def test_boolean_operators_and_precedence(store: Store, corpus: dict[str, int]) -> None:
    assert set(names(store, corpus, "vang OR ngu")) == {"vang", "ngudan"}
    assert set(names(store, corpus, "dang -vang")) == {"hoinghi", "dangbo"}
    assert set(names(store, corpus, "dang NOT vang")) == {"hoinghi", "dangbo"}
    assert set(names(store, corpus, "(thi truong) OR (ngu dan)")) == {"vang", "ngudan"}
    assert set(names(store, corpus, "thi (truong OR gioi)")) == {
        "vang"
    }  # "thị trường"; "thế giới" is not "thi"
    assert set(names(store, corpus, "the (thao OR gioi)")) == {"thethao", "thegioi"}
    assert set(names(store, corpus, "dang AND (xa OR vang)")) == {"vang", "dangbo"}
    # an OR beside an unparenthesised run is refused, with both sides shown in parentheses
    with pytest.raises(QuerySyntaxError, match=r"\(thi truong\) OR \(ngu dan\)"):
        search(store, "thi truong OR ngu dan")
    # negation inside OR and filters mixed with text under OR
    assert set(names(store, corpus, "theme:iuu OR vang")) == {"vang", "ngudan"}
    assert "vang" not in names(store, corpus, "theme:kinh-te OR -vang")[:0] + names(
        store, corpus, "(thi OR the) -theme:kinh-te"
    )


def test_field_filters(store: Store, corpus: dict[str, int]) -> None:
    assert set(names(store, corpus, "theme:doi-ngoai")) == {"hoabinh", "thegioi"}
    assert set(names(store, corpus, "theme:bien-dao", groups=False)) == {"ngudan", "ngudan_copy"}
    assert set(names(store, corpus, 'source:"tuoi tre"')) == {"vang", "thethao", "thegioi"}
    assert set(names(store, corpus, "source:Tuổi-Trẻ the")) == {"thethao", "thegioi"}
    assert set(names(store, corpus, "level:central")) == {"hoabinh", "nghihoi"}
    assert set(names(store, corpus, "level:tinh", groups=False)) == {"hoinghi", "ngudan", "dangbo"}
    assert set(names(store, corpus, 'province:"Nghệ An"')) == {"hoinghi", "dangbo"}
    assert set(names(store, corpus, "province:nghe-an dang -uy")) == {"hoinghi"}
    assert set(names(store, corpus, 'province:"tỉnh Quảng Ngãi"', groups=False)) == {"ngudan", "ngudan_copy"}
    assert names(store, corpus, 'person:"Nguyen Van An"') == ["hoinghi"]
    assert names(store, corpus, "doc:57-kl/tw") == ["hoinghi"]
    assert names(store, corpus, "topic:hoi-nghi") == ["hoinghi"]
    assert set(names(store, corpus, "relevant:yes")) == {"hoinghi", "ngudan", "hoabinh"}
    assert "hoinghi" not in names(store, corpus, "relevant:no")
    assert names(store, corpus, "theme:kinh-te theme:iuu") == []


def test_date_ranges(store: Store, corpus: dict[str, int]) -> None:
    assert set(names(store, corpus, "date:2024-01-01..2024-03-31")) == {"hoinghi", "vang", "thegioi"}
    assert set(names(store, corpus, "date:2024-04")) == {"nghihoi", "dangbo"}
    assert set(names(store, corpus, "date:01/04/2024..02/04/2024")) == {"nghihoi", "dangbo"}
    assert names(store, corpus, "date:2023") == ["thethao"]
    assert set(names(store, corpus, "after:2024-06-30")) == {"hoabinh"}
    assert set(names(store, corpus, "before:2024-01-15")) == {"thethao"}
    assert set(names(store, corpus, "date:..2024-01-15")) == {"thethao", "hoinghi"}
    assert set(names(store, corpus, "the date:2024")) == {"thegioi"}
    with pytest.raises(QuerySyntaxError, match="ends before it starts"):
        search(store, "date:2024-06-01..2024-01-01")
    with pytest.raises(QuerySyntaxError, match="not a valid date"):
        search(store, "date:2024-02-30")


def test_duplicate_groups_count_once_in_total_hits_and_facets(store: Store, corpus: dict[str, int]) -> None:
    grouped = search(store, "ngu dan")
    assert grouped.total == 1 and len(grouped.hits) == 1
    assert grouped.hits[0].duplicates == 1
    assert grouped.facets is not None
    assert [(f.value, f.count) for f in grouped.facets.theme] == [("bien-dao", 1), ("iuu", 1)]
    assert [(f.value, f.count) for f in grouped.facets.month] == [("2024-06", 1)]
    assert [(f.value, f.count) for f in grouped.facets.province] == [("Quảng Ngãi", 1)]
    assert [(f.value, f.count) for f in grouped.facets.source] == [("Báo Quảng Ngãi", 1)]  # shown copy
    copies = search(store, "ngu dan", groups=False)
    assert copies.total == 2 and len(copies.hits) == 2
    assert copies.facets is not None
    assert [(f.value, f.count) for f in copies.facets.theme] == [("bien-dao", 2), ("iuu", 2)]
    assert {f.value for f in copies.facets.source} == {"Báo Quảng Ngãi", "Báo Biên Phòng"}
    assert count(store, "ngu dan") == 1 and count(store, "ngu dan", groups=False) == 2


def test_facets_over_a_broad_query(store: Store, corpus: dict[str, int]) -> None:
    result = search(store, "date:2023-01-01..2025-01-01")
    assert result.total == len(corpus) - 1  # the copy counts once
    assert result.facets is not None
    levels = {f.value: f.count for f in result.facets.level}
    assert levels == {"province": 3, "press": 3, "central": 2}
    months = [f.value for f in result.facets.month]
    assert months == sorted(months) and months[0] == "2023-12"
    themes = {f.value: f.count for f in result.facets.theme}
    assert themes["chi-dao-dang"] == 3 and themes["doi-ngoai"] == 2


def test_sort_by_date_and_pagination(store: Store, corpus: dict[str, int]) -> None:
    everything = names(store, corpus, "date:2023..2024", sort="date")
    assert everything[0] == "hoabinh" and everything[-1] == "thethao"
    pages = [names_page for offset in range(0, 10, 3) for names_page in _page(store, corpus, offset)]
    assert pages == everything
    assert search(store, "date:2023..2024", limit=3, offset=3, sort="date").total == len(everything)


def _page(store: Store, corpus: dict[str, int], offset: int) -> list[str]:
    by_id = {v: k for k, v in corpus.items()}
    result = search(store, "date:2023..2024", sort="date", limit=3, offset=offset, facets=False)
    return [by_id[h.id] for h in result.hits]


def test_streaming_export_has_every_match_in_order(store: Store, corpus: dict[str, int]) -> None:
    streamed = list(iter_search(store, "date:2023..2024", "date"))
    paged = search(store, "date:2023..2024", sort="date", limit=100, facets=False).hits
    assert [h.id for h in streamed] == [h.id for h in paged]
    assert len(list(iter_search(store, "ngu dan", groups=False))) == 2
    hit = next(iter(iter_search(store, "hoi nghi thong tin")))
    assert hit.id == corpus["hoinghi"]
    assert "57-KL/TW" in hit.snippet_text() and "[thông tin]" in hit.snippet_text()
    assert set(hit.themes) == {"chi-dao-dang", "thong-tin-doi-ngoai"}


def test_hits_carry_their_themes_sorted_on_pages_and_exports(store: Store, corpus: dict[str, int]) -> None:
    """Themes come with each hit's own row (aggregated in SQL, in no set order): sorted, every
    one of them, none of another article's, and none for an article without themes."""
    plain = Article(url="https://example.vn/no-theme", title="Tin không chủ đề", published=date(2024, 7, 1))
    store.save_article(EnrichedArticle(plain, Analysis()))
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(search_keys.c.article_id, search_keys.c.key).where(search_keys.c.kind == "theme")
        )
        stored: dict[int, list[str]] = {}
        for article_id, slug in rows:
            stored.setdefault(int(article_id), []).append(slug)
    query = "date:2000..2030"
    paged = search(store, query, limit=100, facets=False, groups=False).hits
    streamed = list(iter_search(store, query, groups=False))
    assert [h.id for h in paged] == [h.id for h in streamed] and len(paged) == len(corpus) + 1
    for hit in (*paged, *streamed):
        assert hit.themes == tuple(sorted(stored.get(hit.id, []))), hit.id
    assert any(len(h.themes) >= 2 for h in paged) and any(not h.themes for h in paged)


def test_snippet_marks_matches_as_parts(store: Store, corpus: dict[str, int]) -> None:
    hit = search(store, "dang").hits[0]
    marked = [p.text for p in hit.snippet if p.hit]
    assert marked and all(p.lower() in ("đang", "đảng") for p in marked)
    # scraped text comes back as text, never as markup: the web layer escapes it
    assert all("<" not in p.text for p in hit.snippet)


INJECTIONS = (
    "'; DROP TABLE articles; --",
    "vang' OR '1'='1",
    "vang) OR (1=1",
    "exact : vang",
    "{exact folded} : vang",
    "vang*",
    "NEAR(vang thi)",
    "^vang",
    "!!vang",
    "vang & dang | x",
    "vang:*",
    "'vang':A",
    "\\x00vang",
    "vang -- comment",
    "vang /* c */",
)


@pytest.mark.parametrize("query", INJECTIONS)
def test_injected_syntax_is_a_literal_search_or_a_clear_error(
    store: Store, corpus: dict[str, int], query: str
) -> None:
    try:
        result = search(store, query)
    except QuerySyntaxError as exc:
        assert "\n" not in str(exc) and "SELECT" not in str(exc).upper()
    else:
        assert all(hit.id in corpus.values() for hit in result.hits)
    with store.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(articles)).scalar_one() == len(corpus)


def test_bad_queries_get_one_line_messages(store: Store, corpus: dict[str, int]) -> None:
    for query, message in (
        ("", "empty query"),
        ("   ", "empty query"),
        ("(vang", "never closed"),
        ("vang)", "no matching"),
        ('"vang', "never closed"),
        ("foo:bar", "unknown field"),
        ("theme:khong-co", "unknown theme"),
        ("level:xyz", "unknown level"),
        ("vang OR", "nothing on its right"),
        ("x " * 5000, "too long"),
        ("(" * 40 + "vang" + ")" * 40, "nested"),
    ):
        with pytest.raises(QuerySyntaxError, match=message):
            search(store, query)


def test_province_old_names_resolve_to_the_current_province(store: Store) -> None:
    # Thái Bình merged into Hưng Yên in July 2025: old and new names find the same articles
    store.upsert_source(
        Source("Báo Thái Bình", "https://baothaibinh.example", SourceLevel.PROVINCE, "Thái Bình")
    )
    article = Article(url="https://example.vn/de", title="Đê biển được gia cố", source="Báo Thái Bình")
    saved = store.save_article(EnrichedArticle(article, Analysis()))
    for query in ('province:"Hưng Yên"', 'province:"tỉnh Thái Bình"', "province:hung-yen"):
        assert [h.id for h in search(store, query).hits] == [saved.article_id], query
    assert search(store, 'province:"Nghệ An"').total == 0


def test_updated_article_is_reindexed_and_listings_are_not_searchable(store: Store) -> None:
    first = Article(url="https://example.vn/u", title="Tin cũ", paragraphs=("Hạn hán kéo dài ở miền Tây.",))
    saved = store.save_article(EnrichedArticle(first, Analysis()))
    assert [h.id for h in search(store, "han han").hits] == [saved.article_id]
    changed = Article(url="https://example.vn/u", title="Tin mới", paragraphs=("Mưa lớn gây ngập úng.",))
    store.save_article(EnrichedArticle(changed, Analysis()))
    assert search(store, "han han").total == 0
    assert [h.id for h in search(store, "ngap ung").hits] == [saved.article_id]
    listing = Article(url="https://example.vn/l", title="Tin mới nhất", page_type=PageType.LISTING)
    store.save_article(EnrichedArticle(listing, Analysis()))
    assert [h.title for h in search(store, "tin moi").hits] == ["Tin mới"]


def test_plan_settings_change_no_result(
    store: Store, corpus: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostgreSQL looks a window's rows up by index scans only when nothing is checked on
    ``search_docs``; whichever settings run, pages, totals and facets are the same."""
    lookups = compile_query(parse("biển đảo date:2024"), "postgresql")
    conditioned = compile_query(parse("biển đảo (date:2023 OR date:2024)"), "postgresql")
    assert lookups.where == () and engine.window_settings(lookups) == engine.PG_LOOKUP_SETTINGS
    assert conditioned.where and engine.window_settings(conditioned) == engine.PG_WINDOW_SETTINGS
    queries = (
        "biển đảo",
        "thông tin đối ngoại date:2024",
        "Đảng OR ngư",
        "biển -ngư",
        "theme:bien-dao",
        "biển (date:2023 OR date:2024)",
    )
    results = []
    for settings in (engine.PG_WINDOW_SETTINGS, engine.PG_LOOKUP_SETTINGS):
        monkeypatch.setattr(engine, "window_settings", lambda c, s=settings: s)
        results.append([search(store, q) for q in queries])
    assert results[0] == results[1]
    assert sum(r.total for r in results[0]) >= 5


def test_plan_settings_hold_for_the_search_transaction_only(store: Store) -> None:
    """A search's planner settings are set locally: on for its statements, gone after them."""
    if store.engine.dialect.name != "postgresql":
        return
    compiled = compile_query(parse("biển đảo"), "postgresql")
    names = [setting.split(" = ")[0] for setting in engine.PG_LOOKUP_SETTINGS]
    show = select(*(func.current_setting(name) for name in names))
    with engine._connect(store, compiled, engine.PG_LOOKUP_SETTINGS) as conn:
        inside = tuple(conn.execute(show).one())
        conn.rollback()
        after = tuple(conn.execute(show).one())
    assert [f"{n} = {v}" for n, v in zip(names, inside, strict=True)] == list(engine.PG_LOOKUP_SETTINGS)
    assert after != inside and after[names.index("enable_seqscan")] == "on"
    with store.engine.connect() as conn:  # a driver preparing every statement takes them too
        driver = conn.connection.driver_connection
        driver.prepare_threshold, threshold = 0, driver.prepare_threshold
        try:
            for _ in range(2):  # the second time as a prepared statement
                engine._set_local(conn, engine.PG_LOOKUP_SETTINGS)
                assert tuple(conn.execute(show).one()) == inside
                conn.rollback()
        finally:
            driver.prepare_threshold = threshold


def test_phrases_checked_on_their_newest_candidates_only_match_in_order(
    store: Store, corpus: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostgreSQL keeps a long phrase's candidates (its pairs in any order) in date order and
    checks the phrase on the newest only: an article holding every pair, but never in a row,
    is a candidate and not a match, and results equal checking every candidate's matching
    vector, with the phrase checked on the sequences of the ranking rows or on the vectors."""
    decoy = Article(
        url="https://example.vn/decoy",
        title="Bản thông tin, tin đối thủ, đối ngoại",
        paragraphs=("Ba cụm từ đứng rời nhau trong bài.",),
    )
    decoy_id = store.save_article(EnrichedArticle(decoy, Analysis())).article_id
    loose = compile_query(parse('"thông tin đối ngoại"'), "postgresql").loose
    assert (
        loose is not None
        and compile_query(parse('"thông tin đối ngoại" ngư'), "postgresql").loose is not None
    )
    if store.engine.dialect.name == "postgresql":  # the decoy is a candidate
        with store.engine.connect() as conn:
            candidates = set(conn.execute(select(search_tsv.c.article_id).where(tsv_match(loose))).scalars())
        assert decoy_id in candidates
    assert compile_query(parse('biển -"thông tin đối ngoại"'), "postgresql").loose is None
    assert compile_query(parse('"thông tin" OR biển'), "postgresql").loose is None
    queries = ('"thông tin đối ngoại"', '"thong tin doi ngoai" OR "biển đảo"', '"Kết luận số" thông tin')
    results = [search(store, q) for q in queries]
    assert decoy_id not in {h.id for h in results[0].hits} and results[0].total >= 1
    assert "[thông tin đối ngoại]" in results[0].hits[0].snippet_text().lower()
    assert compile_query(parse(queries[0]), "postgresql").phrases  # on the ranking rows' sequences
    assert not compile_query(parse(queries[1]), "postgresql").phrases  # under an OR: on the vectors
    prepare = engine._prepare
    monkeypatch.setattr(engine, "_prepare", lambda s, q: _on_vectors(prepare(s, q)))
    assert [search(store, q) for q in queries] == results
    monkeypatch.setattr(engine, "_prepare", lambda s, q: _without_loose(prepare(s, q)))
    assert [search(store, q) for q in queries] == results


def _on_vectors(prepared: tuple[Node, Compiled]) -> tuple[Node, Compiled]:
    return prepared[0], replace(prepared[1], phrases=())


def _without_loose(prepared: tuple[Node, Compiled]) -> tuple[Node, Compiled]:
    return prepared[0], replace(prepared[1], loose=None, phrases=())
