"""Negation: the claim's predicates negated on one side only ("agreed" / "never agreed")."""

from __future__ import annotations

from factcheck.engine.stance.features import Finding
from factcheck.engine.stance.pair import Pair

NAMES = ("neg_mismatch",)


def negation(pair: Pair) -> Finding:
    predicates = pair.predicates
    claim_scope, evidence_scope = pair.claim_negation.scope, pair.evidence_negation.scope
    flips = [(i, j) for i, j in predicates if (i in claim_scope) != (j in evidence_scope)]
    if not flips or len(flips) * 2 < len(predicates):
        return Finding({"neg_mismatch": 0.0})
    value = pair.about * pair.actorless_factor
    if not value:
        # Not about the claim's matter (or not its actor): the flip counts for nothing, and a
        # reader is not told of it.
        return Finding({"neg_mismatch": 0.0})
    _, j = flips[0]
    side = "the sentence" if j in evidence_scope else "the claim"
    return Finding({"neg_mismatch": value},
                   (f"negation: “{pair.analysis.tokens[j].text}” is negated in {side} only",))
