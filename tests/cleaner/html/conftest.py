"""Helpers for HTML-mode tests: small synthetic pages, parsed the way the extractor does."""

from __future__ import annotations

from cleaner.html.parse import parse_html
from cleaner.html.sources import PageSources, read_sources


def sources_of(head: str = "", body: str = "") -> PageSources:
    return read_sources(parse_html(f"<html><head>{head}</head><body>{body}</body></html>"))
