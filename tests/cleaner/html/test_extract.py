from __future__ import annotations

from dataclasses import replace

from cleaner.api import clean
from cleaner.html.extract import extract_html
from cleaner.models import BlockKind, Extraction, Mode, RawPage, RejectReason
from cleaner.options import DEFAULT_OPTIONS

PARAGRAPH = ("The river rose three metres overnight and flooded the lower town, "
             "and volunteers filled sandbags along the embankment until morning. ")
PAGE = (
    "<html lang='en-GB'><head><title>River floods the town | Planet</title>"
    "<meta property='og:site_name' content='Planet'>"
    "<meta name='author' content='Jane Doe'>"
    "<meta property='article:published_time' content='2024-03-05T10:00:00Z'>"
    "<meta property='article:tag' content='floods, weather'></head><body>"
    "<nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
    f"<article><h1>River floods the town</h1><p>{PARAGRAPH * 2}</p><p>{PARAGRAPH}</p></article>"
    "</body></html>"
)


def _extract(html: str) -> Extraction:
    return extract_html(RawPage(text=html, mode=Mode.HTML, encoding=None), None, DEFAULT_OPTIONS)


def test_body_and_metadata_from_one_tree() -> None:
    extraction = _extract(PAGE)
    body = [b.text for b in extraction.blocks if b.kind is BlockKind.BODY]
    assert body[0].startswith("The river rose")
    assert not any("Home" in text for text in body)
    meta = extraction.metadata
    assert meta.title == "River floods the town"
    assert meta.authors == ("Jane Doe",)
    assert meta.date_published == "2024-03-05T10:00:00Z"
    assert meta.site_name == "Planet"
    assert meta.tags == ("floods", "weather")
    assert meta.language == "en"


def test_headline_repeated_in_the_body_is_labelled_title() -> None:
    kinds = {b.text: b.kind for b in _extract(PAGE).blocks}
    assert kinds.get("River floods the town", BlockKind.TITLE) is BlockKind.TITLE


def test_deeply_nested_page_does_not_crash() -> None:
    depth = 100_000
    html = ("<html><head><title>Deep page</title></head><body>" + "<div>" * depth
            + f"<p>{PARAGRAPH}</p>" + "</div>" * depth + "</body></html>")
    extraction = _extract(html)
    assert extraction.metadata.title == "Deep page"


def test_page_without_body_text_gives_no_body_blocks() -> None:
    extraction = _extract("<html><head><title>Empty</title></head><body></body></html>")
    assert not [b for b in extraction.blocks if b.kind is BlockKind.BODY]
    assert extraction.metadata.title == "Empty"


def test_deeply_nested_page_through_the_public_api() -> None:
    depth = 100_000
    html = ("<html><head><title>Deep page</title></head><body>" + "<div>" * depth
            + f"<p>{PARAGRAPH}</p>" + "</div>" * depth + "</body></html>")
    result = clean(html, options=replace(DEFAULT_OPTIONS, max_bytes=10 * len(html)))
    assert result.status == "cleaned" or result.reason is RejectReason.NO_ARTICLE
    assert result.title == "Deep page"


def test_an_html_fragment_keeps_its_short_paragraph() -> None:
    extraction = _extract("<p>The council met on Tuesday.</p><p><a href='/a'>More</a></p>")
    kinds = {b.text: b.kind for b in extraction.blocks}
    assert kinds["The council met on Tuesday."] is BlockKind.BODY
    assert kinds["More"] is not BlockKind.BODY  # a link alone stays out
