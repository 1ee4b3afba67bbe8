"""Shared fixtures for the cleaning library's tests: small synthetic pages.

Golden cases are loaded by `tests.fixture_cases`; the workers' fixtures (Redis)
live in tests/workers/conftest.py.
"""

from __future__ import annotations

import pytest

ARTICLE_SENTENCES = (
    "The river rose three metres overnight and flooded the lower town.",
    "Volunteers filled sandbags along the embankment until the early hours of the morning.",
    "The mayor said the new flood wall had held and that nobody had been hurt.",
)


@pytest.fixture
def article_html() -> bytes:
    """A small but real-looking news page: nav, one article of three paragraphs, footer."""
    paragraphs = "".join(f"<p>{s} {s}</p>" for s in ARTICLE_SENTENCES)
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<title>River floods the lower town</title></head><body>"
        "<nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
        f"<article><h1>River floods the lower town</h1>{paragraphs}</article>"
        "<footer>Copyright 2025 Example News. All rights reserved.</footer>"
        "</body></html>"
    ).encode()


@pytest.fixture
def article_text() -> bytes:
    """The same article as a whole-page text dump, one visible block per line."""
    lines = ["Home", "News", "River floods the lower town", *ARTICLE_SENTENCES, "Share"]
    return "\n".join(lines).encode()
