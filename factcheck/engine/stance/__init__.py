"""Stance: does a sentence support the claim, contradict it, or neither?

Each candidate is read closely (parsed where a trained pipeline is present) and described by
the registry's features - negation in scope, opposed terms, who acts, numbers and dates that
disagree, hedges, wishes, whose words they are - which a model whose weights are a data file
turns into probabilities. The features' reasons are shown in the reports.

Signs of disagreement only count on a sentence about the same thing as the claim: they are
scaled by how much of the claim the sentence covers, so a "for-profit" in a sentence about
something else contradicts nothing.
"""

from factcheck.engine.stance.judge import (StanceModel, entailments, entailments_of, judge,
                                         load_stance_model)
from factcheck.engine.stance.registry import FEATURES

__all__ = ["FEATURES", "StanceModel", "entailments", "entailments_of", "judge", "load_stance_model"]
