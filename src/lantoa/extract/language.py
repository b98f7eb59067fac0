"""Language of an extracted text: the language stage's detector, the page's ``lang`` as fallback."""

from __future__ import annotations

from lantoa.language.detect import detect_language


def guess_language(text: str, declared: str | None = None) -> str:
    """ISO 639-1 code: the detector's verdict on the text; the page's ``lang`` when text is too short."""
    if len(text) >= 20:
        found = detect_language(text)
        if found and found != "und":
            return found
    if declared:
        return declared.split("-")[0].split("_")[0].lower() or "und"
    return detect_language(text) if text else "und"
