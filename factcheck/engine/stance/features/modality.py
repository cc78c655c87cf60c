"""Modality: the sentence's matching predicate is a wish or a possibility ("I want the board
to accept"), while the claim states a fact."""

from __future__ import annotations

from factcheck.engine.stance import clauses
from factcheck.engine.stance.features import Finding
from factcheck.engine.stance.pair import Pair

NAMES = ("modal",)


def modality(pair: Pair) -> Finding:
    word = clauses.modal_word(pair.claim, pair.analysis, pair.predicates + list(pair.opposition.pairs),
                              pair.reading.lexicon, pair.lexicon)
    if not word:
        return Finding({"modal": 0.0})
    return Finding({"modal": 1.0}, (f"“{word}”: the sentence speaks of a wish or a possibility, not a fact",))
