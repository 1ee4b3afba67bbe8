"""Line labels for training: which lines of a dump are in the page's ground-truth body.

A line is body when its words appear, in order, in the truth `main_content`:
as a whole truth line, or (for lines of at least `MIN_SUBSTRING_WORDS`) as a
run of words inside it. Short lines must match a whole truth line, so a menu
entry "Home" is not body merely because the article says "home" somewhere.
"""

from __future__ import annotations

import re
import unicodedata

from cleaner.vocab.script import count_words, has_unspaced

_WORD = re.compile(r"\w+")
# Below this a substring hit is more likely chance than content (words as
# `cleaner.vocab.script` counts them: characters in Chinese, Japanese, Thai).
MIN_SUBSTRING_WORDS = 4
MIN_SUBSTRING_CHARACTERS = 10  # the same for a line of an unspaced script (a short clause)


def fold(text: str) -> str:
    """Lower-cased words joined by single spaces: the form both sides are compared in."""
    return " ".join(_WORD.findall(unicodedata.normalize("NFKC", text).casefold()))


def body_labels(lines: list[str], main_content: str) -> list[int]:
    """1 for each line found in `main_content`, else 0."""
    truth = " " + fold(main_content) + " "
    truth_lines = {fold(line) for line in main_content.split("\n") if line.strip()}
    labels = []
    for line in lines:
        folded = fold(line)
        if not folded:
            labels.append(0)
        elif folded in truth_lines:
            labels.append(1)
        elif count_words(folded) < MIN_SUBSTRING_WORDS:
            labels.append(0)
        elif has_unspaced(folded):  # no spaces mark where a word of these scripts ends
            labels.append(int(count_words(folded) >= MIN_SUBSTRING_CHARACTERS
                              and folded in truth))
        else:
            labels.append(int(f" {folded} " in truth))
    return labels


def title_matches(truth: str, line: str) -> bool:
    """The scorer's rule: same folded words, or one contains the other and covers 80% of it."""
    t, p = fold(truth), fold(line)
    if not t or not p:
        return False
    short, long_ = sorted((t, p), key=len)
    return t == p or (short in long_ and len(short) >= 0.8 * len(long_))
