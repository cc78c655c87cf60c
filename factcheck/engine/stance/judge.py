"""The judge: the stance of one candidate sentence on a claim, from its features.

A pure function of the pair (claim reading, scored sentence, its full analysis), the stance
settings and the model: the registry's features become probabilities through the model's
weights (a data file that names its features), and the features' reasons are what a reader
is shown.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from factcheck.config import StanceSettings
from factcheck.engine.linear import LinearModel
from factcheck.engine.stance.entailment import EntailmentModel
from factcheck.engine.stance.features import entailment as entailment_feature
from factcheck.engine.stance.pairmodel import PairModel
from factcheck.engine.stance.pair import Pair
from factcheck.engine.stance.registry import FEATURES, describe
from factcheck.errors import InputError
from factcheck.model import STANCES, Analysis, ClaimReading, Judgement, Scored
from factcheck.text.aliases import Aliases
from factcheck.text.gloss import gloss


@dataclass(frozen=True)
class StanceModel(LinearModel):
    """Per-stance weights of a linear model over the registry's FEATURES, plus a bias; and the
    pair model and the entailment model whose probabilities are four of those features (None:
    they are 0)."""

    pair_model: PairModel | None = None
    entailment_model: EntailmentModel | None = None
    features: ClassVar[tuple[str, ...]] = FEATURES
    classes: ClassVar[tuple[str, ...]] = STANCES

    @property
    def entailment_vetoes(self) -> tuple[str, ...]:
        """Features any of which, when present, sets the entailment model's reading aside
        (the file's `"entailment_vetoes"`): a rule that found an offer, another actor or a
        denial knows something the model's reading of shared words does not."""
        return tuple(self.meta.get("entailment_vetoes", ()))

    def vetoed(self, values: dict[str, float]) -> bool:
        return any(values.get(name, 0.0) > 0 for name in self.entailment_vetoes)

    @property
    def refutes_require(self) -> tuple[str, ...]:
        """Features all of which must be present for the entailment model's "refutes" to count
        (the file's `"entailment_refutes_require"`): a sentence that shares the claim's names
        but none of its predicates ("he proposes a merger ..." against "they rejected a
        merger") is read by the model as a denial far more often than it is one."""
        return tuple(self.meta.get("entailment_refutes_require", ()))

    def refutes_set_aside(self, values: dict[str, float]) -> str | None:
        """Why the entailment model's "refutes" is set aside, if it is: a feature it requires
        is missing, or - with the file's `"entailment_refutes_yield_to_rules"` - the rules
        alone read the sentence as saying what the claim says. (Only a reading that leans to
        "refutes" has anything to set aside.)"""
        if not values.get("nli_refute_margin"):
            return None
        missing = [name for name in self.refutes_require if not values.get(name, 0.0)]
        if missing:
            return "; ".join(_ABSENT.get(name, f"no {name}") for name in missing)
        if self.meta.get("entailment_refutes_yield_to_rules"):
            rules = super().probabilities(_without_entailment(values))
            if max(rules, key=rules.get) == "supports":
                return "the rules read the sentence as saying what the claim says"
        return None

    def read(self, values: dict[str, float]) -> tuple[dict[str, float], tuple[str, str] | None]:
        """The probabilities, and which of the entailment model's readings was set aside and
        why, if one was: (how that reading's reason begins, why)."""
        if self.vetoed(values):
            return (super().probabilities(_without_entailment(values)),
                    (entailment_feature.REASON, "another reason here rules it out"))
        why = self.refutes_set_aside(values)
        if why:
            values = {**values, "nli_refutes": 0.0, "nli_refute_margin": 0.0}
        return super().probabilities(values), (entailment_feature.REFUTES_REASON, why) if why else None

    def probabilities(self, values: dict[str, float]) -> dict[str, float]:
        return self.read(values)[0]


# What a missing required feature means, for the reader.
_ABSENT = {"predicate_coverage": "none of the claim's verbs is in the sentence"}


def _without_entailment(values: dict[str, float]) -> dict[str, float]:
    return {name: 0.0 if name in entailment_feature.NAMES else v for name, v in values.items()}


def load_stance_model(name: str) -> StanceModel:
    """A stance model: a file shipped in factcheck/data by name, or a path to a JSON file; the
    pair model and the entailment model it names (`"pair_model"`, `"entailment"`) are looked
    for beside it, then in factcheck/data."""
    linear = StanceModel.load(name)
    for field, names in (("entailment_vetoes", linear.entailment_vetoes),
                         ("entailment_refutes_require", linear.refutes_require)):
        unknown = [v for v in names if v not in FEATURES]
        if unknown:
            raise InputError(f"{field} names unknown features: {', '.join(unknown)}", path=name)
    found = {}
    pair_name = linear.meta.get("pair_model")
    if pair_name:
        beside = Path(name).parent / pair_name
        found["pair_model"] = PairModel.load(beside if beside.is_file() else pair_name)
    entailment_name = linear.meta.get("entailment")
    if entailment_name:
        beside = Path(name).parent / entailment_name
        found["entailment_model"] = EntailmentModel.load(str(beside) if beside.is_dir() else entailment_name)
    return dataclasses.replace(linear, **found) if found else linear


def entailments(model: StanceModel, reading: ClaimReading, scored: list[Scored],
                analyses: list[Analysis] | None = None) -> list[dict[str, float] | None]:
    """The entailment model's reading of each candidate of a claim (`analyses`: their full
    readings, needed to gloss a sentence in a language the model reads only glossed)."""
    return entailments_of(model, [(reading, s) for s in scored], analyses)


def entailments_of(model: StanceModel, pairs: list[tuple[ClaimReading, Scored]],
                   analyses: list[Analysis] | None = None) -> list[dict[str, float] | None]:
    """The entailment model's reading of each (claim, candidate) pair, in one call (None for
    all without a model, and for a pair with a side in a language the model does not read).
    A model fitted on English reads French sides as word-by-word glosses, when its model.json
    says it was fitted so (`glossed`) and the sentence's analysis is given."""
    entail = model.entailment_model
    if entail is None:
        return [None] * len(pairs)
    texts: list[tuple[int, str, str]] = []
    for n, (reading, s) in enumerate(pairs):
        claim = _readable(entail, reading.full, reading.lexicons)
        analysis = analyses[n] if analyses is not None else None
        evidence = s.candidate.text if s.candidate.lang in entail.languages else \
            _readable(entail, analysis, reading.lexicons) if analysis is not None else None
        if claim is not None and evidence is not None and (
                s.candidate.lang == reading.lang or entail.glossed):
            texts.append((n, claim, _evidence(entail, s.candidate, evidence)))
    found = entail.probabilities_many([(claim, evidence) for _, claim, evidence in texts])
    out: list[dict[str, float] | None] = [None] * len(pairs)
    for (n, _, _), p in zip(texts, found):
        out[n] = p
    return out


def _readable(entail: EntailmentModel, analysis: Analysis, lexicons) -> str | None:
    """The text as the model reads it: itself in a language it was fitted on, glossed into
    English in one it was fitted to read glossed, else None."""
    if analysis.lang in entail.languages:
        return analysis.text
    if analysis.lang in entail.glossed:
        return gloss(analysis, lexicons, "en")
    return None


def _evidence(entail: EntailmentModel, candidate, text: str) -> str:
    return entail.evidence(text, candidate.author,
                           candidate.date.iso[:10] if candidate.date else None, candidate.recipients)


def judge(reading: ClaimReading, scored: Scored, analysis: Analysis, *, model: StanceModel,
          settings: StanceSettings, aliases: Aliases | None = None,
          light: Analysis | None = None, entailment: dict[str, float] | None = None) -> Judgement:
    """The stance of one candidate sentence (read with the full pipeline, and with the light one
    for the pair model; `entailment`: what `entailments` gave for it) on the claim, by the model
    alone: where the claim was made and whose word it is are the verdict stage's call."""
    pair = Pair(reading, scored, analysis, settings, aliases or Aliases(), light, model.pair_model, entailment)
    found = describe(pair)
    probabilities, set_aside = model.read(found.values)
    reasons = found.reasons
    if set_aside:
        # A reader must not be told the model's reading counted when a rule set it aside.
        prefix, why = set_aside
        reasons = tuple(f"{r} — not counted: {why}" if r.startswith(prefix) else r for r in reasons)
    stance = max(probabilities, key=probabilities.get)
    confidence = probabilities[stance] if stance != "neutral" else max(
        probabilities["neutral"], 1 - probabilities["contradicts"])
    return Judgement(
        stance=stance, confidence=confidence, probabilities=probabilities, features=found.values,
        reasons=reasons, speaker_match=bool(found.values["speaker_match"]),
        speaker_reported=bool(found.values["speaker_reported"]),
        opposed_terms=pair.opposition.terms, author=pair.author, reporter=pair.reporter,
        main_predicate=pair.features.get("main_predicate", 0.0))
