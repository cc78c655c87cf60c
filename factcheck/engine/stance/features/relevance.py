"""How much of the claim the sentence covers, as the score stage measured it."""

from __future__ import annotations

from factcheck.engine.stance.features import Finding
from factcheck.engine.stance.pair import Pair

FROM_SCORE = ("coverage", "topic", "token_set", "entity_overlap", "missing_entity", "predicate_coverage")
NAMES = ("relevance", *FROM_SCORE)


def relevance(pair: Pair) -> Finding:
    values = {name: pair.features.get(name, 0.0) for name in FROM_SCORE}
    values["relevance"] = pair.scored.relevance / 100.0
    return Finding(values)
