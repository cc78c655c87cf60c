"""Dates: the claim's dates against the sentence's, or the date of what it records."""

from __future__ import annotations

from factcheck.engine.stance.features import Finding
from factcheck.engine.stance.pair import Pair
from factcheck.text.dates import DateMention, PartialDate

NAMES = ("date_mismatch", "date_match", "date_unverified", "other_time")


def dates(pair: Pair) -> Finding:
    values = dict.fromkeys(NAMES, 0.0)
    if not pair.reading.dates:
        return Finding(values)
    evidence_dates = sentence_dates(pair)
    if not evidence_dates:
        # The claim gives a date the sentence cannot confirm.
        values["date_unverified"] = 1.0
        return Finding(values)
    for mention in pair.reading.dates:
        if any(date_fits(mention, d) for d in evidence_dates):
            values["date_match"] = 1.0
        elif pair.same_event > 0 and (period := other_period(pair)) and figures_differ(pair):
            # Another figure for another period is a figure of another time: "a loss of 2.5
            # million in 2020" neither confirms nor denies 2021's (and the entailment model,
            # which reads two figures that differ as a denial, is set aside: entailment_vetoes).
            values["other_time"] = 1.0
            return Finding(values, (f"another time: the claim's figure is for “{mention.text}”, the "
                                    f"sentence's for {period.iso}",))
        elif pair.same_event > 0:
            values["date_mismatch"] = pair.same_event
            return Finding(values, (f"dates differ: the claim says “{mention.text}”, the sentence "
                                    f"{evidence_dates[0].iso}",))
    return Finding(values)


def sentence_dates(pair: Pair) -> list[PartialDate]:
    """The dates the sentence gives, else the date of what it records (see first_hand_date)."""
    found = [d.date for d in pair.analysis.dates]
    if not found and pair.candidate.first_hand_date is not None:
        found = [pair.candidate.first_hand_date]
    return found


# Coarse to fine: a sentence's date no finer than the claim's can be the period of a figure.
_PRECISION = {"year": 0, "month": 1, "day": 2, "time": 3}


def other_period(pair: Pair) -> PartialDate | None:
    """The period the sentence writes for what it says, when the claim gives a date it does not
    fit: a date written in the sentence (not the date it was written), no finer than the
    claim's ("in 2022" against "in 2023"; "on 3 March 2024" is more often when a figure was
    given than the period it covers) unless it opens or closes a period ("from 1 January")."""
    written = pair.analysis.dates
    claimed = pair.reading.dates
    if not (claimed and written) or any(date_fits(m, d.date) for m in claimed for d in written):
        return None
    coarsest = min(_PRECISION.get(m.date.precision, 3) for m in claimed)
    return next((d.date for d in written if _PRECISION.get(d.date.precision, 3) <= coarsest
                 or d.relation in ("since", "until")), None)


def figures_differ(pair: Pair) -> bool:
    """Some figure of the claim has comparable ones in the sentence, none of which agrees."""
    for q in pair.claim.quantities:
        comparable = [e for e in pair.analysis.quantities if q.comparable(e)]
        if comparable and not any(q.agrees(e) for e in comparable):
            return True
    return False


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
