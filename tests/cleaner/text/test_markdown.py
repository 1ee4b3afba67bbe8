"""Markdown dumps are read as the plain dumps the text stages were trained on."""

from __future__ import annotations

import pytest

from cleaner import CleanedDocument, CleanOptions, clean
from cleaner.text.markdown import looks_like_markdown, markdown_to_dump, read_markdown

PAGE = """[Home](https://example.com/) [News](https://example.com/news) [Sport](https://example.com/sport)

# Flood wall holds as river peaks

By [Jane Doe](https://example.com/authors/jane) | March 3, 2025

![A flooded street](https://example.com/img/flood.jpg)

The river rose three metres overnight and flooded the lower town, officials said on Monday.

Volunteers filled sandbags along the [embankment](https://example.com/e) until the early hours.

## What happens next

The mayor said the new flood wall had held and that nobody had been hurt in the town.

Engineers will inspect the **wall** on Monday before the next high tide arrives, she added.

[Share on Facebook](https://facebook.com/share) [Share on X](https://x.com/share)

© 2025 Example News. All rights reserved.
"""


def test_a_markdown_page_is_recognised() -> None:
    assert looks_like_markdown(PAGE)


@pytest.mark.parametrize("dump", [
    "Install it\n\n# install the dependencies first\npip install cleaner\n# then run it\n",
    "The council met on Monday.\n\nIt approved the budget [1] (see below).\n",
    "See [the report](https://example.com/report) for details.\n",  # one link, no heading
])
def test_plain_dumps_are_not_markdown(dump: str) -> None:
    assert not looks_like_markdown(dump)


def test_links_emphasis_and_heading_marks_go_images_leave_their_alt_text() -> None:
    dump = markdown_to_dump(PAGE).split("\n")
    assert dump[:4] == ["Home News Sport", "", "Flood wall holds as river peaks", ""]
    assert "By Jane Doe | March 3, 2025" in dump
    assert "A flooded street" in dump
    assert "Engineers will inspect the wall on Monday before the next high tide arrives, "\
           "she added." in dump
    assert not any("http" in line or "**" in line or line.startswith("#") for line in dump)


def test_list_items_and_table_cells_are_lines_of_their_own() -> None:
    dump = markdown_to_dump("Intro.\n\n- one\n- two\n\n| a | b |\n|---|---|\n| c | d |\n\nEnd.\n")
    assert dump.split("\n") == ["Intro.", "", "one", "two", "", "a", "b", "c", "d", "", "End.", ""]


def test_a_markdown_page_is_cleaned_like_its_plain_dump() -> None:
    result = clean(PAGE.encode())
    assert isinstance(result, CleanedDocument)
    assert result.title == "Flood wall holds as river peaks"
    assert result.authors == ["Jane Doe"]
    assert result.date_published == "2025-03-03"
    assert result.text.startswith("The river rose three metres overnight")
    assert "embankment until" in result.text and "http" not in result.text
    assert "Share on Facebook" not in result.text


def test_a_markdown_dump_keeps_its_h1_as_the_title() -> None:
    result = clean(PAGE.encode(), options=CleanOptions(mode="text"))
    assert isinstance(result, CleanedDocument)
    assert result.title == "Flood wall holds as river peaks"
    assert "Flood wall holds as river peaks" not in result.text
    assert read_markdown(PAGE).h1 == "Flood wall holds as river peaks"
    assert read_markdown("Intro.\n\n## Only a subheading\n\nText.\n").h1 is None
