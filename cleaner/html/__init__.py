"""HTML mode: markup -> classified blocks + metadata (entry point: `cleaner.html.extract`)."""
