"""parse_date over every Vietnamese form the press uses (and ISO from JSON-LD / meta tags)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from lantoa.extract import parse_date
from lantoa.records import VN_TZ

CASES = [
    ("Thứ hai, 23/10/2023 08:00 (GMT+7)", datetime(2023, 10, 23, 8, 0, tzinfo=VN_TZ)),
    ("23.10.2024 | 16:17 PM", datetime(2024, 10, 23, 16, 17, tzinfo=VN_TZ)),
    ("29.08.2024 | 08:06 PM", datetime(2024, 8, 29, 20, 6, tzinfo=VN_TZ)),
    ("Đăng ngày 11/10/2023", date(2023, 10, 11)),
    ("Cập nhật lúc 10:35 ngày 12/3/2024", datetime(2024, 3, 12, 10, 35, tzinfo=VN_TZ)),
    ("ngày 5 tháng 8 năm 2024", date(2024, 8, 5)),
    ("Hà Nội, ngày 05 tháng 08 năm 2024", date(2024, 8, 5)),
    ("2026-03-01T09:51:00+07:00", datetime(2026, 3, 1, 9, 51, tzinfo=VN_TZ)),
    ("2026-03-07T08:52:11.000 +07:00", datetime(2026, 3, 7, 8, 52, 11, tzinfo=VN_TZ)),
    ("2026-03-07T00:01:00", datetime(2026, 3, 7, 0, 1, tzinfo=VN_TZ)),
    ("2026-03-07", date(2026, 3, 7)),
    ("07/03/2026 08:47", datetime(2026, 3, 7, 8, 47, tzinfo=VN_TZ)),
    ("Thứ bảy, 7/3/2026, 00:05 (GMT+7)", datetime(2026, 3, 7, 0, 5, tzinfo=VN_TZ)),
    ("07-03-2026 - 09:40 AM", datetime(2026, 3, 7, 9, 40, tzinfo=VN_TZ)),
    ("07/03/2026   08:52 (GMT+07:00)", datetime(2026, 3, 7, 8, 52, tzinfo=VN_TZ)),
    ("March 7, 2026", date(2026, 3, 7)),
    ("7. März 2026", date(2026, 3, 7)),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0] for c in CASES])
def test_vietnamese_and_iso_forms(text: str, expected: datetime | date) -> None:
    value = parse_date(text)
    assert value == expected
    assert type(value) is type(expected)  # a date when no time is shown, never a fake midnight
    if isinstance(value, datetime):
        assert value.utcoffset() == expected.utcoffset()


def test_utc_and_other_offsets_are_kept() -> None:
    value = parse_date("2020-05-01T10:00:00Z")
    assert isinstance(value, datetime) and value.utcoffset() == timedelta(0)
    value = parse_date("2020-05-01T10:00:00-05:00")
    assert isinstance(value, datetime) and value.utcoffset() == timedelta(hours=-5)


def test_first_date_wins_not_a_time_glued_to_a_later_date() -> None:
    assert parse_date("23.10.2024 | 16:17 PM - 29.08.2024 | 20:06 PM") == datetime(
        2024, 10, 23, 16, 17, tzinfo=VN_TZ
    )


@pytest.mark.parametrize("text", ["", "hello 12/3", "32/13/2024", "số 57-KL/TW", "1.818,27 điểm"])
def test_no_date(text: str) -> None:
    assert parse_date(text) is None
