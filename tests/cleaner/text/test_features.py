from __future__ import annotations

import re

import numpy as np

from cleaner.text.features import (
    CHAR_SAMPLE,
    CONTEXT_NAMES,
    CONTEXT_WINDOWS,
    NEIGHBOUR_OFFSETS,
    OWN_FEATURES,
    OWN_NAMES,
    SHAPE_NAMES,
    context_features,
    line_features,
)
from cleaner.text.segment import segment
from cleaner.vocab.lexicons import ALL_STOPWORDS
from cleaner.vocab.script import line_token_stats

DUMP = "Home\n\nThe council met on Tuesday and approved the budget.\n\nHome"


def test_one_row_of_own_features_per_line() -> None:
    own = line_features(segment(DUMP))
    assert own.shape == (3, OWN_FEATURES)
    assert own.dtype == np.float32
    assert np.isfinite(own).all()


def test_prose_and_menu_entries_differ_where_it_matters() -> None:
    own = line_features(segment(DUMP))
    column = SHAPE_NAMES.index
    words, ends_sentence = own[:, column("log_words")], own[:, column("ends_sentence")]
    stopwords, copies = own[:, column("stopword_share")], own[:, column("log_copies")]
    assert words[1] > words[0]
    assert ends_sentence[1] == 1.0 and ends_sentence[0] == 0.0
    assert stopwords[1] > stopwords[0]
    assert copies[0] > copies[1]  # "Home" appears twice


def test_context_features_add_the_neighbourhood() -> None:
    own = line_features(segment(DUMP))
    first_pass = np.array([0.1, 0.9, 0.1], dtype=np.float32)
    context = context_features(own, first_pass)
    extra = 1 + len(NEIGHBOUR_OFFSETS) + len(CONTEXT_WINDOWS) + 2 + 4
    assert context.shape == (3, OWN_FEATURES + extra) == (3, len(CONTEXT_NAMES))
    assert len(OWN_NAMES) == OWN_FEATURES
    assert np.isfinite(context).all()


def test_empty_pages_give_empty_matrices() -> None:
    own = line_features(())
    assert own.shape == (0, OWN_FEATURES)
    assert context_features(own, np.zeros(0, dtype=np.float32)).shape[0] == 0


def test_page_wide_token_counts_match_each_line_tokenised_alone() -> None:
    """`line_token_stats` tokenises the whole page at once; each line must get exactly the
    tokens its own sample has (case folding that grows a word, lines without words)."""
    texts = ["The council and the mayor", "STRASSE ß İstanbul", "—", "x" * (CHAR_SAMPLE + 5),
             "le chat est là", "12 345 _under_score", "这是我们的新专辑"]
    n_tokens, stopwords, _ = line_token_stats(texts, CHAR_SAMPLE)
    for index, text in enumerate(texts):
        tokens = re.findall(r"[\u4e00-\u9fff]|[^\W\u4e00-\u9fff]+",
                            text[:CHAR_SAMPLE].casefold())
        assert n_tokens[index] == len(tokens)
        assert stopwords[index] == sum(token in ALL_STOPWORDS for token in tokens)


def test_chinese_prose_reads_as_prose() -> None:
    lines = segment("首页\n\n中午下课，曼城茶座拿着咖啡杯一如既往地向着教室走去。这是新专辑。")
    own = line_features(lines)
    column = SHAPE_NAMES.index
    assert own[1, column("log_words")] > 3  # 30-odd characters, not 1 "word"
    assert own[1, column("ends_sentence")] == 1.0
    assert own[1, column("stopword_share")] > own[0, column("stopword_share")]
    assert own[1, column("unspaced_share")] == 1.0
    assert own[1, column("punctuation_share")] > 0  # full-width marks are punctuation
