from __future__ import annotations

from tests.cleaner.html.conftest import sources_of


def test_jsonld_graph_and_nesting_are_flattened() -> None:
    head = ('<script type="application/ld+json">{"@graph": [{"@type": "WebSite", "name": "S"}, '
            '{"@type": "Article", "author": {"@type": "Person", "name": "A"}}]}</script>')
    types = [obj.get("@type") for obj in sources_of(head).jsonld]
    assert types == [None, "WebSite", "Article", "Person"]


def test_jsonld_with_raw_control_characters_is_read() -> None:
    head = '<script type="application/ld+json">{"@type": "Article",\n"headline": "a\tb"}</script>'
    assert sources_of(head).declares_article()


def test_broken_and_hostile_jsonld_are_skipped() -> None:
    deep = "[" * 100_000 + "]" * 100_000
    head = (f'<script type="application/ld+json">{{broken</script>'
            f'<script type="application/ld+json">{deep}</script>')
    assert sources_of(head).jsonld == ()


def test_meta_keys_are_case_folded_and_heading_text_is_spaced() -> None:
    sources = sources_of('<meta Property="OG:Title" content="T">',
                         "<h1>Two<br>lines\u00ad</h1>")
    assert sources.first_meta("og:title") == "T"
    assert sources.h1s == ("Two lines",)


def test_og_type_article_declares_an_article() -> None:
    assert sources_of('<meta property="og:type" content="article">').declares_article()
    assert not sources_of('<meta property="og:type" content="website">').declares_article()
