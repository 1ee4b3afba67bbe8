from __future__ import annotations

import numpy as np

from cleaner.models import BlockKind
from cleaner.text import revise as r
from cleaner.text.features import line_features
from cleaner.text.segment import Line

PROSE = "The committee heard evidence from several witnesses over the course of the day."


def line(text: str, detected: BlockKind | None = None) -> Line:
    return Line(text, blank_before=True, blank_after=True, detected=detected,
                words=len(text.split()))


def test_an_end_marker_after_most_of_the_story_starts_the_tail() -> None:
    lines = (*[line(PROSE)] * 8, line("Support our journalism", BlockKind.DONATION), line(PROSE))
    body = [True] * 8 + [False, True]
    assert r._tail_start(lines, body) == 8


def test_an_end_marker_before_most_of_the_story_does_not() -> None:
    lines = (line(PROSE), line("Related articles", BlockKind.RELATED), *[line(PROSE)] * 8)
    body = [True, False] + [True] * 8
    assert r._tail_start(lines, body) == len(lines)


def test_comment_threads_end_the_story_but_forum_posts_do_not() -> None:
    story = [line(PROSE)] * 6
    thread = [line("12 Comments", BlockKind.COMMENTS), line("jane said:", BlockKind.COMMENTS),
              line(PROSE), line("joe said:", BlockKind.COMMENTS), line(PROSE)]
    words = [len(x.text.split()) for x in story + thread]
    assert r._comment_thread_start((*story, *thread), words) == 6
    forum = [line("jane said:", BlockKind.COMMENTS), line(PROSE)] * 3
    assert r._comment_thread_start(tuple(forum), [14] * 6) == 6


def test_confident_prose_right_after_body_is_kept() -> None:
    lines = (line(PROSE), line(PROSE), line(PROSE))
    body = [True, False, False]
    r._keep_confident_continuations(lines, body, np.array([0.9, 0.9, 0.3], dtype=np.float32))
    assert body == [True, True, False]


def test_outside_a_dominant_story_only_sure_lines_stay() -> None:
    teaser = line("Another story you might like from elsewhere on the site")
    lines = (*[line(PROSE)] * 5, teaser, teaser)
    body = [True] * 7
    scores = np.array([0.9] * 5 + [0.6, 0.95], dtype=np.float32)
    r._confine_to_story(lines, body, scores)
    assert body == [True] * 5 + [False, True]


def test_revise_vetoes_lines_a_detector_knows_are_furniture() -> None:
    lines = (line(PROSE), line("Share on Facebook", BlockKind.SHARE), line(PROSE))
    features = line_features(lines)
    revision = r.revise(lines, features, np.array([0.9, 0.9, 0.9], dtype=np.float32))
    assert revision.kinds[1] is BlockKind.SHARE
    assert revision.scores.shape == (3,)


def test_revise_of_nothing_is_nothing() -> None:
    revision = r.revise((), np.zeros((0, 1), dtype=np.float32), np.zeros(0, dtype=np.float32))
    assert revision.kinds == ()
