"""HTML stage metadata: the page's declared facts, chosen field by field from `PageSources`."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from lxml.html import HtmlElement

from cleaner.html.authors import find_authors
from cleaner.html.dates import modified_date, published_date
from cleaner.html.sources import PageSources
from cleaner.html.title import choose_title, site_names
from cleaner.models import Metadata

# Keywords meta tags are sometimes a stuffed SEO list: keep the first few.
MAX_TAGS = 20
_LIST_SPLIT = re.compile(r"\s*[,;]\s*")
_LANGUAGE = re.compile(r"^[a-zA-Z]{2,3}(?:[-_][a-zA-Z0-9]{2,8})*$")


def build_metadata(
    sources: PageSources, tree: HtmlElement, url: str | None, today: date | None = None
) -> Metadata:
    today = today or datetime.now(UTC).date()
    names = site_names(sources, url)
    published = published_date(sources, tree, today)
    story = published is not None or sources.declares_article()
    return Metadata(
        title=choose_title(sources, names, url),
        authors=find_authors(sources, tree, story=story),
        date_published=published,
        date_modified=modified_date(sources, today),
        site_name=sources.first_meta("og:site_name", "application-name") or None,
        canonical_url=sources.canonical_url or sources.first_meta("og:url"),
        description=sources.first_meta("og:description", "description", "twitter:description"),
        categories=_listed(sources, ("article:section",), "articleSection"),
        tags=_listed(sources, ("article:tag", "keywords", "news_keywords"), "keywords"),
        image=sources.first_meta("og:image", "og:image:url", "twitter:image"),
        language=declared_language(sources),
    )


def declared_language(sources: PageSources) -> str | None:
    """The page's own language claim as an ISO 639 code, or None if it makes none."""
    for value in (sources.html_lang, sources.first_meta("content-language", "og:locale")):
        if value and _LANGUAGE.match(value.strip()):
            return value.strip().replace("_", "-").split("-")[0].lower()
    return None


def _listed(sources: PageSources, meta_keys: tuple[str, ...], jsonld_key: str) -> tuple[str, ...]:
    values: list[str] = []
    for key in meta_keys:
        for value in sources.meta.get(key, ()):
            values.extend(_LIST_SPLIT.split(value))
    for obj in sources.jsonld:
        found = obj.get(jsonld_key)
        if isinstance(found, str):
            values.extend(_LIST_SPLIT.split(found))
        elif isinstance(found, list):
            values.extend(v for v in found if isinstance(v, str))
    unique = dict.fromkeys(v.strip() for v in values if v and v.strip())
    return tuple(unique)[:MAX_TAGS]
