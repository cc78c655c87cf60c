"""Numbers, percentages, money and counts written in a sentence, with their units.

"50 à 60 %", "$80 billion", "80 milliards de dollars", "only 12 of the 40": each becomes a
`Quantity` that can be compared with another of the same unit.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass

from factcheck.text.folding import fold
from factcheck.text.lexicon import load_data
from factcheck.text.stopwords import folded_stop_words


@dataclass(frozen=True)
class Quantity:
    value: float
    high: float
    unit: str | None
    start: int
    end: int
    text: str
    # The word counted or measured ("40 employees" -> "employees", "0% chance" -> "chance").
    noun: str | None = None
    # "more than 1,000" (above), "up to 10" (below), "about 400" (about): the figure as written
    # in value/high, and what range it allows in `bounds`.
    bound: str | None = None
    margin: float = 0.0
    # The bound leaves the figure out: "more than 8" (not "at least 8"), "below 8".
    strict: bool = False
    # The bound's or approximation's words as written ("more than", "environ"; folded where
    # folding the text around them changed its length), and where they start in the text.
    bound_words: str = ""
    bound_start: int = -1

    @property
    def written(self) -> str:
        """The figure as a reader should see it quoted: with its bound ("above 8°C")."""
        return f"{self.bound_words} {self.text}" if self.bound_words else self.text

    @property
    def bounds(self) -> tuple[float, float]:
        if self.bound == "above":
            return self.value, float("inf")
        if self.bound == "below":
            return min(0.0, self.value), self.high
        if self.bound == "about":
            return self.value * (1 - self.margin), self.high * (1 + self.margin)
        return self.value, self.high

    def comparable(self, other: Quantity) -> bool:
        """Whether the two measure the same thing: the same unit, and the same noun where both
        name what they count ("0 % chance" is not "60 percent of the company")."""
        same_noun = bool(self.noun and other.noun and self.noun[:5] == other.noun[:5])
        if self.unit or other.unit:
            return self.unit == other.unit and (same_noun or not (self.noun and other.noun))
        return same_noun

    def agrees(self, other: Quantity, tolerance: float = 0.02) -> bool:
        """Whether the two ranges meet, allowing for rounding - except between two bounds one
        of which leaves its figure out: "above 8 °C" and "below 8 °C" share no value. (A bound
        against a figure keeps the rounding: "more than 1,000" and a rounded "1,000" agree.)"""
        (low, high), (other_low, other_high) = self.bounds, other.bounds
        if self.bound in _ONE_SIDED and other.bound in _ONE_SIDED and (self.strict or other.strict):
            start, stop = max(low, other_low), min(high, other_high)
            if math.isclose(start, stop, rel_tol=1e-9, abs_tol=1e-12):
                return self._includes(start) and other._includes(start)
            return start < stop
        slack = tolerance * max(abs(self.high), abs(other.high), 1e-9)
        return low - slack <= other_high and other_low - slack <= high

    def _includes(self, edge: float) -> bool:
        """Whether an edge of this range belongs to it: not the figure of a strict bound."""
        low, high = self.bounds
        return not (self.strict and ((self.bound == "above" and math.isclose(edge, low))
                                     or (self.bound == "below" and math.isclose(edge, high))))


_ONE_SIDED = ("above", "below")


@functools.cache
def _patterns():
    data = load_data("numbers.yaml")
    words = {fold(w): float(v) for table in data["words"].values() for w, v in table.items()}
    scales = {fold(w): float(v) for w, v in data["scales"].items()}
    units = {fold(w): unit for unit, names in data["units"].items() for w in names}
    alt = lambda items: "|".join(sorted((re.escape(i) for i in items), key=len, reverse=True))
    number = rf"(?:\d+(?:[.,\u00a0\u202f ]\d{{3}})*(?:[.,]\d+)?|(?:{alt(words)})\b)"
    symbol_units = [u for u in units if not u[0].isalpha()]
    word_units = [u for u in units if u[0].isalpha()]
    long_scales = [s for s in scales if len(s) > 1]
    short_scales = [s for s in scales if len(s) == 1 or s in ("bn", "mn", "md", "mds")]
    bounds = data.get("bounds", {})
    determiner = rf"(?:\s+(?:{alt(fold(w) for w in bounds.get('determiners', []))}))?"

    def kind(name: str) -> str:
        # A comparison ("less than", "moins que") may take a determiner before its figure.
        words = sorted((fold(w) for w in bounds.get(name, [])), key=len, reverse=True)
        return "|".join(re.escape(w) + (determiner if w.endswith((" than", " que")) else "") for w in words)

    bound = re.compile(rf"(?<![\w'])(?:(?P<above>{kind('above')})|(?P<below>{kind('below')})"
                       rf"|(?P<about>{kind('about')}))\s*$")
    pattern = re.compile(
        rf"(?P<prefix>(?:{alt(symbol_units)})\s?)?"
        rf"(?<![\w.,])(?P<low>{number})"
        rf"(?:\s*(?:-|–|to|à|a|and|et)\s*(?P<high>{number}))?"
        rf"(?:(?P<glued>{alt(short_scales)})\b|\s+(?P<scale>{alt(long_scales)})\b)?"
        rf"(?:\s*(?:de\s+|d'|of\s+)?(?P<unit>{alt(symbol_units)}|(?:{alt(word_units)})\b))?"
        rf"(?:\s+(?:de\s+|d'|of\s+(?:the\s+)?)?(?P<noun>[^\W\d_]{{3,}}))?",
        re.IGNORECASE)
    inclusive = frozenset(fold(w) for w in bounds.get("inclusive", []))
    determiners = re.compile(rf"{determiner}$")
    return pattern, words, scales, units, bound, float(data.get("about_margin", 0.1)), inclusive, determiners


def _unfolded_offset(text: str, folded_offset: int) -> int:
    """Where in `text` its folded form's `folded_offset` falls (folding drops combining marks)."""
    for i in range(len(text) + 1):
        if len(fold(text[:i])) >= folded_offset:
            return i
    return len(text)


