"""Title: the page's own headline, without the site name glued on.

Evidence: the <h1>s, the declared title (a JSON-LD article headline, else
og:title / twitter:title, else <title>) stripped of its site-name segments
(names from og:site_name, the JSON-LD publisher, the host). The rule:
1. an <h1> that agrees with the stripped title (one contains the other) is
   preferred to the first <h1>, and of the two the shorter wins: the extra
   words are a tagline or a section name;
2. when they disagree, an article's <h1> is its headline; on other pages
   (products, services, listings) the <h1> is more often a slogan or a
   section label ("Clarity, finally."): the stripped title wins;
3. else whichever of them exists.
On wcxb-dev the annotators' title is the <h1> on some pages and the <title> on
others where the two disagree; page features (type, shape, DOM position) barely
separate them. The one signal that does is the URL slug: the site's own pick of
the page's name. So before rules 1 and 2 the slug gets a say: of two disagreeing
titles, the one whose words the slug covers clearly better wins; of two agreeing
ones, the longer wins when the slug carries its extra words ("logitech-mx-vertical"
for "Logitech MX Vertical" over "MX Vertical"). `train/tune_html_title.py` checks
the two thresholds with domain-grouped cross-validation.
"""

from __future__ import annotations

import html
import re
from urllib.parse import unquote, urlsplit

from cleaner.html.sources import ARTICLE_TYPES, PageSources, jsonld_types

# A title segment separator needs spaces around it ("Tips: 11 ways" is one segment),
# except bars and bullets which never occur inside a headline.
_SEPARATOR = re.compile(r"\s+[-–—:/~»]{1,2}\s+|\s*[|•·⋅]\s*|\s+::\s+")
_NON_WORD = re.compile(r"\W+")
# Host labels that never name a site: we compare the rest against title segments.
_GENERIC_HOST_LABELS = frozenset(
    {"www", "m", "en", "blog", "shop", "store", "com", "org", "net", "co", "uk", "de", "fr",
     "io", "ai", "app", "edu", "gov", "us", "ca", "au", "info", "dev"}
)
# A site name may carry a short qualifier ("Reuters.com", "IKEA US"): this many characters.
SITE_NAME_SLACK = 4
# An <h1> longer than this is a block of text marked up as a heading, not a title.
MAX_TITLE_CHARS = 250
# Of two disagreeing titles, the slug must cover this much more of one's words to pick it:
# below that, shared filler words ("how", "best") decide, which is noise.
SLUG_MARGIN = 0.2
# Of two agreeing titles, the longer wins when the slug holds this share of its extra words.
SLUG_EXTRA_SHARE = 0.5
_SLUG_WORD = re.compile(r"[^\W_]+")  # slugs join words with "-" or "_"


def choose_title(
    sources: PageSources, site_names: tuple[str, ...], url: str | None = None
) -> str | None:
    names = tuple(filter(None, map(_squash, site_names)))
    declared = _declared_title(sources)
    if declared and "&" in declared:  # CMSs that escape twice leave "&#038;" in the text
        declared = html.unescape(declared)
    stripped = strip_site_name(declared, names) if declared else None
    h1s = [h for h in sources.h1s if len(h) <= MAX_TITLE_CHARS and not is_site_name(h, names)]
    agreeing = [h for h in h1s if stripped and _agree(h, stripped)]
    h1 = next(iter(agreeing or h1s), None)
    if h1 and stripped:
        slug = slug_words(sources, url)
        if _agree(h1, stripped):
            return _agreed_title(h1, stripped, slug)
        return _disagreeing_title(h1, stripped, slug, is_article=sources.declares_article())
    return h1 or stripped or None


def slug_words(sources: PageSources, url: str | None = None) -> frozenset[str]:
    """Words of the last segment of the page's URL path: canonical, else og:url, else the
    URL the page was fetched from.

    Only the last segment: the folders above it are sections ("/opinion/...") that
    would vote for a "Opinion | ..." title. The fetched URL comes last: it may be a
    tracking or short link; the canonical one is the site's own.
    """
    url = sources.canonical_url or sources.first_meta("og:url") or url or ""
    try:
        path = urlsplit(url).path
    except ValueError:
        return frozenset()
    segments = [segment for segment in unquote(path).split("/") if segment]
    return _words(segments[-1]) if segments else frozenset()


