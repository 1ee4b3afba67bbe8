"""Words per script: what a "word" is depends on how a language is written.

Scripts written without spaces (Chinese, Japanese kana and kanji, Thai, Lao,
Myanmar, Khmer) count one token per character, as the benchmarks' word F1 does
(`shared/bench/score.py`); every other script counts runs of word characters.
With this, a 90-character Chinese paragraph weighs like a 90-word English one
everywhere a threshold, a weight or a feature reads a word count: lines and the
detectors' limits, `min_body_words`, a document's `word_count`.

- `count_words(text)`, `tokens(text)`: one text, as the scorer counts (a document's
  `word_count`, `min_body_words`);
- `count_line_words(text)`: white-space separated words, one per character of an
  unspaced script: how long a line looks ("Home | About" is 3 words, a URL is one), what
  the detectors' limits and the line features read;
- `words_per_line`, `stopword_shares`, `unspaced_shares`, `line_token_stats`: every
  line (or block) of a page at once, from one regex pass counted with numpy, for the
  line and block features of both modes;
- `SENTENCE_ENDS`, `PARAGRAPH_ENDS`: what closes a sentence, full-width marks included.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass

import numpy as np

from cleaner.vocab.lexicons import ALL_STOPWORDS, STOPWORDS

UNSPACED_RANGES = ("\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf"
                   "\u4e00-\u9fff\uf900-\ufaff")
# One token per unspaced character; otherwise a run of word characters.
TOKEN = re.compile(rf"[{UNSPACED_RANGES}]|[^\W{UNSPACED_RANGES}]+")
# The same, plus the newline that separates lines in a page-wide pass.
_TOKEN_OR_NEWLINE = re.compile(rf"[{UNSPACED_RANGES}]|[^\W{UNSPACED_RANGES}]+|\n")
_UNSPACED_CHAR = re.compile(f"[{UNSPACED_RANGES}]")
_WORD_RUN = re.compile(r"\w+")  # what TOKEN finds in a text without unspaced characters
_WORD_OR_NEWLINE = re.compile(r"\w+|\n")

# What ends a sentence, in Latin, CJK (full-width), Arabic and Devanagari script.
SENTENCE_ENDS = frozenset(".!?…。！？｡؟।")
# What a paragraph's last character may be: a sentence end, or a closing quote or bracket.
PARAGRAPH_ENDS = SENTENCE_ENDS | frozenset("\"'”’»)」』）】")


def tokens(text: str) -> list[str]:
    return TOKEN.findall(text)


def count_words(text: str) -> int:
    """Words of `text`, counting one per character in unspaced scripts."""
    if text.isascii() or _UNSPACED_CHAR.search(text) is None:
        return len(_WORD_RUN.findall(text))  # the same tokens, found faster
    return len(TOKEN.findall(text))


def count_line_words(text: str) -> int:
    """White-space separated words; in a line with unspaced script, its tokens."""
    return len(TOKEN.findall(text)) if has_unspaced(text) else len(text.split())


def has_unspaced(text: str) -> bool:
    """Whether `text` holds any character of a script written without spaces."""
    return not text.isascii() and _UNSPACED_CHAR.search(text) is not None


def words_per_line(texts: Sequence[str]) -> list[int]:
    """`count_line_words` of every line; a page without unspaced text pays one split each."""
    if not any(map(has_unspaced, texts)):
        return [len(text.split()) for text in texts]
    return [count_line_words(text) for text in texts]


@dataclass(frozen=True, slots=True)
class LineTokens:
    """The case-folded tokens of each line (its first `sample` characters), from one regex
    pass over the page: what the per-line counts and shares below read, so that a caller
    needing several of them tokenises the page once."""

    tokens: list[str]
    line_of: np.ndarray  # the line of each token (a newline token ends its line)
    is_newline: np.ndarray
    lines: int

    def counts(self) -> np.ndarray:
        """Tokens per line."""
        return self._per_line(~self.is_newline)

    def _per_line(self, chosen: np.ndarray) -> np.ndarray:
        """How many of the `chosen` tokens (a mask over them) each line holds."""
        return np.bincount(self.line_of[chosen], minlength=self.lines)

    def shares(self, vocabulary: Collection[str]) -> np.ndarray:
        """Share of each line's tokens in `vocabulary`; 0 for an empty line."""
        hits = np.fromiter(map(vocabulary.__contains__, self.tokens), dtype=bool,
                           count=len(self.tokens))
        return self._per_line(hits) / np.maximum(self.counts(), 1)

    def stats(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(tokens, stop words, unspaced characters) per line."""
        codes = np.fromiter(map(_TOKEN_CODES.get, self.tokens, itertools.repeat(_OTHER)),
                            dtype=np.int8, count=len(self.tokens))
        return (self.counts().astype(np.float64),
                self._per_line((codes & _STOP) > 0).astype(np.float64),
                self._per_line((codes & _UNSPACED_CODE) > 0).astype(np.float64))


def line_tokens(texts: Sequence[str], sample: int | None) -> LineTokens:
    """Tokenise every line of a page at once (see `LineTokens`)."""
    joined = "\n".join(text[:sample] for text in texts).casefold()
    # Without unspaced characters the tokens are plain \w runs, which re finds faster.
    spaced = joined.isascii() or _UNSPACED_CHAR.search(joined) is None
    tokens = (_WORD_OR_NEWLINE if spaced else _TOKEN_OR_NEWLINE).findall(joined)
    is_newline = np.fromiter(map("\n".__eq__, tokens), dtype=bool, count=len(tokens))
    line_of = np.cumsum(is_newline)  # a token never spans the newline joining two lines
    return LineTokens(tokens, line_of, is_newline, len(texts))


def stopword_shares(
    texts: Sequence[str], stopwords: Collection[str] = ALL_STOPWORDS, sample: int = 240
) -> np.ndarray:
    """Share of each line's tokens (first `sample` characters) that are stop words of
    any language (or of the given list, e.g. `STOPWORDS["ja"]`). 0 for an empty line."""
    return line_tokens(texts, sample).shares(stopwords)


def stopword_shares_by_language(
    texts: Sequence[str], languages: Sequence[str] = tuple(STOPWORDS), sample: int = 240
) -> np.ndarray:
    """One column per language: each line's share of that language's stop words."""
    page = line_tokens(texts, sample)
    return np.stack([page.shares(STOPWORDS[lang]) for lang in languages], axis=1)


def unspaced_shares(texts: Sequence[str], sample: int = 240) -> np.ndarray:
    """Share of each line's tokens that are characters of an unspaced script."""
    n_tokens, _stop, unspaced = line_token_stats(texts, sample)
    return unspaced / np.maximum(n_tokens, 1)


def line_token_stats(
    texts: Sequence[str], sample: int = 240
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(tokens, stop words, unspaced characters) per line from one pass: the three
    counts line features need, without tokenising the page three times."""
    return line_tokens(texts, sample).stats()


_OTHER, _STOP, _UNSPACED_CODE = 0, 1, 2
# Unspaced characters first, so a stop character (的, の) carries both bits.
_TOKEN_CODES: dict[str, int] = {
    chr(point): _UNSPACED_CODE
    for start, end in re.findall(r"(.)-(.)", UNSPACED_RANGES)
    for point in range(ord(start), ord(end) + 1)
}
for _word in ALL_STOPWORDS:
    _TOKEN_CODES[_word] = _TOKEN_CODES.get(_word, _OTHER) | _STOP
_TOKEN_CODES["\n"] = _OTHER
