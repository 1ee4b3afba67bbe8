from __future__ import annotations

import pytest

from cleaner.html.authors import clean_names, find_authors
from cleaner.html.parse import parse_html
from cleaner.html.sources import read_sources


def _authors(head: str = "", body: str = "", *, story: bool = True) -> tuple[str, ...]:
    tree = parse_html(f"<html><head>{head}</head><body>{body}</body></html>")
    return find_authors(read_sources(tree), tree, story=story)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("By Jane Doe", ("Jane Doe",)),
        ("Written by: Jane Doe", ("Jane Doe",)),
        ("By Jane Doe and John Roe", ("Jane Doe", "John Roe")),
        ("Jane Doe, John Roe & Ann Poe", ("Jane Doe", "John Roe", "Ann Poe")),
        ("By Jane Doe | March 3, 2025", ("Jane Doe",)),
        ("Jane Doe Updated 3 March 2025", ("Jane Doe",)),
        ("https://example.com/jane", ()),
        ("admin", ()),
        ("This is a whole sentence about the author and her many books", ()),
    ],
)
def test_clean_names(raw: str, expected: tuple[str, ...]) -> None:
    assert clean_names([raw]) == expected


def test_jsonld_author_list() -> None:
    head = ('<script type="application/ld+json">{"@type": "Article", "author": '
            '[{"@type": "Person", "name": "Jane Doe"}, {"name": "John Roe"}]}</script>')
    assert _authors(head) == ("Jane Doe", "John Roe")


def test_meta_author_before_byline() -> None:
    assert _authors('<meta name="author" content="Jane Doe">',
                    '<span class="byline">By John Roe</span>') == ("Jane Doe",)


def test_byline_element_when_nothing_is_declared() -> None:
    assert _authors(body='<div class="post-author">By John Roe</div><p>Text</p>') == ("John Roe",)


def test_no_author() -> None:
    assert _authors(body="<p>No byline here.</p>") == ()


def test_name_starting_like_a_prefix_keeps_its_letters() -> None:
    assert clean_names(["Parisa Ostovari"]) == ("Parisa Ostovari",)


def test_twitter_written_by_label() -> None:
    head = ('<meta name="twitter:label1" content="Written by">'
            '<meta name="twitter:data1" content="Jane Doe">')
    assert _authors(head) == ("Jane Doe",)


def test_citation_authors_are_last_name_first() -> None:
    head = ('<meta name="citation_author" content="Doe, Jane">'
            '<meta name="citation_author" content="Roe, John">')
    assert _authors(head) == ("Jane Doe", "John Roe")


def test_thread_author_not_the_repliers() -> None:
    head = ('<script type="application/ld+json">{"@type": "DiscussionForumPosting", '
            '"author": {"name": "opener"}, "comment": [{"@type": "Comment", '
            '"author": {"name": "replier"}}]}</script>')
    assert _authors(head) == ("opener",)


def test_text_byline_without_markup() -> None:
    assert _authors(body="<h1>Title</h1><p>By Jane Doe</p><p>Body text.</p>") == ("Jane Doe",)


def test_an_author_label_names_the_author_where_bylines_are_labels() -> None:
    body = "<h1>标题</h1><p><span>□ 本报记者 葛灵丹</span></p><p>正文第一段。</p>"
    assert _authors(body=body) == ("葛灵丹",)
    assert _authors(body=body, story=False) == ()  # a product page's labels are not bylines


def test_author_class_variants() -> None:
    body = '<div class="post-hero__author__name">Jane Doe</div><p>Body.</p>'
    assert _authors(body=body) == ("Jane Doe",)


def test_first_byline_element_with_a_name_wins() -> None:
    body = ('<div class="author-avatar"><img alt=""></div>'
            '<span class="author-label">Follow our writers on every platform we know of'
            ' and many more we have not heard of yet, for the latest</span>'
            '<a class="author-link">Jane Doe</a><p>Body.</p>')
    assert _authors(body=body) == ("Jane Doe",)


def test_forum_opening_post_author_attribute() -> None:
    body = ('<article data-author="opener"><p>Question?</p></article>'
            '<article data-author="replier"><p>Answer.</p></article>')
    assert _authors(body=body) == ("opener",)


@pytest.mark.parametrize("raw", ["October 17", "Dec 17", "Sat, 20 Dec", "Updated", "Sign In",
                                 "Topic Author", "Personal finance"])
def test_dates_and_interface_words_are_not_names(raw: str) -> None:
    assert clean_names([raw]) == ()


@pytest.mark.parametrize("raw", ["Maria", "julian", "April Fulton", "the Lavazza Team",
                                 "Ludwig van Beethoven", "Maria &amp; Katerina"])
def test_names_that_look_like_months_or_have_small_words_are_kept(raw: str) -> None:
    assert clean_names([raw])


def test_a_declared_lower_case_name_is_kept() -> None:
    head = ('<script type="application/ld+json">{"@type": "Article", '
            '"author": {"@type": "Person", "name": "kirstin boatto"}}</script>')
    assert _authors(head) == ("kirstin boatto",)


def test_an_organisation_author_gives_way_to_the_byline_person() -> None:
    head = ('<script type="application/ld+json">{"@type": "Article", '
            '"author": {"@type": "Organization", "name": "Health Clinic"}}</script>')
    assert _authors(head, '<p class="byline">By Jane Doe</p>') == ("Jane Doe",)
    assert _authors(head, "<p>No byline.</p>") == ("Health Clinic",)


def test_an_author_reference_is_resolved_in_the_graph() -> None:
    head = ('<script type="application/ld+json">{"@graph": ['
            '{"@type": "Article", "author": {"@id": "#jane"}},'
            '{"@type": "Person", "@id": "#jane", "name": "Jane Doe"}]}</script>')
    assert _authors(head) == ("Jane Doe",)


def test_microdata_gives_the_opening_posts_person_name_not_the_card() -> None:
    card = ('<div itemprop="author" itemscope itemtype="https://schema.org/Person">'
            '<meta itemprop="name" content="{0}"><a>{0}</a> 1,655 reputation 3 gold badges</div>')
    body = ('<div itemscope itemtype="https://schema.org/Comment">' + card.format("answerer")
            + '</div><div class="message-threadStart" itemscope '
            'itemtype="https://schema.org/Comment">' + card.format("asker") + "</div>")
    assert _authors(body=body) == ("asker",)


def test_by_before_a_linked_name() -> None:
    assert _authors(body='<p>By <a href="/c/jane">Jane Doe</a></p><p>Body.</p>') == ("Jane Doe",)
    assert _authors(body="<p>by: Jane Doe, Dec 17, 2025</p>") == ("Jane Doe",)


def test_a_written_by_label_then_the_name() -> None:
    body = "<div><p>Written by</p><p>Jane Doe</p></div><p>Body text.</p>"
    assert _authors(body=body) == ("Jane Doe",)


def test_a_text_byline_counts_on_a_story_page_only() -> None:
    """On a product or service page a "By ..." line is a filter or a menu entry."""
    body = "<h1>Garden tools</h1><p>Shop By Category</p><p>By Price</p>"
    assert _authors(body=body, story=False) == ()
    assert _authors(body="<h1>Title</h1><p>By Jane Doe</p>", story=False) == ()
    assert _authors(body="<h1>Title</h1><p>By Jane Doe</p>", story=True) == ("Jane Doe",)


def test_a_marked_byline_counts_on_any_page() -> None:
    body = '<div class="post-author">By John Roe</div><p>Text</p>'
    assert _authors(body=body, story=False) == ("John Roe",)
