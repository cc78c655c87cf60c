"""Quantifiers: "all 40" and "only 12 of the 40" disagree."""

from __future__ import annotations

from factcheck.engine.stance.features import Finding
from factcheck.engine.stance.pair import Pair

NAMES = ("quant_mismatch",)


def quantifiers(pair: Pair) -> Finding:
    negated = pair.evidence_negation.scope
    claim_kinds = {m.value for m in pair.reading.lexicon.quantifiers.find(pair.claim.keys)}
    evidence_kinds = {m.value for m in pair.lexicon.quantifiers.find(pair.analysis.keys)
                      if not any(i in negated for i in range(m.start, m.end))}
    if not (claim_kinds and evidence_kinds and claim_kinds.isdisjoint(evidence_kinds) and pair.about > 0):
        return Finding({"quant_mismatch": 0.0})
    return Finding({"quant_mismatch": pair.about},
                   (f"quantities differ: the claim says {'/'.join(sorted(claim_kinds))}, "
                    f"the sentence {'/'.join(sorted(evidence_kinds))}",))
