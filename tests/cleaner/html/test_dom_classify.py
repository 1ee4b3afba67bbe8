from __future__ import annotations

import numpy as np

from cleaner.html.dom_blocks import dom_blocks
from cleaner.html.dom_classify import block_scores, load_model
from cleaner.html.dom_features import (
    CONTEXT_FEATURE_NAMES,
    OWN_FEATURE_NAMES,
    OWN_FEATURES,
    PageHints,
    block_features,
    context_features,
)
from cleaner.html.parse import parse_html

_PARAGRAPH = ("The council approved the new budget on Tuesday after a long debate, and the "
              "mayor said that the money would be spent on schools, roads and the library, "
              "which has been closed for repairs since the storm damaged its roof last year.")
_PAGE = f"""<html><head><title>Budget</title></head><body>
<header class="site-header"><nav class="main-menu"><ul><li><a href="/">Home</a></li>
<li><a href="/news">News</a></li><li><a href="/sport">Sport</a></li></ul></nav></header>
<main><article class="post-content"><h1>Council approves the budget</h1>
{"".join(f"<p>{_PARAGRAPH} ({n})</p>" for n in range(6))}
<ul><li>Schools get more money than they did last year, says the mayor.</li></ul>
</article></main>
<footer class="site-footer"><p><a href="/about">About</a> | <a href="/privacy">Privacy</a></p>
<p>© 2024 Example News. All rights reserved.</p></footer></body></html>"""
_HINTS = PageHints(title="Council approves the budget")


def test_features_have_their_named_columns() -> None:
    blocks = dom_blocks(parse_html(_PAGE))
    own = block_features(blocks, _HINTS)
    assert own.shape == (len(blocks), OWN_FEATURES) and len(OWN_FEATURE_NAMES) == OWN_FEATURES
    context = context_features(blocks, own, np.full(len(blocks), 0.5, dtype=np.float32))
    assert context.shape == (len(blocks), len(CONTEXT_FEATURE_NAMES))
    assert np.isfinite(context).all()


def test_the_article_is_kept_and_the_menu_and_footer_are_not() -> None:
    blocks = dom_blocks(parse_html(_PAGE))
    scores = dict(zip(blocks.texts, block_scores(blocks, _HINTS, load_model()), strict=True))
    assert all(scores[f"{_PARAGRAPH} ({n})"] > 0.5 for n in range(6))
    assert scores["Home"] < 0.5
    assert scores["© 2024 Example News. All rights reserved."] < 0.5


def test_a_page_without_blocks_scores_nothing() -> None:
    blocks = dom_blocks(parse_html("<html><body></body></html>"))
    assert block_scores(blocks, PageHints(), load_model()).shape == (0,)

