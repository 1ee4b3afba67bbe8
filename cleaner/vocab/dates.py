"""Dates written in text: "Mar 06, 2025", "9 mars 2025", "9. März 2025", "2025-03-06".

`find_dates(text)` returns every calendar date it can read, with where it
sits in the line, so callers can tell a date-only line (a dateline or page
clock) from a byline ("Jane Doe March 9, 2025") or a date glued to prose.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_MONTH_NAMES = (
    "january jan janvier janv januar jän enero ene gennaio gen janeiro januari",
    "february feb février févr fevrier februar febrero febbraio fevereiro februari",
    "march mar mars märz marz marzo março maart",
    "april apr avril abril aprile",
    "may mai mayo maggio maio mei",
    "june jun juin juni junio giugno junho",
    "july jul juillet juil juli julio luglio lug julho",
    "august aug août aout agosto ago augustus",
    "september sep sept septembre septiembre settembre set setembro",
    "october oct octobre oktober okt octubre ottobre otto outubro",
    "november nov novembre noviembre novembro",
    "december dec décembre decembre dezember dez diciembre dic dicembre dezembro",
)
# Russian (genitive, as dates write them, and nominative) and Arabic month names.
_MORE_MONTH_NAMES = (
    "января январь يناير", "февраля февраль فبراير شباط", "марта март مارس آذار",
    "апреля апрель أبريل إبريل نيسان", "мая май مايو أيار", "июня июнь يونيو يونيه حزيران",
    "июля июль يوليو يوليه تموز", "августа август أغسطس اغسطس آب", "сентября сентябрь سبتمبر أيلول",
    "октября октябрь أكتوبر", "ноября ноябрь نوفمبر", "декабря декабрь ديسمبر",
)
MONTHS: dict[str, int] = {
    name: number
    for names_by_month in (_MONTH_NAMES, _MORE_MONTH_NAMES)
    for number, names in enumerate(names_by_month, start=1) for name in names.split()
}

# Dates before this are history in the text, not the page's publication.
MIN_YEAR = 1995
MAX_YEAR = 2035

_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th|er|\.|º)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_PATTERNS = (
    re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<month>[01]\d)-(?P<day>[0-3]\d)\b"),
    re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}\b", re.I),  # March 9, 2025
    # 9 de marzo 2025; 04 آب/اغسطس 2013 (Arabic pages give two names for a month)
    re.compile(rf"\b{_DAY}\s+(?:de\s+)?{_MONTH}(?:/[^\W\d]+)?,?\s+(?:de\s+)?{_YEAR}\b", re.I),
    re.compile(r"\b(?P<day>[0-3]?\d)\.(?P<month>[0-3]?\d)\.(?P<year>(?:19|20)\d\d)\b"),
    re.compile(r"\b(?P<month>[0-3]?\d)/(?P<day>[0-3]?\d)/(?P<year>(?:19|20)\d\d)\b"),
    re.compile(r"\b(?P<year>(?:19|20)\d\d)/(?P<month>[01]?\d)/(?P<day>[0-3]?\d)\b"),
    re.compile(r"\b(?P<year>(?:19|20)\d\d)\.(?P<month>[01]?\d)\.(?P<day>[0-3]?\d)\b"),
    # 2022年2月6日 (Chinese, Japanese), 2022년 2월 6일 (Korean): no word boundary
    # separates them from the characters around them.
    re.compile(r"(?<!\d)(?P<year>(?:19|20)\d\d)\s*[年년]\s*(?P<month>[01]?\d)\s*[月월]\s*"
               r"(?P<day>[0-3]?\d)(?!\d)\s*[日일]?"),
)
_ANY_YEAR = re.compile(r"(?:19|20)\d\d")
TIME_OF_DAY = re.compile(r"\b[0-2]?\d[:.h][0-5]\d(?::[0-5]\d)?\s*(?:[ap]\.?m\.?)?", re.I)
WEEKDAYS = re.compile(
    r"\b(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\b|"
    r"\b(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|montag|dienstag|mittwoch|"
    r"donnerstag|freitag|samstag|sonntag|lunes|martes|miércoles|jueves|viernes|sábado|"
    r"domingo|الأحد|الاثنين|الإثنين|الثلاثاء|الأربعاء|الخميس|الجمعة|السبت)\b",
    re.I,
)


@dataclass(frozen=True, slots=True)
class FoundDate:
    """A date read from text, and the span of the text it came from."""

    date: dt.date
    start: int
    end: int

    @property
    def iso(self) -> str:
        return self.date.isoformat()


def find_dates(text: str) -> list[FoundDate]:
    """Every plausible calendar date in `text`, in reading order, without overlaps."""
    found: list[FoundDate] = []
    if not _ANY_YEAR.search(text):  # every form has a four-digit year: a cheap first test
        return found
    for pattern in _PATTERNS:
        for match in pattern.finditer(text):
            date = _to_date(match)
            overlaps = any(f.start < match.end() and match.start() < f.end for f in found)
            if date is not None and not overlaps:
                found.append(FoundDate(date, match.start(), match.end()))
    return sorted(found, key=lambda f: f.start)


def _to_date(match: re.Match[str]) -> dt.date | None:
    month_text = match.group("month").lower().rstrip(".")
    month = int(month_text) if month_text.isdigit() else MONTHS.get(month_text)
    day, year = int(match.group("day")), int(match.group("year"))
    if month is not None and month > 12 >= day:  # 25/11/2024: day first after all
        day, month = month, day
    if month is None or not MIN_YEAR <= year <= MAX_YEAR:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def strip_dates(text: str, dates: list[FoundDate] | None = None) -> str:
    """`text` with its dates (found here unless given), times of day and weekdays cut out:
    what is left of a byline."""
    for found in reversed(find_dates(text) if dates is None else dates):
        text = text[: found.start] + " " + text[found.end :]
    text = WEEKDAYS.sub(" ", TIME_OF_DAY.sub(" ", text))
    return " ".join(text.split())
