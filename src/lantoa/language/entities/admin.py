"""The administrative units of Vietnam before and after the 1 July 2025 reform, indexed by name.

Loaded once per process from ``data/admin_units.json.gz`` (built by ``scripts/build-admin-units``
from ``../shared/data/admin-units``). Names are indexed by their folded form, so "Hoà Bình" and
"Hòa Bình" are the same key.
"""

from __future__ import annotations

import gzip
import json
from collections import defaultdict
from dataclasses import dataclass
from functools import cache

from lantoa.records import Location

from ._lexicon import data_bytes, fold

UNIT_WORD = {
    "tinh": "tỉnh",
    "thanh-pho": "thành phố",
    "huyen": "huyện",
    "quan": "quận",
    "thi-xa": "thị xã",
    "xa": "xã",
    "phuong": "phường",
    "thi-tran": "thị trấn",
    "dac-khu": "đặc khu",
}
SPECIAL_ALIASES = {
    "TP.HCM": "hồ chí minh",
    "TP HCM": "hồ chí minh",
    "TPHCM": "hồ chí minh",
    "TP. HCM": "hồ chí minh",
    "TP.Hồ Chí Minh": "hồ chí minh",
    "Sài Gòn": "hồ chí minh",
    "Bà Rịa - Vũng Tàu": "bà rịa vũng tàu",
    "Bà Rịa-Vũng Tàu": "bà rịa vũng tàu",
    "Thừa Thiên Huế": "huế",
    "Thừa Thiên - Huế": "huế",
}


@dataclass(frozen=True, slots=True)
class Unit:
    """One administrative unit of either period."""

    code: str
    name: str
    type: str
    """Slug of the official type: tinh, thanh-pho, huyen, quan, thi-xa, xa, phuong, thi-tran, dac-khu."""
    group: str
    """province / district / commune."""
    period: str
    """old (before 1 July 2025) / new (after)."""
    province_now: str
    successors: tuple[str, ...] = ()
    """Codes of the current communes an old commune (or island district) became."""
    old_province: str | None = None
    district: str | None = None
    """Name of the district an old commune was in (districts were abolished in 2025)."""

    def location(self) -> Location:
        kind = self.group
        if self.group == "province":
            name = self.name
        else:
            name = f"{UNIT_WORD.get(self.type, self.type)} {self.name}"
        return Location(name=name, kind=kind, code=self.code, province_now=self.province_now)


class AdminIndex:
    """All units of both periods, indexed by (group, folded name)."""

    def __init__(self) -> None:
        table = json.loads(gzip.decompress(data_bytes("admin_units.json.gz")))
        new_prov = {code: name for code, name, _ in table["provinces_new"]}
        self.by_key: dict[tuple[str, str], list[Unit]] = defaultdict(list)
        self.new_communes: dict[str, Unit] = {}
        old_prov_now: dict[str, str] = {}
        self.old_province_name: dict[str, str] = {}
        for code, name, typ in table["provinces_new"]:
            self._add(Unit(code, name, typ, "province", "new", name))
        for code, name, typ, new_code in table["provinces_old"]:
            old_prov_now[code] = new_prov[new_code]
            self.old_province_name[code] = name
            self._add(Unit(code, name, typ, "province", "old", new_prov[new_code], old_province=name))
        for code, name, typ, pcode, succ in table["districts_old"]:
            self._add(
                Unit(
                    code,
                    name,
                    typ,
                    "district",
                    "old",
                    old_prov_now[pcode],
                    tuple(succ),
                    self.old_province_name[pcode],
                )
            )
        for code, name, typ, pcode in table["communes_new"]:
            unit = Unit(code, name, typ, "commune", "new", new_prov[pcode])
            self.new_communes[code] = unit
            self._add(unit)
        district_name = {code: name for code, name, *_ in table["districts_old"]}
        for code, name, typ, dcode, pcode, succ in table["communes_old"]:
            self._add(
                Unit(
                    code,
                    name,
                    typ,
                    "commune",
                    "old",
                    old_prov_now[pcode],
                    tuple(succ),
                    self.old_province_name[pcode],
                    district_name.get(dcode),
                )
            )
        self.all_names = {key for _, key in self.by_key}
        """Folded names of every unit of every level and period."""
        # "Hồ Chí Minh" alone is the President far more often than the city ("TP Hồ Chí Minh").
        self.province_keys = {key for group, key in self.by_key if group == "province"} - {
            fold("Hồ Chí Minh")
        }
        for alias, target in SPECIAL_ALIASES.items():
            key = fold(target)
            self.province_keys.add(fold(alias))
            if ("province", fold(alias)) not in self.by_key:
                self.by_key[("province", fold(alias))] = list(self.by_key[("province", key)])

    def _add(self, unit: Unit) -> None:
        self.by_key[(unit.group, fold(unit.name))].append(unit)

    def lookup(self, name: str, groups: tuple[str, ...]) -> list[Unit]:
        key = fold(name)
        found: list[Unit] = []
        for group in groups:
            found.extend(self.by_key.get((group, key), ()))
        return found


@cache
def admin_index() -> AdminIndex:
    return AdminIndex()
