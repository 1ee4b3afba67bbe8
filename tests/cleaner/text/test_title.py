from __future__ import annotations

import numpy as np

from cleaner.models import BlockKind
from cleaner.text import title as t
from cleaner.text.features import line_features
from cleaner.text.segment import Line

PROSE = "The committee heard evidence from several witnesses over the course of the day."
# A story's first paragraph shares its headline's words.
STORY = "The new flood wall holds back the river as it peaks overnight, officials said today."


def line(text: str, detected: BlockKind | None = None, *, blank: bool = True) -> Line:
    return Line(text, blank_before=blank, blank_after=blank, detected=detected,
                words=len(text.split()))


def test_candidates_are_the_lines_above_the_article_nearest_first() -> None:
    lines = (line("Home"), line("Flood wall holds as river peaks"), line(PROSE))
    assert t.title_candidates(lines, start=2) == [1, 0]
    prose_only = (line(PROSE), line(STORY))
    assert t.title_candidates(prose_only, start=0) == []  # nothing above, prose below


def test_a_headline_taken_for_the_articles_first_line_is_a_candidate() -> None:
    lines = (line("Home"), line("Flood wall holds as river peaks"), line(PROSE))
    assert t.title_candidates(lines, start=1) == [0, 1]


def test_the_headline_above_the_article_is_found() -> None:
    lines = (line("Home", BlockKind.NAV, blank=False), line("Login", BlockKind.UI, blank=False),
             line("Flood wall holds as river peaks overnight"),
             line("March 3, 2025", BlockKind.DATELINE), line(STORY), line(PROSE))
    own = line_features(lines)
    scores = np.array([0.0, 0.0, 0.2, 0.0, 0.9, 0.9], dtype=np.float32)
    assert t.find_title(lines, own, scores, start=4) == 2


def test_title_features_have_one_row_per_candidate() -> None:
    lines = (line("Flood wall holds"), line(PROSE))
    own = line_features(lines)
    rows = t.title_features(lines, own, np.zeros(2, dtype=np.float32), 1, [0])
    assert rows.shape == (1, len(t.TITLE_NAMES))
