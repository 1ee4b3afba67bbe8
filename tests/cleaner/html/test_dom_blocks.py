from __future__ import annotations

import itertools
import re

from cleaner.html.dom_blocks import (
    _CLASS_PATTERNS,
    CLASS_BITS,
    OWNER_TAGS,
    TAG_BITS,
    DomBlocks,
    _word_mask,
    dom_blocks,
)
from cleaner.html.parse import parse_html


def _blocks(body: str) -> DomBlocks:
    return dom_blocks(parse_html(f"<html><head><title>T</title></head><body>{body}</body></html>"))


def _bit(name: str) -> int:
    return 1 << CLASS_BITS.index(name)


def _tag_bit(name: str) -> int:
    return 1 << (len(CLASS_BITS) + TAG_BITS.index(name))


def test_inline_markup_joins_and_block_markup_splits() -> None:
    blocks = _blocks("<div>Intro <b>bold</b> text<p>A <a href='#'>link</a> here.</p>tail</div>"
                     "<h2>Head</h2><ul><li>one</li><li>two <i>2</i></li></ul>")
    assert blocks.texts == ["Intro bold text", "A link here.", "tail", "Head", "one", "two 2"]
    owners = [OWNER_TAGS[code] for code in blocks.owners]
    assert owners == ["div", "p", "div", "h2", "li", "li"]


def test_scripts_styles_and_head_are_skipped_but_their_tails_kept() -> None:
    blocks = _blocks("<p>before<script>var x = 1;</script> after<style>p{}</style>.</p>"
                     "<template>enable js</template>")
    assert blocks.texts == ["before after."]


def test_link_characters_are_counted() -> None:
    blocks = _blocks("<p><a href='/'>Home</a></p><p>Read <a href='/x'>more</a> now</p>")
    assert blocks.link_chars == [4, 4]


def test_table_cells_join_in_a_row() -> None:
    blocks = _blocks("<table><tr><th>Name</th><th>Size</th></tr><tr><td>a</td><td>1</td></tr>"
                     "</table>")
    assert blocks.texts == ["Name | Size", "a | 1"]
    assert {OWNER_TAGS[code] for code in blocks.owners} == {"tr"}


def test_pre_keeps_its_line_breaks() -> None:
    blocks = _blocks("<pre><code>x = 1\n\ny = 2\n</code></pre>")
    assert blocks.texts == ["x = 1\ny = 2"]


def test_ancestor_class_id_role_and_tag_bits() -> None:
    blocks = _blocks("<div class='site-footer'><p>c</p></div><nav><a>Home</a></nav>"
                     "<div id='comments'><p>hi</p></div><div role='navigation'>m</div>"
                     "<div class='entry-content'><p>body</p></div>"
                     "<div style='display: none'>gone</div>")
    by_text = dict(zip(blocks.texts, blocks.masks, strict=True))
    assert by_text["c"] & _bit("footer")
    assert by_text["Home"] & _tag_bit("nav") and not by_text["Home"] & _bit("nav")
    assert by_text["hi"] & _bit("comment")
    assert by_text["m"] & _bit("nav")
    assert by_text["body"] & _bit("content") and not by_text["body"] & _bit("footer")
    assert by_text["gone"] & _bit("hidden")


def test_blocks_share_their_container_chain() -> None:
    blocks = _blocks("<div><p>a</p><p>b</p></div><div><p>c</p></div>")
    parents = [chain[1] for chain in blocks.chains]
    assert parents[0] == parents[1] != parents[2]
    assert blocks.paths[0] == blocks.paths[1]


def test_a_very_deep_page_walks_without_recursion() -> None:
    for depth in (200, 5000):  # libxml2 truncates past 256 levels; the walk must not fail
        blocks = _blocks("<div>" * depth + "deep" + "</div>" * depth + "<p>after</p>")
        assert blocks.texts == (["deep", "after"] if depth == 200 else blocks.texts)


def test_class_words_read_as_the_plain_alternation_reads_them() -> None:
    """The regex keyed by first letter finds what the alternation of the class patterns
    finds, match for match: the same bits for every word (leftmost-first, non-overlapping)."""
    plain = re.compile("|".join(f"(?P<{name}>{pattern})" for name, pattern in _CLASS_PATTERNS))
    pieces = ("nav", "ad", "ads", "ad-", "post", "tab", "tabs", "more", "stories", "read",
              "next", "prev", "hide", "main", "text", "item", "list", "doc", "btn", "date",
              "time", "tag", "gpt", "sign", "up", "log", "in", "also", "sidebar", "footer",
              "-", "_", "1", "x")
    words = ["".join(combo) for combo in itertools.product(pieces, repeat=3)]
    for word in words:
        expected = 0
        for match in plain.finditer(word):
            expected |= _bit(match.lastgroup or "")
        assert _word_mask(word) == expected, word
