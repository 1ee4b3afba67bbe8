"""Words per script: what a "word" is depends on how a language is written.

Scripts written without spaces (Chinese, Japanese kana and kanji, Thai, Lao,
Myanmar, Khmer) count one token per character, as the benchmarks' word F1 does;
every other script counts runs of word characters. With this, a 90-character
Chinese paragraph weighs like a 90-word English one everywhere a threshold,
a weight or a feature reads a word count.
"""

from __future__ import annotations

import re

UNSPACED_RANGES = ("\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf"
                   "\u4e00-\u9fff\uf900-\ufaff")
# One token per unspaced character; otherwise a run of word characters.
TOKEN = re.compile(rf"[{UNSPACED_RANGES}]|[^\W{UNSPACED_RANGES}]+")


def tokens(text: str) -> list[str]:
    return TOKEN.findall(text)


def count_words(text: str) -> int:
    """Words of `text`, counting one per character in unspaced scripts."""
    return len(TOKEN.findall(text))
