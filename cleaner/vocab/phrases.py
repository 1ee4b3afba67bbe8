"""Phrase rules: a boilerplate kind recognised by regex phrases, run cheaply.

Python's regex engine scans an alternation of many phrases position by position,
which on a long line costs tens of microseconds; a detector runs on every line of
every page. So each `PatternRule` keeps its phrases apart, runs them on the
case-folded line without re.I (the engine then jumps straight to a literal), and
opens only when the line shares a word stem with its phrases.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from cleaner.models import BlockKind
from cleaner.vocab.script import count_line_words as count_words

STEM_CHARS = 5  # "donat(e|ion)" and "donations" share "donat": enough to gate, never to decide
# A run of three or more letters, capturing its first STEM_CHARS letters: the stem comes
# straight out of the regex, with no slicing in Python.
_STEM = re.compile(rf"([^\W\d_]{{3,{STEM_CHARS}}})[^\W\d_]*")
_PATTERN_WORD = re.compile(r"[^\W\d_]{4,}")  # shorter words are too common to gate on
_UPPER_IN_PATTERN = re.compile(r"[A-ZÀ-Þ]")
_REGEX_ESCAPE = re.compile(r"\\[a-zA-Z]")
# Stems too common in prose to open a gate; every phrase using one has a rarer word too
# ("your contribution", "alle akzeptieren"), so dropping them loses no match.
_COMMON_STEMS = frozenset({"your", "make", "alle", "jetzt", "ihre", "votre", "tout", "todo",
                           "this", "also"})


def stems_of(text: str) -> set[str]:
    """The stems a line offers to the rules' gates."""
    return set(folded_stems(text.casefold()))


def folded_stems(folded: str) -> list[str]:
    """The stems of an already case-folded line, repeats included (no set built)."""
    return _STEM.findall(folded)


def _pattern_stems(pattern: str) -> frozenset[str]:
    words = _PATTERN_WORD.findall(_REGEX_ESCAPE.sub(" ", pattern).casefold())
    return frozenset(word[:STEM_CHARS] for word in words) - _COMMON_STEMS


@dataclass(frozen=True, slots=True)
class PatternRule:
    """A boilerplate kind known by phrase patterns, on lines of at most `max_words` words.

    `stems` (the first letters of every word the patterns spell out) gate the
    regexes: a line that shares no stem with them cannot match, and checking that
    is a set operation, far cheaper than a regex. Patterns without upper-case
    letters run on the case-folded line without re.I, and a leading word boundary
    is checked by hand, so the engine can jump straight to a literal phrase.
    """

    kind: BlockKind
    max_words: int
    patterns: tuple[str, ...]
    marks: str = ""  # non-word characters that also open the gate, e.g. "©"
    regexes: tuple[tuple[re.Pattern[str], bool, bool], ...] = field(init=False, repr=False)
    stems: frozenset[str] = field(init=False, repr=False)
    mark_set: frozenset[str] = field(init=False, repr=False)

    def __post_init__(self) -> None:  # derived once; frozen, so set through object
        object.__setattr__(self, "regexes", tuple(_compile(p) for p in self.patterns))
        object.__setattr__(self, "mark_set", frozenset(self.marks))
        object.__setattr__(self, "stems", _pattern_stems(" ".join(self.patterns)))

    def __call__(self, text: str) -> BlockKind | None:
        text = text.strip()
        if count_words(text) > self.max_words:
            return None
        opened = not self.stems.isdisjoint(stems_of(text)) or self.marked(text)
        return self.kind if opened and self.search(text, text.casefold()) else None

    def marked(self, text: str) -> bool:
        return bool(self.marks) and not self.mark_set.isdisjoint(text)

    def search(self, text: str, folded: str) -> bool:
        """Whether any pattern matches `text` (whose case-folded form is `folded`)."""
        for regex, on_folded, needs_boundary in self.regexes:
            subject = folded if on_folded else text
            match = regex.search(subject)  # most lines: no match, one call and done
            while match:
                start = match.start()
                if not needs_boundary or start == 0 or not subject[start - 1].isalnum():
                    return True
                # The next match, where finditer would look for it.
                match = regex.search(subject, max(match.end(), start + 1))
        return False


def _compile(pattern: str) -> tuple[re.Pattern[str], bool, bool]:
    """(regex, runs on the case-folded line, needs a word boundary before the match)."""
    needs_boundary = pattern.startswith(r"\b")
    body = pattern[2:] if needs_boundary else pattern
    if _UPPER_IN_PATTERN.search(body.replace(r"\S", "").replace(r"\W", "")
                                .replace(r"\D", "").replace(r"\B", "")):
        return re.compile(body, re.I), False, needs_boundary
    return re.compile(body), True, needs_boundary
