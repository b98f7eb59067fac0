"""Small sample pages shipped with Lantoa, for the main job when no real data folder is present."""

from __future__ import annotations

from pathlib import Path

SAMPLES_DIR = Path(__file__).parent


def sample_pages() -> list[Path]:
    """The shipped sample HTML pages, in a stable order."""
    return sorted(SAMPLES_DIR.glob("*.html"))
