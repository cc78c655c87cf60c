"""Dates that keep their precision: "2017" is a year, not 1 January 2017.

A `PartialDate` is a calendar span (a year, a month, a day, or an instant) so that
"in 2017" and an email of 2017-09-20 agree, and "by March 2022" and an event of
October 2022 do not.
"""

from __future__ import annotations

import calendar
import email.utils
import functools
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from factcheck.text.folding import fold
from factcheck.text.lexicon import load_data


_YEAR = re.compile(r"^(\d{4})$")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_RFC2822 = re.compile(r"^(?:[A-Za-z]{3},\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{2,4}\s+\d{1,2}:\d{2}(?::\d{2})?"
                      r"(?:\s+(?:[+-]\d{4}|[A-Z]{1,5}))?(?:\s+\(.*\))?$")


@dataclass(frozen=True)
class PartialDate:
    """A date known to a given precision; `iso` is its canonical text."""

    iso: str
    precision: str

    def __str__(self) -> str:
        return self.iso

    @property
    def year(self) -> int:
        return int(self.iso[:4])

    @functools.cached_property
    def start(self) -> datetime:
        if self.precision == "time":
            return datetime.fromisoformat(self.iso)
        parts = [int(p) for p in self.iso[:10].split("-")]
        while len(parts) < 3:
            parts.append(1)
        return datetime(parts[0], parts[1], parts[2], tzinfo=timezone.utc)

    @functools.cached_property
    def end(self) -> datetime:
        """Exclusive end of the span."""
        start = self.start
        if self.precision == "year":
            return start.replace(year=start.year + 1)
        if self.precision == "month":
            days = calendar.monthrange(start.year, start.month)[1]
            return start + timedelta(days=days)
        if self.precision == "day":
            return start + timedelta(days=1)
        return start + timedelta(seconds=1)

    def overlaps(self, other: PartialDate) -> bool:
        return self.start < other.end and other.start < self.end

    def before(self, other: PartialDate) -> bool:
        """Wholly before `other` begins."""
        return self.end <= other.start

    def after(self, other: PartialDate) -> bool:
        return self.start >= other.end

    def sort_key(self) -> str:
        return self.start.isoformat()

    @classmethod
    def of(cls, year: int, month: int | None = None, day: int | None = None) -> PartialDate:
        # Validates the calendar, so 2017-02-30 raises ValueError.
        date(year, month or 1, day or 1)
        if month is None:
            return cls(f"{year:04d}", "year")
        if day is None:
            return cls(f"{year:04d}-{month:02d}", "month")
        return cls(f"{year:04d}-{month:02d}-{day:02d}", "day")

    @classmethod
    def from_datetime(cls, value: datetime) -> PartialDate:
        if value.tzinfo is None:
            # Naive times in a corpus are taken as UTC: better a fixed rule than the
            # machine's local zone, which would make results depend on where they ran.
            value = value.replace(tzinfo=timezone.utc)
        value = value.astimezone(timezone.utc).replace(microsecond=0)
        return cls(value.isoformat(), "time")


