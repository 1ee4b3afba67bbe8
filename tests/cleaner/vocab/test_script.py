"""Words per script: one per character where a script has no spaces, as the scorer counts."""

from __future__ import annotations

import re

import numpy as np
import pytest

from cleaner.vocab.lexicons import STOPWORDS
from cleaner.vocab.script import (
    count_line_words,
    count_words,
    has_unspaced,
    line_token_stats,
    stopword_shares,
    stopword_shares_by_language,
    unspaced_shares,
    words_per_line,
)

# The shared scorer's token rule (shared/bench/score.py), restated: the tests read only
# what the repository holds.
_UNSPACED = ("\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf"
             "\u4e00-\u9fff\uf900-\ufaff")
SCORER_TOKEN = re.compile(rf"[{_UNSPACED}]|[^\W{_UNSPACED}]+")

LINES = [
    "The council met on Tuesday and approved the budget.",
    "新专辑《Funny Girl》封面上有薛凯琪各种各样的表情。",
    "関連記事の一覧です",
    "วันนี้อากาศดีมาก",
    "서울시는 오늘 새로운 정책을 발표했다.",
    "Президент подписал закон в понедельник.",
    "أعلنت الحكومة عن خطة جديدة في المدينة",
    "—",
]


@pytest.mark.parametrize("text", LINES)
def test_words_are_the_scorers_tokens(text: str) -> None:
    assert count_words(text) == len(SCORER_TOKEN.findall(text))


def test_a_chinese_paragraph_counts_its_characters() -> None:
    assert count_words("中午下课，曼城茶座拿着咖啡杯。") == 13
    assert count_words("Funny Girl 封面") == 4
    assert has_unspaced("封面") and not has_unspaced("Funny Girl") and not has_unspaced("Привет")


def test_page_wide_counts_match_each_line_counted_alone() -> None:
    assert words_per_line(LINES) == [count_line_words(line) for line in LINES]
    tokens, stop, unspaced = line_token_stats(LINES, sample=10_000)
    assert tokens.tolist() == [count_words(line) for line in LINES]
    assert unspaced[0] == unspaced[4] == 0
    assert unspaced[1] == 17 and unspaced[3] == len(LINES[3])
    assert stop[0] == 4  # the, on, and, the


def test_stopword_shares_tell_prose_from_labels_in_every_language() -> None:
    prose = ["The council met on Tuesday and approved the budget.", "这是我们的新专辑，也是他的。",
             "これは私の本です", "Президент и министр в Москве не были"]
    labels = ["Home", "首页", "ホーム", "Главная"]
    assert (stopword_shares(prose) > stopword_shares(labels)).all()
    by_language = stopword_shares_by_language(prose, ("en", "zh"))
    assert by_language.shape == (4, 2) and by_language[0, 0] > 0 and by_language[1, 1] > 0
    assert set(STOPWORDS) >= {"en", "zh", "ja", "es", "de", "fr", "ru", "pt", "ar", "ko"}


def test_a_line_counts_white_space_words_unless_its_script_has_no_spaces() -> None:
    assert count_line_words("Home | About | Contact") == 5
    assert count_line_words("https://example.com/news/story-123.html") == 1
    assert count_line_words("相关文章 Funny Girl") == 6


def test_unspaced_shares() -> None:
    shares = unspaced_shares(["abc def", "封面 Girl", ""])
    assert np.allclose(shares, [0.0, 2 / 3, 0.0])
