"""HTML mode: markup -> classified blocks + metadata."""

from cleaner.html.extract import extract_html

__all__ = ["extract_html"]