@functools.cache
def _stop_words() -> frozenset[str]:
    return folded_stop_words("en") | folded_stop_words("fr")


def _number(text: str, words: dict[str, float]) -> float | None:
    key = fold(text)
    if key in words:
        return words[key]
    text = text.replace("\u00a0", " ").replace("\u202f", " ")
    # "1,000", "1 000", "1.000": digit groups of three are thousands in every convention
    # we read; anything else with a comma is a French decimal ("1,5").
    if re.fullmatch(r"\d{1,3}([ ,.])\d{3}(?:\1\d{3})*", text):
        return float(re.sub(r"[ ,.]", "", text))
    try:
        return float(text.replace(" ", "").replace(",", "."))
    except ValueError:
        return None


def find_quantities(text: str, *, skip: list[tuple[int, int]] = ()) -> list[Quantity]:
    """Quantities in `text`; spans in `skip` (dates, typically) are not numbers."""
    pattern, words, scales, units, bound, margin, inclusive, determiners = _patterns()
    found: list[Quantity] = []
    for match in pattern.finditer(text):
        start, end = match.span("low")
        if match["prefix"]:
            start = match.start("prefix")
        if any(start < e and s < match.end() for s, e in skip):
            continue
        low = _number(match["low"], words)
        if low is None:
            continue
        is_word = fold(match["low"]) in words
        high = _number(match["high"], words) if match["high"] else low
        scale_word = match["glued"] or match["scale"]
        unit_word = match["unit"] or match["prefix"]
        if is_word and not (scale_word or unit_word or (match["noun"] and low >= 2)):
            continue
        factor = scales.get(fold(scale_word), 1.0) if scale_word else 1.0
        unit = units.get(fold(unit_word.strip())) if unit_word else None
        # What is counted or measured: "40 employees", and after a unit "0% chance",
        # "60 percent of the company" (the span then stays the figure and its unit).
        noun = fold(match["noun"]) if match["noun"] else None
        if noun and (noun in scales or noun in words or noun in _stop_words()):
            noun = None
        stop = match.end("noun") if noun and not unit else match.end()
        if not noun or unit:
            stop = max(match.end("low"), match.end("high") if match["high"] else 0,
                       match.end("glued") if match["glued"] else 0,
                       match.end("scale") if match["scale"] else 0,
                       match.end("unit") if match["unit"] else 0)
        value, top = sorted((low * factor, (high or low) * factor))
        # "more than 1,000", "about 400": a bound or an approximation, not the figure itself.
        window = text[max(0, start - 30):start]
        folded = fold(window)
        before = bound.search(folded)
        kind = next((k for k in ("above", "below", "about") if before and before[k]), None)
        strict = kind in ("above", "below") and determiners.sub("", before[kind].strip()) not in inclusive
        bound_words, bound_start = "", -1
        if kind is not None:
            # Offsets in the folded window are the text's, unless folding changed its length.
            at = before.start(kind) if len(folded) == len(window) else _unfolded_offset(window, before.start(kind))
            bound_start = max(0, start - 30) + at
            bound_words = text[bound_start:bound_start + len(before[kind].rstrip())] \
                if len(folded) == len(window) else before[kind].strip()
        found.append(Quantity(value, top, unit, start, stop, text[start:stop], noun, kind,
                              margin if kind == "about" else 0.0, strict, bound_words.strip(), bound_start))
    return found