def parse_date(value: object) -> PartialDate:
    """Read a date as users and corpora write it; raise ValueError if it is not one.

    Accepts ISO 8601 (partial or full), RFC 2822 email dates, YAML/JSON dates and
    years, and free text in English or French ("20 novembre 2015", "Sep 13, 2017 3:52 PM").
    """
    if isinstance(value, PartialDate):
        return value
    if isinstance(value, datetime):
        return PartialDate.from_datetime(value)
    if isinstance(value, date):
        return PartialDate.of(value.year, value.month, value.day)
    if isinstance(value, int) and not isinstance(value, bool):
        return PartialDate.of(value)
    if not isinstance(value, str):
        raise ValueError(f"not a date: {value!r}")
    text = value.strip()
    if not text:
        raise ValueError("empty date")
    for pattern, build in ((_YEAR, lambda m: PartialDate.of(int(m[1]))),
                           (_MONTH, lambda m: PartialDate.of(int(m[1]), int(m[2]))),
                           (_DAY, lambda m: PartialDate.of(int(m[1]), int(m[2]), int(m[3])))):
        match = pattern.match(text)
        if match:
            return build(match)
    try:
        return PartialDate.from_datetime(datetime.fromisoformat(text))
    except ValueError:
        pass
    if _RFC2822.match(text):
        try:
            return PartialDate.from_datetime(email.utils.parsedate_to_datetime(text))
        except (TypeError, ValueError, IndexError):
            pass
    mentions = find_dates(text)
    if len(mentions) == 1 and not re.search(r"\d{1,2}[:h]\d{2}", text):
        # "early 2017", "fin 2018": a word or two around the date keep its precision.
        rest = text[:mentions[0].start] + " " + text[mentions[0].end:]
        if not re.search(r"\d", rest) and len(rest.split()) <= 2:
            return mentions[0].date
    return _parse_free_text(text)


# The English forms mail clients write in reply headers ("On Mon, Jan 6, 2020 at 9:00 AM, ...
# wrote:"), read by strptime: dateparser is right on them too but takes milliseconds each,
# and a mailbox holds one per reply.
_CLIENT_FORMATS = ("%a, %b %d, %Y %I:%M %p", "%a, %b %d, %Y %H:%M", "%A, %B %d, %Y %I:%M %p",
                   "%A, %B %d, %Y %H:%M", "%b %d, %Y %I:%M %p", "%B %d, %Y %I:%M %p",
                   "%a, %d %b %Y %H:%M", "%a, %b %d, %Y", "%A, %B %d, %Y")


@functools.lru_cache(maxsize=4096)
def _parse_free_text(text: str) -> PartialDate:
    if text[:1].isalpha() and text.isascii():
        for layout in _CLIENT_FORMATS:
            try:
                found = datetime.strptime(text, layout)
            except ValueError:
                continue
            if "%H" in layout or "%I" in layout:
                return PartialDate.from_datetime(found)
            return PartialDate.of(found.year, found.month, found.day)
    parser = _dateparser()
    data = parser.get_date_data(text)
    if data is None or data.date_obj is None:
        raise ValueError(f"not a date: {text!r}")
    found = data.date_obj
    period = data.period or "day"
    if period == "year":
        return PartialDate.of(found.year)
    if period == "month":
        return PartialDate.of(found.year, found.month)
    if period == "time" or found.hour or found.minute:
        return PartialDate.from_datetime(found)
    return PartialDate.of(found.year, found.month, found.day)


@functools.cache
def _dateparser():
    # Imported lazily: dateparser takes a noticeable time to import and most corpora
    # only hold ISO and RFC 2822 dates.
    import dateparser

    return dateparser.date.DateDataParser(
        languages=["en", "fr"],
        settings={"RETURN_AS_TIMEZONE_AWARE": False, "PREFER_DAY_OF_MONTH": "first",
                  "REQUIRE_PARTS": ["year"]},
    )


# --- date mentions inside sentences ------------------------------------------------------


@dataclass(frozen=True)
class DateMention:
    """A date written in a sentence; `relation` is the preposition's meaning (in, by, ...)."""

    start: int
    end: int
    text: str
    date: PartialDate
    relation: str | None = None


