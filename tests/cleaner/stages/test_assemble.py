"""Assembly: body blocks -> document, the no_article gate, removed blocks, hash, markdown."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

import pytest

from cleaner.errors import PageRejected
from cleaner.models import (
    Block,
    BlockKind,
    BlockRole,
    CleanedDocument,
    Extraction,
    Metadata,
    Mode,
    RawPage,
    RejectReason,
)
from cleaner.options import CleanOptions
from cleaner.stages.assemble import assemble, content_hash, count_words, to_markdown

PAGE = RawPage(text="unused", mode=Mode.TEXT, encoding="utf-8")
OPTIONS = CleanOptions()
PARAGRAPH = "The council approved the new budget for schools and roads after a long debate."


def build(*blocks: Block, metadata: Metadata | None = None, **options: Any) -> CleanedDocument:
    extraction = Extraction(blocks=blocks, metadata=metadata or Metadata())
    return assemble(extraction, PAGE, url="https://x.test/a", options=replace(OPTIONS, **options))


def test_body_blocks_join_with_blank_lines() -> None:
    document = build(Block(" first paragraph here "), Block("second one here"))
    assert document.text == "first paragraph here\n\nsecond one here"


def test_word_count_counts_body_words_only() -> None:
    document = build(Block("one two three"), Block("Menu Home", kind=BlockKind.NAV))
    assert document.word_count == 3


def test_too_few_words_is_no_article_and_keeps_the_title() -> None:
    with pytest.raises(PageRejected) as caught:
        build(Block("two words"), metadata=Metadata(title="A title"))
    assert caught.value.reason is RejectReason.NO_ARTICLE
    assert caught.value.title == "A title"
    assert caught.value.mode is Mode.TEXT


def test_min_body_words_comes_from_the_options() -> None:
    assert build(Block("one"), min_body_words=1).word_count == 1


def test_removed_blocks_keep_their_kind_and_skip_blank_ones() -> None:
    document = build(
        Block(PARAGRAPH), Block("Share", kind=BlockKind.SHARE), Block("  ", kind=BlockKind.AD)
    )
    assert [(r.kind, r.text) for r in document.removed or []] == [(BlockKind.SHARE, "Share")]


def test_removed_is_none_when_not_asked_for() -> None:
    assert build(Block(PARAGRAPH), include_removed=False).removed is None


def test_markdown_only_when_asked_for() -> None:
    blocks = (Block("Heading", role=BlockRole.HEADING), Block(PARAGRAPH))
    assert build(*blocks).markdown is None
    assert build(*blocks, include_markdown=True).markdown == f"## Heading\n\n{PARAGRAPH}"


@pytest.mark.parametrize(
    ("role", "prefix"),
    [(BlockRole.LIST_ITEM, "- "), (BlockRole.QUOTE, "> "), (BlockRole.CODE, "    ")],
)
def test_markdown_prefixes_by_role(role: BlockRole, prefix: str) -> None:
    assert to_markdown([Block("x", role=role)]) == prefix + "x"


def test_metadata_is_copied_into_the_document() -> None:
    meta = Metadata(title="T", authors=("A", "B"), date_published="2025-03-06", tags=("x",))
    document = build(Block(PARAGRAPH), metadata=meta)
    assert (document.title, document.authors, document.tags) == ("T", ["A", "B"], ["x"])
    assert document.date_published == "2025-03-06"


def test_language_is_detected_on_the_body_or_skipped() -> None:
    assert build(Block(PARAGRAPH)).language == "en"
    assert build(Block(PARAGRAPH), detect_language=False).language is None


def test_content_hash_ignores_white_space_and_unicode_normal_form() -> None:
    assert content_hash("café  au\nlait ") == content_hash("cafe\u0301 au lait")
    assert content_hash("a b") != content_hash("a c")


def test_content_hash_is_the_hash_of_the_text() -> None:
    document = build(Block(PARAGRAPH))
    assert document.content_hash == content_hash(document.text)


# shared/bench/score.py's token: one per character of an unspaced script, else \w runs.
_UNSPACED = ("\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf"
             "\u4e00-\u9fff\uf900-\ufaff")
SCORER_TOKEN = re.compile(rf"[{_UNSPACED}]|[^\W{_UNSPACED}]+")


@pytest.mark.parametrize(
    "text",
    ["", "one", "  two  words ", "l'homme a_b 3x4 ½ ² ٣", "İstanbul ǅ 日本語のテキスト、です。",
     "😀a😀 𝐀𝐁 \ud800lone surrogate", "tabs\tand\nnew\u00a0lines—dashes…"],
)
def test_word_count_counts_what_the_scorer_counts(text: str) -> None:
    assert count_words(text) == len(SCORER_TOKEN.findall(text))


def test_word_count_knows_every_code_point_as_the_scorer_does() -> None:
    # Each code point between two letters and alone: \w decides whether it joins them,
    # and a character of an unspaced script is a word of its own.
    text = " ".join(f"a{chr(point)}b {chr(point)}" for point in range(0x3100))
    assert count_words(text) == len(SCORER_TOKEN.findall(text))


def test_a_chinese_body_counts_its_characters() -> None:
    assert count_words("日本語のテキスト、です。 İstanbul") == 11