def site_names(sources: PageSources, url: str | None) -> tuple[str, ...]:
    """Names the site goes by: declared ones, then the labels of its host name."""
    declared = [sources.first_meta("og:site_name"), sources.first_meta("application-name"),
                sources.first_meta("apple-mobile-web-app-title")]
    declared += [_name_of(obj.get("publisher")) for obj in sources.jsonld]
    declared += [str(obj.get("name")) for obj in sources.jsonld if jsonld_types(obj) == {"website"}]
    host_url = url or sources.canonical_url or sources.first_meta("og:url") or ""
    try:
        host = urlsplit(host_url).hostname or ""
    except ValueError:
        host = ""
    labels = [label for label in host.split(".") if label not in _GENERIC_HOST_LABELS]
    return tuple(name for name in (*declared, *labels) if name)


def strip_site_name(title: str, names: tuple[str, ...]) -> str:
    """Drop the segments that name the site; with no known name, drop a shorter last one."""
    segments = [s.strip() for s in _SEPARATOR.split(title) if s and s.strip()]
    if len(segments) < 2:
        return title.strip()
    kept = [s for s in segments if not is_site_name(s, names)]
    if not kept:
        return segments[0]
    if len(kept) == len(segments):
        return segments[0] if len(segments[-1]) < len(segments[0]) else title.strip()
    return kept[0]


def is_site_name(text: str, names: tuple[str, ...]) -> bool:
    """`text` is one of `names` (already squashed), give or take a short qualifier."""
    squashed = _squash(text)
    if not squashed:
        return False
    for name in names:
        if squashed == name:
            return True
        if len(name) >= SITE_NAME_SLACK and name in squashed and (
            len(squashed) <= len(name) + SITE_NAME_SLACK
        ):
            return True
        if len(squashed) >= SITE_NAME_SLACK and squashed in name:
            return True
    return False


def _declared_title(sources: PageSources) -> str | None:
    for obj in sources.jsonld:
        headline = obj.get("headline")
        if isinstance(headline, str) and headline.strip() and jsonld_types(obj) & ARTICLE_TYPES:
            return headline.strip()
    return sources.first_meta("og:title", "twitter:title") or sources.title_tag or None


def _agreed_title(h1: str, title: str, slug: frozenset[str]) -> str:
    """The shorter of two agreeing titles (the extra words are a tagline or a section name),
    unless the slug names the page with those extra words."""
    shorter, longer = sorted((h1, title), key=len)
    extra = _words(longer) - _words(shorter)
    if slug and extra and len(extra & slug) >= SLUG_EXTRA_SHARE * len(extra):
        return longer
    return shorter


def _disagreeing_title(h1: str, title: str, slug: frozenset[str], *, is_article: bool) -> str:
    """The one the slug clearly favours; else an article's <h1>, another page's <title>."""
    h1_share, title_share = _slug_share(h1, slug), _slug_share(title, slug)
    if h1_share > title_share + SLUG_MARGIN:
        return h1
    if title_share > h1_share + SLUG_MARGIN:
        return title
    return h1 if is_article else title


def _slug_share(text: str, slug: frozenset[str]) -> float:
    """Share of the words of `text` that the slug also has."""
    words = _words(text)
    return len(words & slug) / len(words) if words else 0.0


def _words(text: str) -> frozenset[str]:
    return frozenset(_SLUG_WORD.findall(text.casefold()))


def _agree(first: str, second: str) -> bool:
    a, b = _squash(first), _squash(second)
    return bool(a and b) and (a in b or b in a)


def _squash(text: str) -> str:
    return _NON_WORD.sub("", text.casefold())


def _name_of(value: object) -> str | None:
    if isinstance(value, dict):
        name = value.get("name")
        return name if isinstance(name, str) else None
    return value if isinstance(value, str) else None
