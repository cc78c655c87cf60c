"""Whose words: a claim about what X said or wanted is decided on X's own words (written by X,
or quoting X); a sentence that reports someone saying the claim is a report, not a fact."""

from __future__ import annotations

import re

from factcheck.engine.stance.features import Finding
from factcheck.engine.stance.pair import Pair

NAMES = ("speaker_match", "speaker_other", "reported")
QUOTE_MARKS = re.compile(r"[«»“”\"„]")


def speech(pair: Pair) -> Finding:
    values = dict.fromkeys(NAMES, 0.0)
    reasons = []
    holder = pair.reading.attitude_holder
    if holder:
        quoting = bool(QUOTE_MARKS.search(pair.analysis.text)) and pair.same_entity(pair.reporter, holder)
        if pair.same_entity(pair.author, holder) or pair.same_entity(pair.reporter, holder) or quoting:
            values["speaker_match"] = 1.0
        else:
            values["speaker_other"] = 1.0
            reasons.append(f"about what {holder} said or wanted, but not in {holder}'s own words")
    if pair.reports_claim:
        values["reported"] = 1.0
    return Finding(values, tuple(reasons))
