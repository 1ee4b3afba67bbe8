from __future__ import annotations

from datetime import date

import pytest

from cleaner.html.dates import modified_date, normalise_date, published_date
from cleaner.html.parse import parse_html
from cleaner.html.sources import read_sources

TODAY = date(2025, 6, 1)


def _published(head: str = "", body: str = "") -> str | None:
    tree = parse_html(f"<html><head>{head}</head><body>{body}</body></html>")
    return published_date(read_sources(tree), tree, TODAY)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-03-05", "2024-03-05"),
        ("2024-03-05T10:20:30+01:00", "2024-03-05T10:20:30+01:00"),
        ("20240305", "2024-03-05"),
        ("2024/3/5", "2024-03-05"),
        ("March 5, 2024", "2024-03-05"),
        ("2030-01-01", None),  # in the future of the crawl
        ("1970-01-01", None),  # an epoch default, not a publication date
        ("2024-02-30", None),
        ("no date here", None),
        (None, None),
    ],
)
def test_normalise_date(value: object, expected: str | None) -> None:
    assert normalise_date(value, TODAY) == expected


def test_jsonld_beats_meta_and_time() -> None:
    head = ('<script type="application/ld+json">{"@type": "Article", '
            '"datePublished": "2024-01-02"}</script>'
            '<meta property="article:published_time" content="2024-01-03">')
    assert _published(head, '<time datetime="2024-01-04">x</time>') == "2024-01-02"


def test_meta_beats_time_element() -> None:
    head = '<meta property="article:published_time" content="2024-01-03T08:00:00Z">'
    assert _published(head, '<time datetime="2024-01-04">x</time>') == "2024-01-03T08:00:00Z"


def test_time_element_when_nothing_is_declared() -> None:
    assert _published(body='<p>Hi</p><time datetime="2024-01-04">Jan 4</time>') == "2024-01-04"


def test_future_declared_date_is_skipped_for_the_next_source() -> None:
    head = ('<meta property="article:published_time" content="2031-01-01">'
            '<meta name="date" content="2024-05-06">')
    assert _published(head) == "2024-05-06"


def test_modified_is_kept_apart_from_published() -> None:
    tree = parse_html('<html><head><meta property="article:published_time" content="2024-01-01">'
                      '<meta property="article:modified_time" content="2024-02-01">'
                      '</head><body></body></html>')
    assert modified_date(read_sources(tree), TODAY) == "2024-02-01"


def test_article_jsonld_beats_other_objects() -> None:
    head = ('<script type="application/ld+json">{"@graph": ['
            '{"@type": "WebPage", "datePublished": "2020-01-01"},'
            '{"@type": "BlogPosting", "datePublished": "2024-01-02"}]}</script>')
    assert _published(head) == "2024-01-02"


def test_meta_beats_a_webpage_jsonld_date() -> None:
    head = ('<script type="application/ld+json">{"@type": "WebPage", '
            '"datePublished": "2020-01-01"}</script>'
            '<meta property="article:published_time" content="2024-01-03">')
    assert _published(head) == "2024-01-03"


def test_date_in_the_text_when_nothing_is_declared() -> None:
    body = "<h1>Title</h1><p class='date'>Posted on March 5, 2024</p><p>Body text.</p>"
    assert _published(body=body) == "2024-03-05"


def test_date_in_the_canonical_url() -> None:
    head = '<link rel="canonical" href="https://example.com/2024/03/05/river-floods/">'
    assert _published(head) == "2024-03-05"


def test_unmarked_byline_date_just_after_the_headline() -> None:
    body = "<h1>River floods</h1><div><p>Jane Doe</p><p>October 16, 2020 · 8 min read</p></div>"
    assert _published(body=body) == "2020-10-16"


def test_textual_date_with_a_timezone_name() -> None:
    assert normalise_date("March 5, 2024 10:00 EST", TODAY) == "2024-03-05"


@pytest.mark.parametrize("body", ["<p>Prices as of 2024-03-05.</p>",
                                  "<footer><p>Last updated: March 5, 2024</p></footer>"])
def test_a_date_anywhere_on_the_page_is_not_the_publication_date(body: str) -> None:
    """A date no source marks as the publication's (a price list's, a footer's) is not
    published: such guesses were wrong on 164 of 178 wcxb-dev pages."""
    tree = parse_html(f"<html><body>{body}</body></html>")
    assert published_date(read_sources(tree), tree, TODAY) is None
