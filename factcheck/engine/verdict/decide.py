"""Verdict: from per-sentence stances to one verdict per claim, with a confidence and a reason.

- Evidence counts per document, not per sentence: an article repeating itself is one source.
- A claim about what X said or wanted is decided on X's own words (or quotes of X).
- "always"/"never" claims fall to one dated counter-example; "since/after/before/until <date>"
  claims only count evidence from their window; "first"/"last" claims are checked against
  the order of the dated evidence.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import ClassVar

from factcheck.config import VerdictSettings
from factcheck.engine.linear import LinearModel, load_weights
from factcheck.errors import InputError
from factcheck.engine.stance.features.dates import date_fits
from factcheck.model import VERDICTS, ClaimReading, Evidence, Judgement


@dataclass(frozen=True)
class Outcome:
    verdict: str
    confidence: float
    rationale: str
    # Whether `confidence` is a probability calibrated on held-out data (a learned weighing
    # that says so), not a rule's score.
    calibrated: bool = False


@dataclass(frozen=True)
class Calibration:
    """Per verdict, P(the rules are right) = sigmoid(slope * score + intercept), where score is
    the rules' own confidence: a map fitted on claims the rules were never tuned on."""

    maps: dict[str, tuple[float, float]]
    meta: dict

    def __call__(self, outcome: Outcome) -> Outcome:
        if outcome.calibrated or outcome.verdict not in self.maps:
            return outcome
        slope, intercept = self.maps[outcome.verdict]
        p = 1.0 / (1.0 + math.exp(-(slope * outcome.confidence + intercept)))
        return dataclasses.replace(outcome, confidence=round(p, 3), calibrated=True)


def load_calibration(name: str) -> Calibration:
    """A calibration file (`{"weights": {verdict: {"score": slope, "bias": intercept}}}`, as
    bench.calibrate_rules writes it): shipped in factcheck/data by name, or a path."""
    data = load_weights(name)
    unknown = set(data["weights"]) - set(VERDICTS)
    if unknown:
        raise InputError(f"unknown verdicts in the calibration file: {', '.join(sorted(unknown))}", path=name)
    try:
        maps = {v: (float(m["score"]), float(m["bias"])) for v, m in data["weights"].items()}
    except (KeyError, TypeError, ValueError):
        raise InputError("a calibration file gives each verdict a \"score\" slope and a \"bias\"",
                         path=name) from None
    return Calibration(maps, {k: v for k, v in data.items() if k != "weights"})


def decide(reading: ClaimReading, items: list[tuple[Evidence, Judgement]], settings: VerdictSettings,
           model: VerdictModel | None = None, calibration: Calibration | None = None) -> Outcome:
    """The verdict by the rules below, or, with a `model`, by its learned weighing of the
    same evidence (the temporal rules still come first); the rules' confidence mapped to a
    probability by `calibration`, when given."""
    outcome = _decide(reading, items, settings, model)
    return calibration(outcome) if calibration is not None else outcome


def _decide(reading: ClaimReading, items: list[tuple[Evidence, Judgement]], settings: VerdictSettings,
            model: VerdictModel | None = None) -> Outcome:
    decisive = settings.decisive
    counted, left_out = _counted(reading, items)
    support = _side(counted, "supports", settings.hedge_discount)
    against = _side(counted, "contradicts", settings.hedge_discount)
    s, c = _noisy_or(support), _noisy_or(against)
    qualifiers = set(reading.qualifiers)

    order = _order_check(reading, counted, qualifiers)
    if order is not None:
        return order
    if qualifiers & {"always", "never"} and c >= decisive:
        word = "always" if "always" in qualifiers else "never"
        best = _best(against)
        return Outcome("contradicted", round(c, 3),
                       f"The claim says “{word}”, but this goes the other way: {_cite(best)}")
    if model is not None:
        return _learned(model, claim_features(reading, items, settings, counted), support, against,
                        left_out, reading)
    if s >= decisive and c >= decisive:
        return Outcome("mixed", round(min(s, c), 3),
                       f"The record points both ways: {_cite(_best(support))} supports it; "
                       f"{_cite(_best(against))} contradicts it.")
    if s >= decisive:
        return Outcome("supported", round(s * (1 - c / 2), 3),
                       f"Supported by {_cite(_best(support))}" + _more(support))
    if c >= decisive:
        return Outcome("contradicted", round(c * (1 - s / 2), 3),
                       f"Contradicted by {_cite(_best(against))}" + _more(against))
    why = "No sentence in the corpus clearly supports or contradicts it"
    if left_out:
        holder = reading.attitude_holder
        why = (f"Only others' accounts of what {holder} said or wanted were found, "
               f"not {holder}'s own words")
    return Outcome("not_enough_evidence", round(1 - max(s, c), 3), why + ".")


