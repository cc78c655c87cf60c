"""Which of a sentence's reasons a report prints: only those that explain its card's stance.

The stance stage gives every reason it found; some of them pulled the other way or decided
nothing (an "opposed terms" on a sentence judged neutral). A reader takes a printed reason for
the reason of the card, so the others are left off the page (results.json keeps them all).
"""

from __future__ import annotations

import difflib
import re

from factcheck.model import Evidence
from .text import fold

AGREEING = ("says the same as the claim",)
DISAGREEING = ("opposed terms", "negation", "numbers differ", "dates differ", "not the same actor")
MAKING_THE_CLAIM = re.compile(r"^reports (.+) making the claim")
OPPOSED = re.compile(r"^opposed terms: “(.+)” vs “(.+)”$")


def reasons_for(e: Evidence, stance: str, speaker: str | None) -> tuple[str, ...]:
    """The reasons that explain this card's stance; the others are left off the page.

    A supporting card shows only agreement, a contradicting one only disagreement, a card that
    takes no side only why it does not (reported speech, a wish, a hedge); "reports X making
    the claim" only where X is the claim's speaker. A pair of "opposed terms" that are one word
    in two languages ("reject" / "rejeté") is no reason at all.
    """
    kept = []
    for reason in e.reasons:
        agrees = reason.startswith(AGREEING)
        disagrees = reason.startswith(DISAGREEING)
        making = MAKING_THE_CLAIM.match(reason)
        if making:
            if speaker and fold(making.group(1)) != fold(speaker):
                continue
        elif stance == "supports" and not agrees:
            continue
        elif stance == "contradicts" and not disagrees:
            continue
        elif stance == "neutral" and (agrees or disagrees):
            continue
        opposed = OPPOSED.match(reason)
        if opposed and _cognates(opposed.group(1), opposed.group(2)):
            continue
        kept.append(reason)
    return tuple(kept)


def _cognates(a: str, b: str) -> bool:
    # One word in two languages or spellings ("reject", "rejeté", "rejette"): not opposites.
    # Word pairs only: "non-profit" and "for-profit" share most letters and are opposites.
    a, b = fold(a), fold(b)
    if " " in a or " " in b or a[:4] != b[:4]:
        return False
    return difflib.SequenceMatcher(None, a, b).ratio() >= 0.7