@functools.cache
def _date_patterns():
    data = load_data("dates.yaml")
    months: dict[str, int] = {}
    for names in data["months"].values():
        for name, number in names.items():
            months[fold(name)] = number
    relations: dict[str, str] = {}
    for table in data["relations"].values():
        for words, meaning in table.items():
            relations[fold(words)] = meaning
    modifiers = {fold(w) for words in data["year_modifiers"].values() for w in words}
    units = [fold(w) for names in load_data("numbers.yaml")["units"].values() for w in names
             if w[0].isalpha()]
    unit_alt = "|".join(sorted((re.escape(u) for u in units), key=len, reverse=True))
    month_alt = "|".join(sorted((re.escape(m) for m in months), key=len, reverse=True))
    month = rf"(?P<month>{month_alt})\.?"
    year = r"(?P<year>1[6-9]\d\d|20\d\d|21\d\d)"
    day = r"(?P<day>[0-3]?\d)(?:er|st|nd|rd|th)?"
    patterns = [
        re.compile(r"\b(?P<y>\d{4})-(?P<m>[01]\d)(?:-(?P<d>[0-3]\d))?\b"),
        re.compile(rf"\b{day}\s+{month}\s+{year}\b"),
        re.compile(rf"\b{month}\s+{day},?\s+{year}\b"),
        re.compile(rf"\b{month}\s+{year}\b"),
        # A bare year, unless it is a number with a unit ("2017 dollars", "2018 %").
        re.compile(rf"(?<![\d.,$€£])\b{year}\b(?![.,]?\d|\s*(?:%|(?:{unit_alt})\b))"),
    ]
    rel_alt = "|".join(sorted((re.escape(r) for r in relations), key=len, reverse=True))
    modifier_alt = "|".join(sorted((re.escape(m) for m in modifiers), key=len, reverse=True))
    relation = re.compile(
        rf"(?:^|[\s(])(?P<rel>{rel_alt})(?:\s+(?:the|la|le|l'|de|du|of))?"
        rf"(?:\s+(?:{modifier_alt})(?:\s+(?:de|d'|of))?)?\s*$")
    return months, relations, patterns, relation


_FOUR_DIGITS = re.compile(r"\d{4}")


def find_dates(text: str) -> list[DateMention]:
    """Date mentions in `text`, longest first where they overlap, in reading order."""
    _, relations, _, relation = _date_patterns()
    folded, spans = _spans(text)
    found = []
    for start, end, value in spans:
        before = relation.search(folded[max(0, start - 40):start])
        meaning = relations.get(before["rel"]) if before else None
        found.append(DateMention(start, end, text[start:end], value, meaning))
    return sorted(found, key=lambda m: m.start)


def dates_in(text: str) -> list[PartialDate]:
    """The dates `text` mentions, in reading order: find_dates without the prepositions'
    meanings, which cost more than the dates themselves and which an index does not keep."""
    return [value for _, _, value in sorted(_spans(text)[1], key=lambda span: span[0])]


def _spans(text: str) -> tuple[str, list[tuple[int, int, PartialDate]]]:
    """The text as matched (folded), and (start, end, date) of each mention in it, longest
    patterns first."""
    if text.isascii() and not _FOUR_DIGITS.search(text):
        # Most sentences with digits have no year: spared the folding (which, on ASCII text,
        # adds no digit) and the patterns.
        return text, []
    months, _, patterns, _ = _date_patterns()
    folded = fold(text)
    if len(folded) != len(text):
        # Rare characters whose folded form changes length: positions would drift.
        folded = text.lower()
    if not _FOUR_DIGITS.search(folded):
        return folded, []  # every pattern needs a year's (or an ISO date's) four digits
    found: list[tuple[int, int, PartialDate]] = []
    for pattern in patterns:
        for match in pattern.finditer(folded):
            start, end = match.span()
            if any(start < e and s < end for s, e, _ in found):
                continue
            try:
                value = _mention_date(match, months)
            except ValueError:
                continue
            found.append((start, end, value))
    return folded, found


def _mention_date(match: re.Match, months: dict[str, int]) -> PartialDate:
    groups = match.groupdict()
    if groups.get("y"):
        return PartialDate.of(int(groups["y"]), int(groups["m"]),
                              int(groups["d"]) if groups.get("d") else None)
    year_value = int(groups["year"])
    month_value = months[groups["month"]] if groups.get("month") else None
    day_value = int(groups["day"]) if groups.get("day") else None
    return PartialDate.of(year_value, month_value, day_value)
