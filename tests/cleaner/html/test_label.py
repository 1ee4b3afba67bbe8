from __future__ import annotations

import pytest

from cleaner.html.dom_blocks import dom_blocks
from cleaner.html.label import removed_kind
from cleaner.html.parse import parse_html
from cleaner.models import BlockKind


def _kinds(body: str) -> dict[str, BlockKind]:
    blocks = dom_blocks(parse_html(f"<html><body>{body}</body></html>"))
    return {text: removed_kind(text, near, mask, links / len(text)) for text, near, mask, links
            in zip(blocks.texts, blocks.near, blocks.masks, blocks.link_chars, strict=True)}


@pytest.mark.parametrize(("markup", "kind"), [
    ('<div class="cookie-banner"><p>We use small files to run this site.</p></div>',
     BlockKind.COOKIE),
    ('<section id="comments"><p>Great read, thanks to the writer.</p></section>',
     BlockKind.COMMENTS),
    ('<aside class="related-posts"><p>Ten places to see this spring.</p></aside>',
     BlockKind.RELATED),
    ("<nav><p>Politics World Sport Culture</p></nav>", BlockKind.NAV),
    ("<footer><p>Example Media Group, 12 High Street, Springfield</p></footer>",
     BlockKind.FOOTER),
    ('<div class="post-tags"><p>gardening spring seeds</p></div>', BlockKind.METADATA),
    ('<p><a href="/a">One story</a> <a href="/b">Another story</a></p>', BlockKind.NAV),
    ("<p>Some text that no rule names at all here.</p>", BlockKind.BOILERPLATE),
])
def test_markup_names_the_kind(markup: str, kind: BlockKind) -> None:
    assert list(_kinds(markup).values()) == [kind]


def test_the_innermost_markup_wins() -> None:
    markup = '<footer><div class="share-bar"><p>Spread the word to friends</p></div></footer>'
    assert list(_kinds(markup).values()) == [BlockKind.SHARE]


def test_a_detector_that_knows_the_words_comes_before_the_ancestors() -> None:
    markup = '<footer><div><div><p>Share on Facebook</p></div></div></footer>'
    assert list(_kinds(markup).values()) == [BlockKind.SHARE]
    markup = '<footer><div><div><p>Some words no detector knows</p></div></div></footer>'
    assert list(_kinds(markup).values()) == [BlockKind.FOOTER]
