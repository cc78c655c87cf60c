"""Numbers: the claim's figures against the sentence's comparable ones (same unit)."""

from __future__ import annotations

from factcheck.engine.stance.features import Finding
from factcheck.engine.stance.features.dates import other_period
from factcheck.engine.stance.pair import Pair

NAMES = ("num_mismatch", "num_match", "num_unverified")


def numbers(pair: Pair) -> Finding:
    values = dict.fromkeys(NAMES, 0.0)
    for q in pair.claim.quantities:
        comparable = [e for e in pair.analysis.quantities if q.comparable(e)]
        if not comparable:
            # The claim gives a figure the sentence cannot confirm.
            values["num_unverified"] = 1.0
            continue
        if any(q.agrees(e) for e in comparable):
            values["num_match"] = 1.0
        elif pair.same_event > 0 and other_period(pair):
            # Another figure for another period is a figure of another time (see dates).
            values["num_unverified"] = 1.0
        elif pair.same_event > 0:
            values["num_mismatch"] = pair.same_event
            return Finding(values, (f"numbers differ: “{q.written}” vs “{comparable[0].written}”",))
    return Finding(values)
