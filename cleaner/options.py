"""One frozen options object, passed through every stage.

Change it with `dataclasses.replace(options, ...)`. Nothing here reads the
environment: the CLI and the workers build it from their own settings.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

# 10 MB: the largest real article pages we have seen are ~3 MB of HTML; a cap
# well above that still stops a runaway page before it costs a parse.
DEFAULT_MAX_BYTES = 10 * 1024 * 1024

# Below this many words of body text we say "no_article": a page whose only
# text is a lone label or a cookie prompt is not a document.
DEFAULT_MIN_BODY_WORDS = 3


@dataclass(frozen=True, slots=True)
class CleanOptions:
    """How to clean a page."""

    max_bytes: int = DEFAULT_MAX_BYTES
    mode: Literal["auto", "html", "text"] = "auto"
    min_body_words: int = DEFAULT_MIN_BODY_WORDS
    include_removed: bool = True
    include_markdown: bool = False
    detect_language: bool = True


DEFAULT_OPTIONS = CleanOptions()
