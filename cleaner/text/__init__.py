"""Text-dump mode: one visible block per line -> classified blocks + metadata.

The entry point is `cleaner.text.extract.extract_text`. The package itself
imports nothing, so the shared `cleaner.detectors` can use its text helpers
(dates, lexicons, phrases) without importing the whole pipeline.
"""
