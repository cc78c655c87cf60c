"""Dates: the claim's dates against the sentence's, or the date of what it records."""

from __future__ import annotations

from factcheck.engine.stance.features import Finding
from factcheck.engine.stance.pair import Pair
from factcheck.text.dates import DateMention, PartialDate

NAMES = ("date_mismatch", "date_match", "date_unverified")


def dates(pair: Pair) -> Finding:
    values = dict.fromkeys(NAMES, 0.0)
    if not pair.reading.dates:
        return Finding(values)
    evidence_dates = [d.date for d in pair.analysis.dates]
    if not evidence_dates:
        first_hand = pair.candidate.first_hand_date
        if first_hand is None:
            # The claim gives a date the sentence cannot confirm.
            values["date_unverified"] = 1.0
            return Finding(values)
        evidence_dates = [first_hand]
    for mention in pair.reading.dates:
        if any(date_fits(mention, d) for d in evidence_dates):
            values["date_match"] = 1.0
        elif pair.same_event > 0:
            values["date_mismatch"] = pair.same_event
            return Finding(values, (f"dates differ: the claim says “{mention.text}”, the sentence "
                                    f"{evidence_dates[0].iso}",))
    return Finding(values)


def date_fits(mention: DateMention, when: PartialDate) -> bool:
    """Whether an event dated `when` fits the claim's "in/by/before/after/since/until <date>"."""
    target = mention.date
    relation = mention.relation or "in"
    if relation == "in":
        return when.overlaps(target)
    if relation == "before":
        return when.start < target.start
    if relation in ("by", "until"):
        return when.start < target.end
    if relation == "since":
        return when.end > target.start
    if relation == "after":
        return when.start >= target.end
    return True
