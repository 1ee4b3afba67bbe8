"""Text-dump mode: one visible block per line -> classified blocks + metadata."""

from cleaner.text.extract import extract_text

__all__ = ["extract_text"]
