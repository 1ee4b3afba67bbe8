"""One frozen options object, passed through every stage.

Change it with `dataclasses.replace(options, ...)`. Nothing here reads the
environment: the CLI and the workers build it from their own settings.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from cleaner.dedup import DEFAULT_THRESHOLD

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
    # Where an index (`cleaner clean --dedup`, the service's) links near-duplicates.
    dedup_threshold: float = DEFAULT_THRESHOLD
    # Where to read the model files from instead of the shipped ones (same file names);
    # `train/oof.py` points it at the models of one fold.
    model_dir: str | None = None

    def __post_init__(self) -> None:
        # Fail where the options are built, not as an internal_error on every page.
        if self.mode not in ("auto", "html", "text"):
            raise ValueError(f"mode must be auto, html or text, not {self.mode!r}")
        if self.max_bytes <= 0:
            raise ValueError(f"max_bytes must be positive, not {self.max_bytes}")
        if self.min_body_words < 0:
            raise ValueError(f"min_body_words must be >= 0, not {self.min_body_words}")
        if not 0 < self.dedup_threshold <= 1:
            raise ValueError(f"dedup_threshold must be in (0, 1], not {self.dedup_threshold}")


DEFAULT_OPTIONS = CleanOptions()