def _counted(reading: ClaimReading, items):
    """The items that may decide, and whether some were left out for want of the speaker.

    A claim about what X said or wanted is decided on X's own words; where none take a side,
    on reports naming X saying or wanting it; never on others' words about the matter."""
    counted, reported, left_out = [], [], False
    window = [d for d in reading.dates if d.relation in ("since", "after", "before", "until", "by")]
    for evidence, judgement in items:
        if judgement.role != "evidence" or judgement.stance == "neutral":
            continue
        if window and evidence.date and not all(date_fits(d, evidence.date) for d in window) \
                and judgement.stance == "supports":
            continue
        if reading.is_attitude and not judgement.speaker_match:
            if judgement.speaker_reported:
                reported.append((evidence, judgement))
            else:
                left_out = True
            continue
        counted.append((evidence, judgement))
    counted = counted or reported
    return counted, left_out and not counted


def _side(items, stance: str, hedge_discount: float) -> dict[str, tuple[float, Evidence]]:
    """Per document, the strongest sentence taking `stance`; hedged ones count for less."""
    best: dict[str, tuple[float, Evidence]] = {}
    for evidence, judgement in items:
        if judgement.stance != stance:
            continue
        p = judgement.probabilities[stance] * (hedge_discount if judgement.features.get("hedged") else 1.0)
        if evidence.doc_id not in best or p > best[evidence.doc_id][0]:
            best[evidence.doc_id] = (p, evidence)
    return best


def _noisy_or(side: dict[str, tuple[float, Evidence]]) -> float:
    remaining = 1.0
    for p, _ in side.values():
        remaining *= 1.0 - p
    return 1.0 - remaining


def _best(side: dict[str, tuple[float, Evidence]]) -> Evidence:
    return max(side.values(), key=lambda item: (item[0], item[1].score))[1]


def _more(side: dict) -> str:
    others = len(side) - 1
    return f" (and {others} other source{'s' if others > 1 else ''})" if others > 0 else ""


def _cite(evidence: Evidence) -> str:
    who = _name(evidence.author) or "an unattributed source"
    when = f" ({evidence.date.iso[:10]})" if evidence.date else ""
    quote = evidence.text if len(evidence.text) <= 110 else evidence.text[:107].rstrip() + "…"
    return f"{who}{when}: “{' '.join(quote.split())}”"


def _name(author: str | None) -> str | None:
    if not author:
        return None
    return author.split("<")[0].strip().strip('"') or author


def _order_check(reading: ClaimReading, counted, qualifiers: set[str]) -> Outcome | None:
    """"X was the first to ...": an earlier supporting source by someone else contradicts it."""
    wanted = qualifiers & {"first", "last"}
    subject = reading.attitude_holder or _first_named(reading)
    if not wanted or subject is None:
        return None
    dated = [(e, j) for e, j in counted if e.date and j.stance == "supports"]
    if len(dated) < 2:
        return None
    dated.sort(key=lambda item: item[0].date.start, reverse="last" in wanted)
    leader = dated[0][0]
    if _name(leader.author) and subject.lower() not in (leader.author or "").lower():
        return Outcome("contradicted", round(dated[0][1].confidence, 3),
                       f"The claim says “{next(iter(wanted))}”, but this came "
                       f"{'earlier' if 'first' in wanted else 'later'}: {_cite(leader)}")
    return None


def _first_named(reading: ClaimReading) -> str | None:
    """The claim's first actor in reading order ("X was the first to ..." is about X)."""
    for entity in sorted(reading.full.entities, key=lambda e: e.start):
        if entity.canonical in reading.entities:
            return entity.canonical
    return None


# --- the learned weighing ----------------------------------------------------------------------

# The stance features of the best few sentences, averaged: what the sentences most on the claim's
# topic do with it (deny it, change its numbers or dates, hedge), whatever stance they got.
TOP_STANCE_FEATURES = ("neg_mismatch", "opposed", "num_mismatch", "date_mismatch", "hedged", "contrast",
                       "token_set", "coverage", "pair_supports", "pair_refutes")
