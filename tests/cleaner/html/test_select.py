from __future__ import annotations

from dataclasses import replace

import numpy as np

from cleaner.html import select as s
from cleaner.html.candidates import Candidate
from cleaner.html.dom_blocks import dom_blocks
from cleaner.html.parse import parse_html
from cleaner.html.select import (
    DomReading,
    combine,
    label_body,
    label_furniture,
    label_notices,
    label_title,
)
from cleaner.models import Block, BlockKind, BlockRole

ARTICLE = "The river rose three metres overnight and flooded the lower town."
MENU = "Home News Sport"
UNSURE = "Readers also liked these five stories about rivers."


def _reading() -> DomReading:
    segmented = dom_blocks(parse_html(
        f"<html><body><nav><p>{MENU}</p></nav><p>{ARTICLE}</p><p>{UNSURE}</p>"
        "<footer><p>Our address</p></footer></body></html>"))
    blocks = (Block(MENU, kind=BlockKind.NAV, first_kind=BlockKind.NAV), Block(ARTICLE),
              Block(UNSURE),
              Block("Our address", kind=BlockKind.FOOTER, first_kind=BlockKind.FOOTER))
    return DomReading(segmented, blocks, np.array([0.1, 0.9, 0.4, 0.05]))


def test_only_a_declared_article_with_unsure_body_asks_for_a_second_opinion() -> None:
    reading = _reading()
    assert s.needs_second_opinion(reading, True)
    assert not s.needs_second_opinion(reading, False)
    sure = DomReading(reading.segmented, reading.blocks, np.array([0.1, 0.9, 0.7, 0.05]))
    assert not s.needs_second_opinion(sure, True)


def test_unsure_blocks_the_second_opinion_left_out_are_removed() -> None:
    glued = f"Home NewsSport. {ARTICLE[:20]}"  # another reading, with its own boundaries
    combined = combine(_reading(), Candidate.of((Block(glued),)))
    assert [b.text for b in combined.body] == [ARTICLE]  # sure: kept whatever it says
    assert {b.text: b.kind for b in combined.blocks}[UNSURE] is BlockKind.BOILERPLATE


def test_unsure_blocks_the_second_opinion_kept_stay() -> None:
    combined = combine(_reading(), Candidate.of((Block(UNSURE + " More."),)))
    assert [b.text for b in combined.body] == [ARTICLE, UNSURE]


def test_an_empty_or_disjoint_second_opinion_changes_nothing() -> None:
    reading = _reading()
    assert combine(reading, Candidate.of(())) is reading
    unsure = DomReading(reading.segmented, reading.blocks, np.array([0.1, 0.4, 0.4, 0.05]))
    assert combine(unsure, Candidate.of((Block("Nothing the engine kept."),))) is unsure


def test_labelled_body_keeps_page_order_and_removed_kinds() -> None:
    blocks = label_body(_reading(), title=None)
    assert [b.kind for b in blocks] == [BlockKind.NAV, BlockKind.BODY, BlockKind.BODY,
                                        BlockKind.FOOTER]


def test_headline_label_only_near_the_top() -> None:
    blocks = (Block("River floods", role=BlockRole.HEADING), Block("Body."))
    labelled = label_title(blocks, "River floods!")
    assert labelled[0].kind is BlockKind.TITLE
    assert labelled[1].kind is BlockKind.BODY
    late = (*[Block(f"p{i}") for i in range(5)], Block("River floods", role=BlockRole.HEADING))
    assert label_title(late, "River floods") == late


def test_javascript_notices_are_not_body() -> None:
    blocks = (Block("You need to enable JavaScript to run this app."),
              Block("JavaScript is a language that many of us enable in browsers every day, "
                    "and this paragraph merely talks about it."))
    kinds = [b.kind for b in label_notices(blocks)]
    assert kinds == [BlockKind.UI, BlockKind.BODY]


def test_promotion_inside_the_article_is_labelled_with_its_kind() -> None:
    blocks = (Block(ARTICLE), Block("Sign up for our newsletter."))
    kinds = [b.kind for b in label_furniture(blocks)]
    assert kinds == [BlockKind.BODY, BlockKind.NEWSLETTER]
    assert replace(blocks[0]) == label_furniture(blocks)[0]
