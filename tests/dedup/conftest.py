"""Fixtures of the duplicate tests: two hand-written stories on the same topic."""

from __future__ import annotations

import pytest
from dedup_texts import OTHER_STORY, STORY


@pytest.fixture
def story() -> tuple[str, ...]:
    return STORY


@pytest.fixture
def other_story() -> tuple[str, ...]:
    return OTHER_STORY
