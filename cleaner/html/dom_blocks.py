"""DOM blocks: one walk of the lxml tree into paragraph-level text blocks, with their context.

A block is the text between two block-level boundaries (p, h1-h6, li, tr, pre,
blockquote, div, br...): inline markup (a, span, b...) joins its neighbours'
text. Each block keeps what the classifier needs from the tree: the tag of the
element that owns it, its depth, bit masks of what its ancestors' tags,
classes, ids and roles say (nav, footer, comment, content...), how much of its
text sits in links, the block-level ancestors it shares with other blocks, and
a path signature (tags and classes from the root) to count repeated templates.

The walk is `lxml.etree.iterwalk`, iterative: a page nested 100,000 levels
deep costs no Python recursion. Subtrees that never hold visible text
(script, style, svg, forms' controls...) are skipped, not walked.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from lxml.etree import _Element, iterwalk

from cleaner.models import BlockRole

# Elements whose start or end closes the current block.
_BLOCK_WORDS = (
    "address article aside blockquote body br caption center dd details dialog div dl dt "
    "fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 header hr html li main menu "
    "nav ol p pre section summary table tbody tfoot thead tr ul"
)
BLOCK_TAGS = frozenset(_BLOCK_WORDS.split())
# Cells separate their text inside the row's block (a row reads "a | b | c").
_CELL_TAGS = frozenset({"td", "th"})
# Subtrees with no readable text: skipped whole. Not <noscript>: Discourse forums (and
# other script-rendered sites) serve their whole server-rendered thread inside it. Not
# <button>: a button left open (`<button><div>`) swallows the rest of the page in
# libxml2's tree (4 of wcxb-dev's pages lost their whole article so); its text is read
# and marked with the button bit instead.
_SKIP_WORDS = (
    "script style template svg math iframe head select option textarea "
    "canvas object embed video audio picture map input link meta title"
)
SKIP_TAGS = frozenset(_SKIP_WORDS.split())
_CELL_MARK = "\t"

# Owner tags the model tells apart (anything else is OTHER); the order is the model's.
OWNER_TAGS: tuple[str, ...] = (
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "dt", "dd", "tr", "pre", "blockquote",
    "div", "section", "article", "figcaption", "caption", "summary", "form",
)
_OWNER_CODE = {tag: code for code, tag in enumerate(OWNER_TAGS)}
OTHER_TAG = len(OWNER_TAGS)

# What an element's class, id and role words say, one bit each; the order is the model's.
# Substrings, not tokens: class names glue words ("sitefooter", "navbar", "commentlist").
# Each `|` separates alternatives (`_keyed_by_first_letter` splits at it): none in a group.
_CLASS_PATTERNS: tuple[tuple[str, str], ...] = (
    ("nav", r"nav|menu|breadcrumb|skip-?link|toolbar|topbar|tabs?\b"),
    ("header", r"header|masthead|banner|branding|site-?title|logo"),
    ("footer", r"footer|copyright|colophon|bottom|legal"),
    ("sidebar", r"sidebar|aside|widget|\brail|secondary|complementary"),
    ("share", r"share|sharing|social|facebook|twitter|whatsapp|pinterest|linkedin|follow"),
    ("comment", r"comment|disqus|respond|reply|discussion|replies"),
    ("related", r"related|recommend|more-?stories|more-?articles|more-?posts|popular|"
                r"trending|teaser|outbrain|taboola|you-?may|read-?more|read-?next|also|upsell"),
    ("ad", r"\bads?\b|advert|sponsor|promo|\bdfp\b|\bgpt\b|adsense|adslot|ad-?unit|\bad-"),
    ("cookie", r"cookie|consent|gdpr|privacy|\bcmp\b"),
    ("signup", r"newsletter|subscri|sign-?up|sign-?in|login|log-?in|register|modal|popup|"
               r"overlay|paywall"),
    ("meta", r"byline|author|\bdate|time\b|timestamp|published|posted|\btags?\b|categor"),
    ("pager", r"paginat|pager|\bnext\b|\bprev"),
    ("hidden", r"hidden|sr-only|visually-?hidden|screen-?reader|offscreen|\bhide\b"),
    ("content", r"article|content|\bmain\b|\bpost\b|entry|story|body|\btext\b|prose|blog"),
    ("product", r"product|descr|detail|spec|review|price|\bsku\b"),
    ("forum", r"message|thread|topic|forum|question|answer|\bpost-?\d"),
    ("card", r"card|\bitem|tile|grid|\blist|result|feed"),
    ("title", r"title|headline|heading"),
    ("caption", r"caption|credit|figure|gallery|photo|image"),
    ("doc", r"markdown|\brst\b|highlight|\bdocs?\b|documentation|api|reference"),
    ("button", r"\bbtn|button|\bcta\b|action"),
)
CLASS_BITS: tuple[str, ...] = tuple(name for name, _ in _CLASS_PATTERNS)
_BIT = {name: 1 << index for index, name in enumerate(CLASS_BITS)}


def _keyed_by_first_letter(patterns: tuple[tuple[str, str], ...]) -> re.Pattern[str]:
    """The class patterns as one regex that matches what their alternation matches, where it
    matches it (so `finditer` finds the same matches), several times faster.

    The plain alternation of named groups makes the regex engine try each of ~100
    alternatives at every character of a word (a cache miss cost ~13 us, 40% of the walk
    on a page of new class words). Here the alternatives are grouped under their first
    letter, in their order (the first one that matches at a position still wins), and a
    leading `\\b` becomes a look-behind after that letter, so every branch starts with a
    literal: the engine checks one letter per branch and tries the few alternatives behind
    it. Alternative `k` of pattern `name` is group `name__k`."""
    branches: dict[str, list[str]] = {}
    for name, pattern in patterns:
        for index, alternative in enumerate(pattern.split("|")):
            start = re.match(r"(\\b)?([a-z])", alternative)
            if start is None:
                raise ValueError(f"class pattern {alternative!r} must start with a letter")
            boundary, letter = start.groups()
            look_behind = rf"(?<=\b{letter})" if boundary else ""
            branches.setdefault(letter, []).append(
                f"{look_behind}(?P<{name}__{index}>{alternative[start.end():]})")
    return re.compile("|".join(f"{letter}(?:{'|'.join(alternatives)})"
                               for letter, alternatives in branches.items()))


_CLASS_WORDS = _keyed_by_first_letter(_CLASS_PATTERNS)
_GROUP_BIT = {group: _BIT[group.partition("__")[0]] for group in _CLASS_WORDS.groupindex}
# Structural tags, one bit each after the class bits (a <nav> says "nav" like class="nav").
_TAG_BITS: tuple[str, ...] = ("nav", "header", "footer", "aside", "form", "article", "main",
                              "blockquote", "pre", "list", "table", "a_block", "figure", "dialog",
                              "noscript")
TAG_BITS = _TAG_BITS
_TAG_BIT = {name: 1 << (len(CLASS_BITS) + index) for index, name in enumerate(_TAG_BITS)}
_TAG_MASK = {
    "nav": _TAG_BIT["nav"], "menu": _TAG_BIT["nav"], "header": _TAG_BIT["header"],
    "footer": _TAG_BIT["footer"], "aside": _TAG_BIT["aside"], "form": _TAG_BIT["form"],
    "article": _TAG_BIT["article"], "main": _TAG_BIT["main"],
    "blockquote": _TAG_BIT["blockquote"], "pre": _TAG_BIT["pre"], "code": _TAG_BIT["pre"],
    "ul": _TAG_BIT["list"], "ol": _TAG_BIT["list"], "dl": _TAG_BIT["list"],
    "table": _TAG_BIT["table"], "figure": _TAG_BIT["figure"], "dialog": _TAG_BIT["dialog"],
    "noscript": _TAG_BIT["noscript"], "button": _BIT["button"],
}
# ARIA roles and microdata that name a region outright.
_ROLE_MASK = {
    "navigation": _BIT["nav"], "menu": _BIT["nav"], "menubar": _BIT["nav"],
    "banner": _BIT["header"], "contentinfo": _BIT["footer"], "complementary": _BIT["sidebar"],
    "main": _BIT["content"], "article": _BIT["content"], "dialog": _BIT["signup"],
    "alertdialog": _BIT["signup"], "search": _BIT["nav"],
}
MASK_BITS = len(CLASS_BITS) + len(_TAG_BITS)
PRE_BIT = _TAG_BIT["pre"]
QUOTE_BIT = _TAG_BIT["blockquote"]
# A block inside a link holding block-level markup (a whole card that is one <a>).
_A_BLOCK_BIT = _TAG_BIT["a_block"]
CHAIN = 3  # block-level ancestors remembered per block (parent, grandparent, great-grandparent)


@dataclass(slots=True)
class DomBlocks:
    """A page's blocks as parallel columns (one entry per block, in document order)."""

    texts: list[str] = field(default_factory=list)
    owners: list[int] = field(default_factory=list)  # OWNER_TAGS code of the owning element
    masks: list[int] = field(default_factory=list)  # bits of every ancestor (and the owner)
    near: list[int] = field(default_factory=list)  # bits of the three innermost elements
    depths: list[int] = field(default_factory=list)
    link_chars: list[int] = field(default_factory=list)
    chains: list[tuple[int, ...]] = field(default_factory=list)  # block ancestors' serials
    paths: list[int] = field(default_factory=list)  # hash of tags and classes from the root

    def __len__(self) -> int:
        return len(self.texts)


