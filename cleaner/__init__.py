"""pagecleaner: strip boilerplate from scraped pages, keep the article and its metadata.

    >>> from cleaner import clean
    >>> result = clean(raw_bytes, url="https://example.com/a")
    >>> if result.status == "cleaned": print(result.title, result.text)
    ... else: print(result.reason, result.detail)
"""

from cleaner.api import clean
from cleaner.errors import CleanerError, PageRejected
from cleaner.models import (
    SCHEMA_VERSION,
    BlockKind,
    CleanedDocument,
    CleanResult,
    Mode,
    Rejected,
    RejectReason,
    RemovedBlock,
)
from cleaner.options import CleanOptions

__all__ = [
    "SCHEMA_VERSION",
    "BlockKind",
    "CleanOptions",
    "CleanResult",
    "CleanedDocument",
    "CleanerError",
    "Mode",
    "PageRejected",
    "RejectReason",
    "Rejected",
    "RemovedBlock",
    "clean",
]
