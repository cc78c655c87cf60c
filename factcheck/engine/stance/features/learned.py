"""What a pair model learned from labelled claim-evidence pairs (`pairmodel.py`): its
probabilities that the sentence supports or refutes the claim, read from the words both use,
the words only one of them has, and their numbers and dates."""

from __future__ import annotations

from factcheck.engine.stance.features import Finding
from factcheck.engine.stance.pair import Pair

NAMES = ("pair_supports", "pair_refutes")


def learned(pair: Pair) -> Finding:
    if pair.pair_model is None or pair.light is None:
        return Finding(dict.fromkeys(NAMES, 0.0))
    p = pair.pair_model.probabilities(pair.reading.light, pair.light)
    return Finding({"pair_supports": p["supports"], "pair_refutes": p["refutes"]})