@functools.lru_cache(maxsize=65536)
def _word_mask(word: str) -> int:
    """Bits for one class or id word (cached: a page's templates, and sites, repeat words)."""
    mask = 0
    for match in _CLASS_WORDS.finditer(word.lower()):
        mask |= _GROUP_BIT[match.lastgroup or ""]
    return mask


def _element_mask(element: _Element, tag: str) -> tuple[int, str]:
    """The element's own bits and its class string (part of the path signature)."""
    mask = _TAG_MASK.get(tag, 0)
    classes = ""
    for name, value in element.items():  # one call: most elements carry 0-3 attributes
        if name == "class":
            classes = value
            for word in value.split():  # word by word: utility-class lists run to dozens
                mask |= _word_mask(word)
        elif name in _ATTRIBUTE_BITS:
            mask |= _ATTRIBUTE_BITS[name](value)
    return mask, classes


def _role_bits(value: str) -> int:
    return _ROLE_MASK.get(value.strip().lower(), 0)


def _style_bits(value: str) -> int:
    return _BIT["hidden"] if "none" in value and _DISPLAY_NONE.search(value) else 0


# What other attributes say, by name (class is read above).
_ATTRIBUTE_BITS: dict[str, Callable[[str], int]] = {
    "id": lambda value: _word_mask(value) if value else 0,
    "role": _role_bits,
    "hidden": lambda _value: _BIT["hidden"],
    "aria-hidden": lambda value: _BIT["hidden"] if value == "true" else 0,
    "style": _style_bits,
    "itemprop": lambda value: _BIT["content"] if value == "articleBody" else 0,
}
_DISPLAY_NONE = re.compile(r"display\s*:\s*none")


