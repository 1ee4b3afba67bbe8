from __future__ import annotations

import pytest

from cleaner.html.title import (
    choose_title,
    is_site_name,
    site_names,
    slug_words,
    strip_site_name,
)
from tests.cleaner.html.conftest import sources_of


@pytest.mark.parametrize(
    ("title", "names", "expected"),
    [
        ("River floods the town | Daily Planet", ("dailyplanet",), "River floods the town"),
        ("Daily Planet - River floods the town", ("dailyplanet",), "River floods the town"),
        ("Tips: 11 ways to save", (), "Tips: 11 ways to save"),  # a colon inside is no separator
        ("River floods the lower town - Planet", (), "River floods the lower town"),
        ("Shoes - Buy running shoes online", (), "Shoes - Buy running shoes online"),
        ("Plain title", ("dailyplanet",), "Plain title"),
    ],
)
def test_strip_site_name(title: str, names: tuple[str, ...], expected: str) -> None:
    assert strip_site_name(title, names) == expected


def test_site_name_allows_a_short_qualifier() -> None:
    assert is_site_name("Reuters.com", ("reuters",))
    assert not is_site_name("Reuters reports record floods", ("reuters",))


def test_site_names_come_from_meta_and_host() -> None:
    sources = sources_of("<meta property='og:site_name' content='The Planet'>")
    assert site_names(sources, "https://www.dailyplanet.co.uk/a/b") == ("The Planet", "dailyplanet")


def test_h1_agreeing_with_title_wins() -> None:
    sources = sources_of("<title>River floods the town | Planet</title>",
                         "<h1>River floods the town</h1>")
    assert choose_title(sources, ("Planet",)) == "River floods the town"


def test_logo_h1_is_skipped_for_the_agreeing_one() -> None:
    sources = sources_of("<title>River floods the town | Planet</title>",
                         "<h1>Planet</h1><h1>River floods the town</h1>")
    assert choose_title(sources, ("Planet",)) == "River floods the town"


def test_article_prefers_its_h1_when_they_disagree() -> None:
    head = "<meta property='og:type' content='article'><title>SEO headline for search</title>"
    sources = sources_of(head, "<h1>The editor's headline for readers</h1>")
    assert choose_title(sources, ()) == "The editor's headline for readers"


def test_non_article_prefers_the_title_over_a_slogan_h1() -> None:
    sources = sources_of("<title>Running Shoes | Shoe Shop</title>", "<h1>Clarity, finally.</h1>")
    assert choose_title(sources, ("Shoe Shop",)) == "Running Shoes"


def test_title_without_h1_and_no_title_at_all() -> None:
    only_title = sources_of("<title>Only a title - Site</title>")
    assert choose_title(only_title, ("site",)) == "Only a title"
    assert choose_title(sources_of(), ()) is None


def test_jsonld_headline_of_an_article_is_the_declared_title() -> None:
    head = ('<script type="application/ld+json">{"@type": "NewsArticle", '
            '"headline": "Declared headline"}</script><title>Other words | Site</title>')
    assert choose_title(sources_of(head), ()) == "Declared headline"


def _canonical(path: str) -> str:
    return f"<link rel='canonical' href='https://shop.example{path}'>"


def test_slug_words_are_the_last_segment_of_the_canonical_url() -> None:
    sources = sources_of(_canonical("/opinion/mx_vertical-mouse%C3%A9/"))
    assert slug_words(sources) == {"mx", "vertical", "mouseé"}
    assert slug_words(sources_of()) == frozenset()


def test_slug_falls_back_to_the_fetched_url_after_the_pages_own() -> None:
    assert slug_words(sources_of(), "https://example.org/shop/blue-kettle?ref=x") == {
        "blue", "kettle"}
    assert slug_words(sources_of(_canonical("/red-kettle")), "https://t.co/abc") == {
        "red", "kettle"}


def test_slug_picks_the_h1_of_a_non_article() -> None:
    head = _canonical("/hire-movers-jackson-nj") + "<title>Local Moving Help | Movers</title>"
    sources = sources_of(head, "<h1>Hire Movers in Jackson, NJ</h1>")
    assert choose_title(sources, ("Movers",)) == "Hire Movers in Jackson, NJ"


def test_slug_picks_the_title_of_an_article() -> None:
    head = (_canonical("/news/river-floods-lower-town")
            + "<meta property='og:type' content='article'>"
            + "<title>River floods the lower town | Planet</title>")
    sources = sources_of(head, "<h1>Water everywhere</h1>")
    assert choose_title(sources, ("Planet",)) == "River floods the lower town"


def test_slug_without_a_clear_preference_leaves_the_page_type_rule() -> None:
    head = _canonical("/shoes") + "<title>Running Shoes | Shoe Shop</title>"
    sources = sources_of(head, "<h1>Clarity, finally.</h1>")
    assert choose_title(sources, ("Shoe Shop",)) == "Running Shoes"


def test_slug_with_the_extra_words_keeps_the_longer_agreeing_title() -> None:
    head = _canonical("/logitech-mx-vertical-mouse") + "<title>Logitech MX Vertical Mouse</title>"
    sources = sources_of(head, "<h1>MX Vertical</h1>")
    assert choose_title(sources, ()) == "Logitech MX Vertical Mouse"
    no_slug = sources_of("<title>Logitech MX Vertical Mouse</title>", "<h1>MX Vertical</h1>")
    assert choose_title(no_slug, ()) == "MX Vertical"
