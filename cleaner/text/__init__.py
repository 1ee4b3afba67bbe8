"""Text-dump mode: one visible block per line -> classified blocks + metadata.

The entry point is `cleaner.text.extract.extract_text`. What it shares with HTML
mode (detectors, dates, lexicons, phrases, model files) is in `cleaner.vocab`.
"""
