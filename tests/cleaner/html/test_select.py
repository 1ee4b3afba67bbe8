from __future__ import annotations

from cleaner.html.candidates import Candidate, Engine
from cleaner.html.select import (
    dropped_blocks,
    label_furniture,
    label_notices,
    label_title,
    select,
    should_escalate,
)
from cleaner.models import Block, BlockKind, BlockRole


def _candidate(engine: Engine, words: int) -> Candidate:
    return Candidate.of(engine, (Block(text=" ".join(["word"] * words)),))


PRECISE = _candidate(Engine.TRAFILATURA, 100)


def _body(blocks: tuple[Block, ...]) -> tuple[Block, ...]:
    return tuple(b for b in blocks if b.kind is BlockKind.BODY)


def test_non_article_takes_a_much_fuller_recall_reading() -> None:
    recall = _candidate(Engine.RESILIPARSE, 200)
    assert _body(select(PRECISE, recall, is_article=False, title=None)) == recall.blocks


def test_non_article_keeps_precise_when_recall_adds_little() -> None:
    recall = _candidate(Engine.RESILIPARSE, 120)
    assert _body(select(PRECISE, recall, is_article=False, title=None)) == PRECISE.blocks


def test_article_keeps_the_precise_reading() -> None:
    recall = _candidate(Engine.RESILIPARSE, 1000)
    assert _body(select(PRECISE, recall, is_article=True, title=None)) == PRECISE.blocks


def test_escalation_only_for_articles_that_lost_most_of_their_text() -> None:
    assert should_escalate(PRECISE, _candidate(Engine.RESILIPARSE, 400), is_article=True)
    assert not should_escalate(PRECISE, _candidate(Engine.RESILIPARSE, 200), is_article=True)
    assert not should_escalate(PRECISE, _candidate(Engine.RESILIPARSE, 400), is_article=False)


def test_headline_label_only_near_the_top() -> None:
    blocks = (Block("River floods", role=BlockRole.HEADING), Block("Body."))
    labelled = label_title(blocks, "River floods!")
    assert labelled[0].kind is BlockKind.TITLE
    assert labelled[1].kind is BlockKind.BODY
    late = (*[Block(f"p{i}") for i in range(5)], Block("River floods", role=BlockRole.HEADING))
    assert label_title(late, "River floods") == late


def test_lines_only_the_other_reading_had_are_removed_with_their_kind() -> None:
    body = Block("The river rose three metres overnight and flooded the lower town.")
    chosen = Candidate.of(Engine.TRAFILATURA, (body,))
    other = Candidate.of(Engine.RESILIPARSE, (body, Block("Sign up for our newsletter.")))
    assert dropped_blocks(chosen, other) == (
        Block("Sign up for our newsletter.", kind=BlockKind.NEWSLETTER,
              first_kind=BlockKind.NEWSLETTER),
    )


def test_empty_precise_reading_escalates_and_then_yields() -> None:
    empty = Candidate.of(Engine.TRAFILATURA, ())
    recall = _candidate(Engine.RESILIPARSE, 50)
    assert should_escalate(empty, recall, is_article=False)
    assert _body(select(empty, recall, is_article=True, title=None)) == recall.blocks


def test_removed_blocks_can_be_left_out() -> None:
    recall = Candidate.of(Engine.RESILIPARSE, (*PRECISE.blocks, Block("Share this post")))
    assert select(PRECISE, recall, is_article=True, title=None, with_removed=False) == (
        PRECISE.blocks)


def test_javascript_notices_are_not_body() -> None:
    blocks = (Block("You need to enable JavaScript to run this app."),
              Block("JavaScript is a language that many of us enable in browsers every day, "
                    "and this paragraph merely talks about it."))
    kinds = [b.kind for b in label_notices(blocks)]
    assert kinds == [BlockKind.UI, BlockKind.BODY]


def test_promotion_inside_the_article_is_labelled_with_its_kind() -> None:
    blocks = (Block("The river rose three metres overnight and flooded the lower town."),
              Block("Sign up for our newsletter."))
    kinds = [b.kind for b in label_furniture(blocks)]
    assert kinds == [BlockKind.BODY, BlockKind.NEWSLETTER]