def dom_blocks(root: _Element) -> DomBlocks:
    """The blocks of the tree under `root` (usually the <html> element), in document order."""
    walk = _Walk()
    walker = iterwalk(root, events=("start", "end"))
    open_element, close_element, add = walk.open, walk.close, walk.add  # looked up once
    for event, element in walker:
        tag = element.tag
        skipped = not isinstance(tag, str) or tag in SKIP_TAGS
        if event == "start":
            if skipped:
                walker.skip_subtree()  # its end event still comes, for the tail
            else:
                open_element(element, tag)
            continue
        if not skipped:
            close_element(tag)
        tail = element.tail  # read once: each read decodes the text anew
        if tail and element is not root:
            add(tail)
    walk.flush()
    return walk.out


class _Walk:
    """The walk's running state: the text of the block being read, and one entry per open
    element (cumulative bits, own bits, block chain, path hash, owner code)."""

    def __init__(self) -> None:
        self.out = DomBlocks()
        self.parts: list[str] = []
        self.stack: list[tuple[int, int, tuple[int, ...], int, int]] = [(0, 0, (), 0, OTHER_TAG)]
        self.links = 0  # open <a> elements
        self.link_chars = 0  # of the block being read
        self.serial = 0  # block-level elements opened so far: their ids in the chains

    def open(self, element: _Element, tag: str) -> None:
        is_block = tag in BLOCK_TAGS
        if is_block and self.parts:
            self.flush()
        mask, classes = _element_mask(element, tag)
        cum, _own, chain, path, owner = self.stack[-1]
        path = hash((path, tag, classes))
        if is_block:
            self.serial += 1
            chain = (self.serial, *chain[: CHAIN - 1])
            owner = _OWNER_CODE.get(tag, OTHER_TAG)
            if self.links:
                mask |= _A_BLOCK_BIT
        self.stack.append((cum | mask, mask, chain, path, owner))
        if tag == "a":
            self.links += 1
        elif tag in _CELL_TAGS:
            self.parts.append(_CELL_MARK)
        text = element.text
        if text:
            self.add(text)

    def close(self, tag: str) -> None:
        if self.parts and tag in BLOCK_TAGS:
            self.flush()
        self.stack.pop()
        if tag == "a":
            self.links -= 1

    def add(self, text: str) -> None:
        self.parts.append(text)
        if self.links:
            self.link_chars += len(text.strip())

    def flush(self) -> None:
        """Close the block being read (if it has any text) with the innermost element's state.
        `open` and `close` call it only when parts were read (a call per element cost)."""
        raw = "".join(self.parts)
        self.parts.clear()
        link_chars, self.link_chars = self.link_chars, 0
        cum, _own, chain, path, owner = self.stack[-1]
        text = _clean(raw, cum)
        if not text:
            return
        out, stack = self.out, self.stack
        out.texts.append(text)
        out.owners.append(owner)
        out.masks.append(cum)
        out.near.append(stack[-1][1] | stack[-2][1] | stack[-3][1] if len(stack) > 2 else cum)
        out.depths.append(len(stack))
        out.link_chars.append(min(link_chars, len(text)))
        out.chains.append(chain)
        out.paths.append(path)