# What the learned verdict model reads of a claim's evidence, each in [0, 1].
CLAIM_FEATURES = ("support", "against", "both", "max_support", "max_against", "mean_support_top5",
                  "mean_against_top5", "support_sources", "against_sources", "top_relevance",
                  "mean_relevance_top5", "evidence_items", "top_neutral", "max_pair_supports",
                  "max_pair_refutes", "pair_both",
                  *(f"top3_{name}" for name in TOP_STANCE_FEATURES))
TOP = 5


def claim_features(reading: ClaimReading, items: list[tuple[Evidence, Judgement]],
                   settings: VerdictSettings, counted=None) -> dict[str, float]:
    """The evidence of a claim summed up: how strongly and how widely each side is taken,
    and how relevant the best sentences are, whatever stance they take."""
    if counted is None:
        counted, _ = _counted(reading, items)
    support = _side(counted, "supports", settings.hedge_discount)
    against = _side(counted, "contradicts", settings.hedge_discount)
    evidence = sorted(((e, j) for e, j in items if j.role == "evidence"), key=lambda item: -item[0].score)
    top = evidence[:TOP]
    s, c = _noisy_or(support), _noisy_or(against)

    def mean(values):
        values = list(values)
        return sum(values) / len(values) if values else 0.0

    top3 = {f"top3_{name}": mean(j.features.get(name, 0.0) for _, j in evidence[:3])
            for name in TOP_STANCE_FEATURES}
    max_pair_supports = max((j.features.get("pair_supports", 0.0) for _, j in evidence[:TOP]), default=0.0)
    max_pair_refutes = max((j.features.get("pair_refutes", 0.0) for _, j in evidence[:TOP]), default=0.0)
    return top3 | {
        "support": s, "against": c, "both": s * c,
        "max_support": max((j.probabilities["supports"] for _, j in evidence), default=0.0),
        "max_against": max((j.probabilities["contradicts"] for _, j in evidence), default=0.0),
        "mean_support_top5": mean(j.probabilities["supports"] for _, j in top),
        "mean_against_top5": mean(j.probabilities["contradicts"] for _, j in top),
        "support_sources": min(len(support), TOP) / TOP,
        "against_sources": min(len(against), TOP) / TOP,
        "top_relevance": evidence[0][0].score / 100.0 if evidence else 0.0,
        "mean_relevance_top5": mean(e.score / 100.0 for e, _ in top),
        "evidence_items": min(len(evidence), 16) / 16,
        "top_neutral": top[0][1].probabilities["neutral"] if top else 1.0,
        # The pair model's strongest reading each way, whatever stance the sentence got: a
        # record split between sentences for and against is "mixed".
        "max_pair_supports": max_pair_supports,
        "max_pair_refutes": max_pair_refutes,
        "pair_both": max_pair_supports * max_pair_refutes,
    }


@dataclass(frozen=True)
class VerdictModel(LinearModel):
    """Per-verdict weights of a multinomial logistic regression over CLAIM_FEATURES; `calibrated`
    when its file says a temperature fitted on held-out predictions is folded into them."""

    calibrated: bool = False

    features: ClassVar[tuple[str, ...]] = CLAIM_FEATURES
    classes: ClassVar[tuple[str, ...]] = VERDICTS


def load_verdict_model(name: str) -> VerdictModel:
    """A verdict model: a file shipped in factcheck/data by name, or a path to a JSON file."""
    model = VerdictModel.load(name)
    return dataclasses.replace(model, calibrated=bool(model.meta.get("calibrated")))


def _learned(model: VerdictModel, features: dict[str, float], support, against, left_out: bool,
             reading: ClaimReading) -> Outcome:
    probabilities = model.probabilities(features)
    verdict = max(VERDICTS, key=lambda v: probabilities[v])
    confidence = round(probabilities[verdict], 3)
    if verdict == "supported" and support:
        why = f"Supported by {_cite(_best(support))}" + _more(support)
    elif verdict == "contradicted" and against:
        why = f"Contradicted by {_cite(_best(against))}" + _more(against)
    elif verdict == "mixed" and support and against:
        why = (f"The record points both ways: {_cite(_best(support))} supports it; "
               f"{_cite(_best(against))} contradicts it.")
    elif verdict == "not_enough_evidence":
        why = ("Only others' accounts of what {0} said or wanted were found, not {0}'s own words."
               .format(reading.attitude_holder) if left_out
               else "The evidence found is not strong enough either way.")
    else:
        # The weighing leans this way on how the sentences read overall, with no single
        # sentence past the threshold: say so rather than cite one.
        why = "On the balance of the sentences found, none decisive on its own."
    return Outcome(verdict, confidence, why, calibrated=model.calibrated)
