"""The one orchestrator: a page goes decode -> extract (by mode) -> assemble.

Each mode's extractor is itself a short list of stages (see `cleaner.html`
and `cleaner.text`): parse, segment into blocks, classify, revise, metadata.
"""

from __future__ import annotations

from collections.abc import Callable

from cleaner.errors import PageRejected
from cleaner.html.extract import extract_html
from cleaner.models import CleanedDocument, Extraction, Mode, RawPage, Rejected, RejectReason
from cleaner.options import DEFAULT_OPTIONS, CleanOptions
from cleaner.stages.assemble import assemble
from cleaner.stages.decode import decode
from cleaner.text.extract import extract_text

Extractor = Callable[[RawPage, str | None, CleanOptions], Extraction]
EXTRACTORS: dict[Mode, Extractor] = {Mode.HTML: extract_html, Mode.TEXT: extract_text}


def clean(
    raw: bytes | str,
    *,
    url: str | None = None,
    content_type: str | None = None,
    options: CleanOptions = DEFAULT_OPTIONS,
    propagate: tuple[type[BaseException], ...] = (),
) -> CleanedDocument | Rejected:
    """Clean one raw page. Never raises for a bad page: returns `Rejected` with a reason.

    `propagate`: exceptions the caller raises into the run to stop it (a worker's
    soft time limit) and wants back as they are, not as an `internal_error`."""
    try:
        page = decode(raw, content_type=content_type, options=options)
        extraction = EXTRACTORS[page.mode](page, url, options)
        return assemble(extraction, page, url=url, options=options)
    except propagate:
        raise
    except PageRejected as rejection:
        return rejection.to_result(url)
    except (RecursionError, MemoryError) as exc:  # pathological markup: answer, don't crash
        return Rejected(reason=RejectReason.TOO_COMPLEX, detail=type(exc).__name__, url=url)
    except Exception as exc:  # the library's boundary: a bug must not look like a crash upstream
        detail = f"{type(exc).__name__}: {str(exc)[:200]}"
        return Rejected(reason=RejectReason.INTERNAL_ERROR, detail=detail, url=url)


# One tiny page per mode: loading the models (~1 s) is the first page's cost otherwise.
_WARM_UP_PAGES = (
    b"<html><head><title>Warm up</title></head><body><p>A first page loads the models.</p>"
    b"</body></html>",
    b"A first text dump\nloads the line rules and the language model, once.\n",
)


def warm_up(options: CleanOptions = DEFAULT_OPTIONS) -> None:
    """Load every model now (a worker before it forks, a benchmark before its clock)."""
    for page in _WARM_UP_PAGES:
        clean(page, options=options)

