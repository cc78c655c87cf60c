"""The stance features, in the order their reasons are shown. A weights file names the
features it was fitted on; `check_features` refuses one that does not match this list."""

from __future__ import annotations

from typing import Callable

from factcheck.engine.stance.features import (actors, dates, entailment, learned, modality, negation,
                                              numbers, opposition, quantifiers, relevance, speech, tone)
from factcheck.engine.stance.features import Finding
from factcheck.engine.stance.pair import Pair

# name -> (function, the values it gives)
FEATURE_GROUPS: dict[str, tuple[Callable[[Pair], Finding], tuple[str, ...]]] = {
    "relevance": (relevance.relevance, relevance.NAMES),
    "negation": (negation.negation, negation.NAMES),
    "opposition": (opposition.opposition, opposition.NAMES),
    "modality": (modality.modality, modality.NAMES),
    "actors": (actors.actors, actors.NAMES),
    "numbers": (numbers.numbers, numbers.NAMES),
    "dates": (dates.dates, dates.NAMES),
    "quantifiers": (quantifiers.quantifiers, quantifiers.NAMES),
    "tone": (tone.tone, tone.NAMES),
    "speech": (speech.speech, speech.NAMES),
    "learned": (learned.learned, learned.NAMES),
    "entailment": (entailment.entailment, entailment.NAMES),
}
FEATURES: tuple[str, ...] = tuple(name for _, names in FEATURE_GROUPS.values() for name in names)


def describe(pair: Pair) -> Finding:
    """Every feature of a pair, and the reasons, in registry order."""
    values: dict[str, float] = {}
    reasons: list[str] = []
    for function, names in FEATURE_GROUPS.values():
        found = function(pair)
        assert set(found.values) == set(names), (function.__name__, sorted(found.values))
        values.update(found.values)
        reasons.extend(found.reasons)
    return Finding(values, tuple(reasons))
