"""Side-by-side speed and quality: our pages/s and F1 next to other extractors'.

Shared machines drift by +-30% between runs, so every figure here comes from
one run, with the engines interleaved page by page: whatever slows the
machine down slows every engine on the same pages.

Engines are imported lazily; the comparison ones come with the `bench` extra
(`pip install -e '.[bench]'`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from cleaner.api import clean
from cleaner.bench import Page
from cleaner.evaluate import Shares, shingle_f1, shingle_shares, word_prf
from cleaner.models import CleanedDocument
from cleaner.options import CleanOptions

Engine = Callable[[bytes], str]  # raw page -> body text ("" when it finds none)

OURS = "cleaner"


def _trafilatura(raw: bytes) -> str:
    import trafilatura  # noqa: PLC0415 - only when compared

    # Default settings with metadata: what a trafilatura user gets from bare_extraction.
    doc = trafilatura.bare_extraction(raw, with_metadata=True)
    return (doc.text or "") if doc else ""


def _trafilatura_fast(raw: bytes) -> str:
    import trafilatura  # noqa: PLC0415

    return trafilatura.extract(raw, with_metadata=False, fast=True) or ""


def _lxml_parse(raw: bytes) -> str:
    import lxml.html  # noqa: PLC0415

    lxml.html.document_fromstring(raw)  # the floor any DOM-based extractor pays
    return ""


def _readability(raw: bytes) -> str:
    import lxml.html  # noqa: PLC0415
    from readability import Document  # noqa: PLC0415

    summary = Document(raw.decode("utf-8", "replace")).summary(html_partial=True)
    return str(lxml.html.fromstring(summary).text_content()) if summary.strip() else ""


def _justext(raw: bytes) -> str:
    import justext  # noqa: PLC0415

    html = raw if b"<" in raw[:2048] else _dump_as_html(raw)
    paragraphs = justext.justext(html, justext.get_stoplist("English"))
    return "\n\n".join(p.text for p in paragraphs if not p.is_boilerplate)


def _dump_as_html(raw: bytes) -> bytes:
    """A text dump as one <p> per line, so HTML-only engines can read it."""
    from html import escape  # noqa: PLC0415

    lines = raw.decode("utf-8", "replace").splitlines()
    body = "".join(f"<p>{escape(line)}</p>" for line in lines)
    return f"<html><body>{body}</body></html>".encode()


ENGINES: dict[str, Engine] = {
    "trafilatura": _trafilatura,
    "trafilatura-fast": _trafilatura_fast,
    "lxml-parse": _lxml_parse,
    "readability": _readability,
    "justext": _justext,
}
FLOORS = {"lxml-parse"}  # timed, but produce no text: no F1


@dataclass
class EngineScore:
    name: str
    seconds: float = 0.0
    pages: int = 0
    word_f1s: list[float] = field(default_factory=list)
    shingles: list[Shares] = field(default_factory=list)

    def add(self, seconds: float, text: str, truth: str | None) -> None:
        self.seconds += seconds
        self.pages += 1
        if truth is not None and self.name not in FLOORS:
            self.word_f1s.append(word_prf(truth, text)[2])
            self.shingles.append(shingle_shares(truth, text))

    @property
    def pages_per_second(self) -> float:
        return self.pages / self.seconds if self.seconds else 0.0


def compare(
    pages: Iterable[Page], engines: list[str], truth: dict[str, str], options: CleanOptions
) -> list[EngineScore]:
    scores = [EngineScore(OURS), *(EngineScore(name) for name in engines)]
    runners: list[Engine] = [lambda raw: _ours(raw, options), *(ENGINES[n] for n in engines)]
    for page in pages:
        for score, run in zip(scores, runners, strict=True):
            start = time.perf_counter()
            text = _safely(run, page.raw)
            score.add(time.perf_counter() - start, text, truth.get(page.id))
    return scores


def _ours(raw: bytes, options: CleanOptions) -> str:
    result = clean(raw, options=options)
    return result.text if isinstance(result, CleanedDocument) else ""


def _safely(run: Engine, raw: bytes) -> str:
    try:
        return run(raw)
    except Exception:  # another engine's crash on a page counts as an empty answer
        return ""


def report(scores: list[EngineScore]) -> str:
    ours = scores[0]
    lines = [f"{'engine':<18}{'pages/s':>9}{'ours/this':>11}{'word F1':>9}{'shingle F1':>12}"]
    for s in scores:
        ratio = ours.pages_per_second / s.pages_per_second if s.pages_per_second else 0.0
        wf1 = f"{sum(s.word_f1s) / len(s.word_f1s):.3f}" if s.word_f1s else "-"
        sf1 = f"{shingle_f1(s.shingles):.3f}" if s.shingles else "-"
        lines.append(f"{s.name:<18}{s.pages_per_second:>9.1f}{ratio:>10.2f}x{wf1:>9}{sf1:>12}")
    return "\n".join(lines)