def _clean(raw: str, mask: int) -> str:
    """Collapse whitespace (keeping line breaks inside <pre>); cells join as "a | b"."""
    if mask & PRE_BIT:
        lines = (" ".join(line.split()) if not line.startswith(" ") else line.rstrip()
                 for line in raw.replace(_CELL_MARK, " ").strip("\n").split("\n"))
        return "\n".join(line for line in lines if line.strip())
    if _CELL_MARK in raw:
        cells = (" ".join(cell.split()) for cell in raw.split(_CELL_MARK))
        return " | ".join(cell for cell in cells if cell)
    return " ".join(raw.split())


_ROLE_OF_OWNER = {
    **{_OWNER_CODE[f"h{level}"]: BlockRole.HEADING for level in range(1, 7)},
    _OWNER_CODE["li"]: BlockRole.LIST_ITEM, _OWNER_CODE["dt"]: BlockRole.LIST_ITEM,
    _OWNER_CODE["dd"]: BlockRole.LIST_ITEM, _OWNER_CODE["tr"]: BlockRole.TABLE_ROW,
    _OWNER_CODE["pre"]: BlockRole.CODE, _OWNER_CODE["blockquote"]: BlockRole.QUOTE,
}


def role_of(owner: int, mask: int) -> BlockRole:
    """A block's Markdown role, from its owner tag and (for text inside <pre> or a
    quote that no inner element owns) its ancestors."""
    role = _ROLE_OF_OWNER.get(owner, BlockRole.PARAGRAPH)
    if role is BlockRole.PARAGRAPH and mask & PRE_BIT:
        return BlockRole.CODE
    if role is BlockRole.PARAGRAPH and mask & QUOTE_BIT:
        return BlockRole.QUOTE
    return role
