"""What the entailment model (`entailment.py`) reads in the pair: its probabilities that the
sentence, as its writer's words, says what the claim says or the opposite, and by how much the
one leads the other (a reading torn between the two - 0.45 supports, 0.40 refutes - is no
reading at all, which a weight on either probability alone cannot tell)."""

from __future__ import annotations

from factcheck.engine.stance.features import Finding
from factcheck.engine.stance.pair import Pair

NAMES = ("nli_supports", "nli_refutes", "nli_support_margin", "nli_refute_margin")
# How its reasons begin (the judge marks them when a rule sets the reading aside).
REASON = "entailment model:"
REFUTES_REASON = f"{REASON} the sentence says the opposite"
# A reading is shown to the reader only when the model leans this far one way.
SHOWN = 0.6


def entailment(pair: Pair) -> Finding:
    p = pair.entailment
    if p is None:
        return Finding(dict.fromkeys(NAMES, 0.0))
    lead = p["supports"] - p["refutes"]
    reasons = []
    if p["supports"] >= SHOWN:
        reasons.append(f"{REASON} the sentence says what the claim says ({p['supports']:.0%})")
    elif p["refutes"] >= SHOWN:
        reasons.append(f"{REFUTES_REASON} of the claim ({p['refutes']:.0%})")
    return Finding({"nli_supports": p["supports"], "nli_refutes": p["refutes"],
                    "nli_support_margin": max(0.0, lead), "nli_refute_margin": max(0.0, -lead)}, tuple(reasons))
