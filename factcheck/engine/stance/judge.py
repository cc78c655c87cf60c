"""The judge: the stance of one candidate sentence on a claim, from its features.

A pure function of the pair (claim reading, scored sentence, its full analysis), the stance
settings and the model: the registry's features become probabilities through the model's
weights (a data file that names its features), and the features' reasons are what a reader
is shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from factcheck.config import StanceSettings
from factcheck.engine.linear import LinearModel
from factcheck.engine.stance.pair import Pair
from factcheck.engine.stance.registry import FEATURES, describe
from factcheck.model import STANCES, Analysis, ClaimReading, Judgement, Scored
from factcheck.text.aliases import Aliases


@dataclass(frozen=True)
class StanceModel(LinearModel):
    """Per-stance weights of a linear model over the registry's FEATURES, plus a bias."""

    features: ClassVar[tuple[str, ...]] = FEATURES
    classes: ClassVar[tuple[str, ...]] = STANCES


def load_stance_model(name: str) -> StanceModel:
    """A stance model: a file shipped in factcheck/data by name, or a path to a JSON file."""
    return StanceModel.load(name)


def judge(reading: ClaimReading, scored: Scored, analysis: Analysis, *, model: StanceModel,
          settings: StanceSettings, aliases: Aliases | None = None) -> Judgement:
    """The stance of one candidate sentence (read with the full pipeline) on the claim, by the
    model alone: where the claim was made and whose word it is are the verdict stage's call."""
    pair = Pair(reading, scored, analysis, settings, aliases or Aliases())
    found = describe(pair)
    probabilities = model.probabilities(found.values)
    stance = max(probabilities, key=probabilities.get)
    confidence = probabilities[stance] if stance != "neutral" else max(
        probabilities["neutral"], 1 - probabilities["contradicts"])
    return Judgement(
        stance=stance, confidence=confidence, probabilities=probabilities, features=found.values,
        reasons=found.reasons, speaker_match=bool(found.values["speaker_match"]),
        speaker_reported=bool(found.values["speaker_reported"]),
        opposed_terms=pair.opposition.terms, author=pair.author, reporter=pair.reporter,
        main_predicate=pair.features.get("main_predicate", 0.0))
