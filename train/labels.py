"""Line labels for training: which lines of a dump are in the page's ground-truth body.

A line is body when its words appear, in order, in the truth `main_content`:
as a whole truth line, or (for lines of at least `MIN_SUBSTRING_WORDS`) as a
run of words inside it. Short lines must match a whole truth line, so a menu
entry "Home" is not body merely because the article says "home" somewhere.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

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


def block_labels(blocks: list[str], main_content: str) -> list[int]:
    """1 for each block found in `main_content`, each stretch of the truth matched once.

    `body_labels` lets a menu that repeats a body line, or a card listed twice, be body
    every time; word F1 counts words with their multiplicity, so a block here is body
    only where the truth still holds an unmatched copy of it: short blocks (fewer than
    MIN_SUBSTRING_WORDS words, any length in unspaced scripts) against whole truth lines,
    longer ones against unmatched stretches of the folded truth.
    """
    truth = " " + fold(main_content) + " "
    lines = Counter(fold(line) for line in main_content.split("\n") if line.strip())
    used = bytearray(len(truth))
    labels = []
    for block in blocks:
        folded = fold(block)
        if not folded:
            labels.append(0)
        elif folded.count(" ") + 1 < MIN_SUBSTRING_WORDS and not has_unspaced(folded):
            labels.append(int(lines[folded] > 0))
            lines[folded] -= 1
        else:
            labels.append(int(_match_once(truth, f" {folded} ", used)))
    return labels


def _match_once(truth: str, key: str, used: bytearray) -> bool:
    """Find `key` in a stretch of `truth` not matched before, and mark it matched."""
    start = truth.find(key)
    while start >= 0:
        first, last = start + 1, start + len(key) - 2
        if not used[first] and not used[last]:
            used[first:last + 1] = b"\x01" * (last - first + 1)
            return True
        start = truth.find(key, start + 1)
    return False
