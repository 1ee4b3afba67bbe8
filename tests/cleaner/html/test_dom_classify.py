from __future__ import annotations

import numpy as np

from cleaner.html.candidates import DomCandidate, dom_candidate
from cleaner.html.dom_blocks import dom_blocks
from cleaner.html.dom_classify import (
    DomModel,
    block_scores,
    dom_reading,
    load_model,
    page_confidence,
)
from cleaner.html.dom_features import OWN_FEATURES, block_features, context_features
from cleaner.html.parse import parse_html
from cleaner.html.select import DOM_CONFIDENCE, dom_is_sure, select_dom
from cleaner.models import BlockKind, BlockRole
from cleaner.vocab.modelfile import Mlp

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


def test_shipped_model_matches_the_features() -> None:
    model = load_model()
    assert model.first_pass.mean.shape == (OWN_FEATURES,)
    blocks = dom_blocks(parse_html(_PAGE))
    own = block_features(blocks)
    assert own.shape == (len(blocks), OWN_FEATURES)
    ctx = context_features(blocks, own, model.first_pass(own))
    assert model.second_pass.mean.shape == (ctx.shape[1],)


def test_article_kept_menu_and_footer_dropped() -> None:
    reading = dom_reading(parse_html(_PAGE))
    texts = [block.text for block in reading.blocks]
    assert sum(text.startswith("The council approved") for text in texts) == 6
    assert "Home" not in texts and "© 2024 Example News. All rights reserved." not in texts
    assert 0.5 <= reading.confidence <= 1.0


def test_roles_follow_the_owning_element() -> None:
    model = _constant_model(1.0)  # keeps everything: the wiring, not the weights
    page = parse_html("<html><body><h2>Head</h2><p>Para</p><ul><li>Item</li></ul>"
                      "<blockquote><p>Quote</p></blockquote><pre>code()</pre>"
                      "<table><tr><td>a</td><td>b</td></tr></table></body></html>")
    scores = block_scores(dom_blocks(page), model)
    assert np.all(scores > 0.7)


def test_empty_page_reads_as_nothing() -> None:
    reading = dom_reading(parse_html("<html><body></body></html>"))
    assert reading.blocks == () and reading.confidence == 0.0


def test_roles_of_kept_blocks() -> None:
    page = parse_html(_PAGE)
    roles = {block.text: block.role for block in dom_reading(page, threshold=0.0).blocks}
    assert roles["Council approves the budget"] is BlockRole.HEADING
    assert roles["Schools get more money than they did last year, says the mayor."] is (
        BlockRole.LIST_ITEM)
    assert roles["Home"] is BlockRole.LIST_ITEM


def test_confidence_is_word_weighted_distance_from_a_coin_toss() -> None:
    words = np.array([100.0, 1.0])
    assert page_confidence(words, np.array([0.5, 0.5])) == 0.5
    assert page_confidence(words, np.array([0.0, 1.0])) == 1.0
    assert page_confidence(words, np.array([1.0, 0.5])) > 0.9


def test_a_sure_dom_reading_stands_alone_with_its_dropped_blocks_removed() -> None:
    dom = dom_candidate(parse_html(_PAGE))
    assert dom.confidence >= DOM_CONFIDENCE and dom_is_sure(dom)
    blocks = select_dom(dom, title="Council approves the budget")
    kinds = {block.text: block.kind for block in blocks}
    assert kinds["Council approves the budget"] is BlockKind.TITLE
    assert kinds["Home"] is not BlockKind.BODY
    unsure = DomCandidate(dom.kept, dom.rejected, DOM_CONFIDENCE - 0.01)
    assert not dom_is_sure(unsure)


def _constant_model(logit: float) -> DomModel:
    def mlp(width: int) -> Mlp:
        return Mlp(np.zeros(width, np.float32), np.ones(width, np.float32),
                   ((np.zeros((width, 1), np.float32), np.full(1, logit, np.float32)),))
    blocks = dom_blocks(parse_html("<p>x</p>"))
    own = block_features(blocks)
    width = context_features(blocks, own, np.zeros(len(blocks), np.float32)).shape[1]
    return DomModel(mlp(OWN_FEATURES), mlp(width))
