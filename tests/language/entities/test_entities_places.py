"""Places: old and new units with the province they belong to now, countries, seas and islands."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest

from lantoa.language.entities import find_entities, resolve_place
from lantoa.language.entities.places import admin_index

ROOT = Path(__file__).resolve().parents[3]
SHIPPED = ROOT / "src" / "lantoa" / "language" / "entities" / "data" / "admin_units.json.gz"


@pytest.mark.parametrize(
    ("name", "kind", "province_now"),
    [
        ("tỉnh Thái Bình", "province", "Hưng Yên"),
        ("thị xã Cửa Lò", "district", "Nghệ An"),
        ("Hòa Bình", "province", "Phú Thọ"),
        ("tỉnh Hoà Bình", "province", "Phú Thọ"),  # old tone placement
        ("tỉnh Bà Rịa - Vũng Tàu", "province", "Hồ Chí Minh"),
        ("tỉnh Kon Tum", "province", "Quảng Ngãi"),
        ("Nghệ An", "province", "Nghệ An"),
        ("huyện Côn Đảo", "district", "Hồ Chí Minh"),
    ],
)
def test_resolve_old_and_current_names(name: str, kind: str, province_now: str) -> None:
    found = resolve_place(name)
    assert found, name
    assert (found[0].kind, found[0].province_now) == (kind, province_now)


def test_old_province_gives_the_unit_it_was_and_the_unit_now() -> None:
    was, now = resolve_place("tỉnh Thái Bình")[:2]
    assert (was.name, was.code) == ("Thái Bình", "34")
    assert (now.name, now.kind, now.province_now) == ("Hưng Yên", "province", "Hưng Yên")


def test_old_commune_gives_its_successor() -> None:
    found = resolve_place("phường Phúc Xá")
    assert found[0].code == "00001" and found[0].province_now == "Hà Nội"
    assert any(loc.name == "phường Hồng Hà" for loc in found[1:])


def test_unknown_and_empty_names() -> None:
    assert resolve_place("") == []
    assert resolve_place("tỉnh Không Có Thật") == []


def test_countries_seas_islands() -> None:
    ent = find_entities(
        "Việt Nam và Trung Quốc trao đổi về Biển Đông; Mỹ và Nhật Bản quan tâm. "
        "Chủ quyền đối với quần đảo Hoàng Sa, Trường Sa và tuyên truyền ở đảo Phú Quốc, vịnh Bắc Bộ."
    )
    kinds = {loc.name: loc.kind for loc in ent.locations}
    assert kinds == {
        "Việt Nam": "country",
        "Trung Quốc": "country",
        "Biển Đông": "sea",
        "Hoa Kỳ": "country",
        "Nhật Bản": "country",
        "Hoàng Sa": "island",
        "Trường Sa": "island",
        "Phú Quốc": "island",
        "Vịnh Bắc Bộ": "sea",
    }
    # Islands and seas do not make an article "about" a province.
    assert ent.province is None


def test_communes_need_a_level_word_and_context() -> None:
    assert find_entities("Đông Phương là một cái tên đẹp của vùng quê này.").locations == ()
    (loc,) = find_entities("Ngày hội được tổ chức tại xã Đông Phương năm nay rất vui.").locations
    assert loc.kind == "commune" and loc.province_now is None  # several xã Đông Phương exist
    ent = find_entities("Ngày hội tại xã Đông Phương, huyện Đông Hưng, tỉnh Thái Bình.")
    assert {loc.name: loc.province_now for loc in ent.locations}["xã Đông Phương"] == "Hưng Yên"


def test_names_that_look_like_places_inside_person_names() -> None:
    ent = find_entities("Ông Nguyễn Thái Bình và Chủ tịch Hồ Chí Minh; anh Đức đến Sài Gòn.")
    assert [(loc.name, loc.province_now) for loc in ent.locations] == [("Hồ Chí Minh", "Hồ Chí Minh")]


def test_article_province_headline_weighs_more() -> None:
    body = "Đoàn công tác đến tỉnh Nghệ An, rồi tỉnh Hà Tĩnh, rồi trở lại tỉnh Hà Tĩnh."
    assert find_entities(body).province == "Hà Tĩnh"
    assert find_entities(body, title="Thị xã Cửa Lò đón đoàn công tác của tỉnh Nghệ An").province == "Nghệ An"


@pytest.mark.shared_data
def test_shipped_table_is_rebuilt_identically_from_shared_data(shared_data: Path, tmp_path: Path) -> None:
    out = tmp_path / "admin_units.json.gz"
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "build-admin-units"),
            "--data",
            str(shared_data / "admin-units"),
            "--out",
            str(out),
        ],
        check=True,
        capture_output=True,
    )
    assert out.read_bytes() == SHIPPED.read_bytes()


@pytest.mark.shared_data
def test_every_old_province_maps_as_the_reform_resolutions_say(shared_data: Path) -> None:
    merges = json.loads((shared_data / "admin-units/post_2025_07_mapping/mapping/merges.json").read_text())[
        "data"
    ]
    index = admin_index()
    checked = 0
    for prov in merges:
        now = prov["name"].removeprefix("Tỉnh ").removeprefix("Thành phố ")
        for old in prov["merges"]:
            name = old["name"].removeprefix("Tỉnh ").removeprefix("Thành phố ")
            # Huế became a city in January 2025; the older list still calls it Thừa Thiên Huế.
            name = {"Huế": "Thừa Thiên Huế"}.get(name, name)
            units = [u for u in index.lookup(name, ("province",)) if u.period == "old"]
            assert [u.province_now for u in units] == [now], name
            checked += 1
    assert checked == 63
    table = json.loads(gzip.decompress(SHIPPED.read_bytes()))
    assert len(table["provinces_new"]) == 34 and len(table["communes_new"]) == 3321


@pytest.mark.parametrize(
    ("alias", "province_now"),
    [("TP.HCM", "Hồ Chí Minh"), ("Sài Gòn", "Hồ Chí Minh"), ("Thừa Thiên Huế", "Huế")],
)
def test_usual_aliases(alias: str, province_now: str) -> None:
    assert resolve_place(alias)[0].province_now == province_now


def test_island_district_became_a_special_zone() -> None:
    found = resolve_place("huyện Côn Đảo")
    assert [(loc.name, loc.kind) for loc in found[:2]] == [
        ("huyện Côn Đảo", "district"),
        ("đặc khu Côn Đảo", "commune"),
    ]


def test_an_address_decides_between_communes_of_the_same_name() -> None:
    def where(text: str) -> dict[str, str | None]:
        return {loc.name: loc.province_now for loc in find_entities(text).locations}

    # No province named anywhere: the district after the commune decides.
    assert where("Lễ hội tại xã Đông Phương, huyện Đông Hưng năm nay.")["xã Đông Phương"] == "Hưng Yên"
    assert where("Ở xã Đông Phương, huyện Kiến Thụy thì khác.")["xã Đông Phương"] == "Hải Phòng"
