"""Stance: does a sentence support the claim, contradict it, or neither?

Each candidate is read closely (parsed where a trained pipeline is present) and described by
features - negation in scope, opposed terms, who acts, numbers and dates that disagree,
hedges, wishes, who is speaking - which a small linear model (weights in
`data/stance_model.json`) turns into probabilities. The features also become the
human-readable reasons in the reports.

Signs of disagreement only count on a sentence about the same thing as the claim: they are
scaled by how much of the claim the sentence covers, so a "for-profit" in a sentence about
something else contradicts nothing.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import ClassVar

from factcheck.engine.stance import clauses
from factcheck.text.dates import DateMention, PartialDate
from factcheck.text.lexicon import Lexicon, Match, fold, lexicon
from factcheck.engine.linear import LinearModel
from factcheck.model import STANCES, Analysis
from factcheck.engine.retrieve import ClaimReading
from factcheck.engine.score import Scored, first_hand_date

QUOTE_MARKS = re.compile(r"[«»“”\"„]")

FEATURES = ("relevance", "coverage", "topic", "token_set", "entity_overlap", "missing_entity",
            "predicate_coverage",
            "modal", "neg_mismatch", "opposed", "polar_agree", "polar_missing", "actor_mismatch", "actor_match",
            "num_mismatch", "num_match", "num_unverified", "date_mismatch", "date_match", "date_unverified",
            "quant_mismatch", "hedged", "contrast", "speaker_match", "speaker_other", "reported")


@dataclass(frozen=True)
class StanceModel(LinearModel):
    """Per-stance weights of a linear model over FEATURES, plus a bias."""

    features: ClassVar[tuple[str, ...]] = FEATURES
    classes: ClassVar[tuple[str, ...]] = STANCES


@functools.cache
def load_model(name: str = "stance_model.json") -> StanceModel:
    """A stance model: a file shipped in factcheck/data by name, or a path to a JSON file."""
    return StanceModel.load(name)


def default_model() -> StanceModel:
    return load_model()


@dataclass(frozen=True)
class Judgement:
    stance: str
    confidence: float
    probabilities: dict[str, float]
    features: dict[str, float]
    reasons: tuple[str, ...]
    # "evidence", or "appearance" when the sentence only reports someone making the claim.
    role: str = "evidence"
    speaker_match: bool = False
    # The claim's polar words the sentence takes the other side of (for the claimant's record).
    opposed_terms: tuple[str, ...] = field(default=())


def _ramp(value: float, low: float, high: float) -> float:
    return min(1.0, max(0.0, (value - low) / (high - low)))


def judge(reading: ClaimReading, scored: Scored, analysis: Analysis, *,
          model: StanceModel | None = None, aliases=None) -> Judgement:
    """The stance of one candidate sentence (read with the full pipeline) on the claim."""
    model = model or default_model()
    lex = lexicon(analysis.lang)
    claim = reading.full
    candidate = scored.candidate
    canonical = aliases.canonical if aliases else (lambda name: name)
    author = canonical(candidate.author) if candidate.author else None
    readers = frozenset(filter(None, (canonical(r) for r in candidate.recipients)))
    reasons: list[str] = []
    features = {name: 0.0 for name in FEATURES}
    features.update({k: scored.features.get(k, 0.0) for k in
                     ("coverage", "topic", "token_set", "entity_overlap", "missing_entity",
                      "predicate_coverage")})
    features["relevance"] = scored.relevance / 100.0
    topic = features["topic"]
    # How sure we are that the sentence speaks of the claim's matter: disagreement counts
    # only in proportion. Dates and numbers need more, as other events have other dates.
    about = _ramp(topic, 0.3, 0.7) * (0.4 + 0.6 * features["predicate_coverage"])
    if features["missing_entity"]:
        # A sentence that does not name what the claim is about can hardly deny it.
        about *= 0.5
    if not scored.features.get("main_predicate", 1.0):
        # Nothing of what the claim mainly says ("betrayed") is there: an opposite word on
        # the side ("for-profit" against a "non-profit charter") is not a denial.
        about *= 0.4
    same_event = _ramp(topic, 0.6, 0.9)

    claim_polar = frozenset(i for m in reading.lexicon.opposites.find(claim.keys)
                            for i in range(m.start, m.end))
    evidence_polar = frozenset(i for m in lex.opposites.find(analysis.keys) for i in range(m.start, m.end))
    claim_neg = clauses.negation(claim, reading.lexicon, skip=claim_polar)
    evidence_neg = clauses.negation(analysis, lex, skip=evidence_polar)

    # Negation: aligned predicates negated on one side only.
    # Words inside the claim's polar terms ("profit" of "non-profit") are compared as terms.
    aligned = [(i, j) for i, j in clauses.aligned(claim, analysis) if i not in claim_polar]
    # Predicates line up by word or by lexicon side ("rejected"/"refuses"). Names are not
    # what a negation denies: "I will no longer fund Acme" says nothing about Acme.
    synonyms = _same_side_pairs(claim, analysis, reading.lexicon, lex)
    predicates = [(i, j) for i, j in aligned if claim.tokens[i].pos in clauses.PREDICATE_POS
                  or analysis.tokens[j].pos in clauses.PREDICATE_POS] + synonyms or \
        [(i, j) for i, j in aligned if claim.tokens[i].pos == "NOUN"]
    if reading.attitude_holder:
        # "Ann never asked for the CEO role": what is negated is the wish, so compare what
        # was wished for - every shared word but the name of who wished it.
        holder = {i for e in claim.entities if e.canonical == reading.attitude_holder
                  for i in range(e.start, e.end)}
        predicates = [(i, j) for i, j in aligned if i not in holder]
    if predicates:
        flips = [(i, j) for i, j in predicates if (i in claim_neg.scope) != (j in evidence_neg.scope)]
        if flips and len(flips) * 2 >= len(predicates):
            features["neg_mismatch"] = about
            i, j = flips[0]
            side = "the sentence" if j in evidence_neg.scope else "the claim"
            reasons.append(f"negation: “{analysis.tokens[j].text}” is negated in {side} only")


    # Opposed terms, each side's polarity corrected for negation.
    claim_sides = clauses.polar_sides(claim, reading.lexicon, claim_neg.heads)
    evidence_sides = clauses.polar_sides(analysis, lex, evidence_neg.heads)
    opposed_terms, polar_pairs = [], []
    opposed_groups, agreeing_groups, missing_groups = set(), set(), set()
    for cm, c_side in claim_sides:
        group = cm.value[0]
        others = [(em, e_side) for em, e_side in evidence_sides if em.value[0] == group]
        polar_pairs += [(cm.start, em.start) for em, _ in others]
        if not others:
            if not any(claim.tokens[i].keys & reading.lexicon.light_verbs for i in range(cm.start, cm.end)):
                missing_groups.add(group)
            continue
        if any(e_side == c_side for _, e_side in others):
            agreeing_groups.add(group)
        against = [em for em, e_side in others if e_side != c_side]
        if against:
            opposed_groups.add(group)
            opposed_terms.append(" ".join(cm.entry))
            if against[0].entry != cm.entry:  # the same word negated is already a negation reason
                reasons.append(f"opposed terms: “{_span_text(claim, cm)}” vs “{_span_text(analysis, against[0])}”")
    modal = clauses.modal_word(claim, analysis, predicates + polar_pairs, reading.lexicon, lex)
    if modal:
        features["modal"] = 1.0
        reasons.append(f"“{modal}”: the sentence speaks of a wish or a possibility, not a fact")

    # A sentence holding both sides of an opposition ("a commercial firm with a charitable arm")
    # takes neither.
    if opposed_groups - agreeing_groups:
        features["opposed"] = about
    if agreeing_groups - opposed_groups and not opposed_groups - agreeing_groups:
        features["polar_agree"] = 1.0
    if missing_groups:
        # The claim's point ("a non-profit") is not what the sentence speaks of.
        features["polar_missing"] = 1.0

    # Who acts: "Acme resigned" is not "Ann resigned".
    verbs = [(i, j) for i, j in aligned if claim.tokens[i].pos in ("VERB", "AUX", "ADJ")] + polar_pairs
    agreement = _actors(reading, analysis, verbs, lex, author, readers, canonical)
    if agreement is False:
        features["actor_mismatch"] = 1.0
        reasons.append("not the same actor as in the claim")
    elif agreement is True:
        features["actor_match"] = 1.0
    elif _claim_has_actor(reading, verbs):
        # The claim says who acts and the sentence does not: its disagreement is weaker.
        features["neg_mismatch"] *= 0.5
        features["opposed"] *= 0.5

    if agreement is True and features["predicate_coverage"] >= 0.6 and not features["missing_entity"]:
        # The same actor doing the same thing: a different date or figure is a disagreement
        # about this very event, even if the sentence words the rest differently.
        same_event = max(same_event, _ramp(topic, 0.45, 0.7))
    _numbers(claim, analysis, same_event, features, reasons)
    _dates(reading, candidate, analysis, same_event, features, reasons)
    _quantifiers(claim, analysis, reading.lexicon, lex, evidence_neg.scope, about, features, reasons)

    if lex.hedges.find(analysis.keys):
        features["hedged"] = 1.0
    if lex.contrast.find(analysis.keys):
        features["contrast"] = 1.0

    report = clauses.reporter(analysis, lex, evidence_neg.scope)
    reporter_name = canonical(report.speaker) if report else None
    # Whether what matches the claim is what the reported speaker says ("X accuses Y of <the
    # claim>") rather than the sentence's own statement ("X sued Y, accusing it of ...").
    matched = {j for _, j in aligned + polar_pairs}
    reports_claim = bool(report and matched and len(matched & report.said) * 2 >= len(matched))
    speaker_match = False
    holder = reading.attitude_holder
    if holder:
        quoting = bool(QUOTE_MARKS.search(analysis.text)) and _same(reporter_name, holder)
        if _same(author, holder) or _same(reporter_name, holder) or quoting:
            features["speaker_match"] = 1.0
            speaker_match = True
        else:
            features["speaker_other"] = 1.0
            reasons.append(f"about what {holder} said or wanted, but not in {holder}'s own words")
    if reports_claim:
        features["reported"] = 1.0

    probabilities = model.probabilities(features)
    stance = max(probabilities, key=probabilities.get)
    role = "evidence"
    quoted_claim = reports_claim and not holder and features["coverage"] >= 0.5
    restates = stance == "supports" and reading.speaker and _same(author, reading.speaker) \
        and features["coverage"] >= 0.7
    disagrees = any(features[k] for k in ("neg_mismatch", "opposed", "num_mismatch", "date_mismatch",
                                         "quant_mismatch", "actor_mismatch"))
    says_it = stance == "supports" or (features["coverage"] >= 0.75 and not disagrees
                                       and scored.features.get("main_predicate", 0.0) > 0)
    if restates or (quoted_claim and says_it):
        # Where the claim was made: its source, never its support.
        role, stance = "appearance", "supports"
        reasons.insert(0, f"reports {reporter_name or author or 'someone'} making the claim: "
                          "a source of the claim, not support")
    elif quoted_claim:
        # "X denies that ..." against a claim: X's word, not a fact either way.
        stance = "neutral"
        reasons.insert(0, f"reports what {reporter_name} says, not a fact")
    if stance != "neutral" and not reasons:
        reasons.append(f"says the same as the claim ({round(features['coverage'] * 100)} % of its words)"
                       if stance == "supports" else "disagrees with the claim")
    return Judgement(stance, probabilities[stance] if stance != "neutral" else max(
                         probabilities["neutral"], 1 - probabilities["contradicts"]),
                     probabilities, features, tuple(reasons), role,
                     speaker_match, tuple(opposed_terms))


def _same(a: str | None, b: str | None) -> bool:
    return bool(a and b and fold(a) == fold(b))


def _span_text(analysis: Analysis, m: Match) -> str:
    return analysis.text[analysis.tokens[m.start].start:analysis.tokens[m.end - 1].end]


def _actors(reading: ClaimReading, evidence: Analysis, pairs, lex: Lexicon, author, readers,
            canonical) -> bool | None:
    """True if a predicate's actor is the claim's, False if known and different, else None."""
    speaker = canonical(reading.claim.speaker) if reading.claim.speaker else None
    verdicts = set()
    for i, j in pairs:
        claimed = clauses.actor(reading.full, i, reading.lexicon, writer=speaker)
        found = clauses.actor(evidence, j, lex, writer=author, readers=readers)
        if claimed and found:
            verdicts.add(bool(claimed & found))
    if True in verdicts:
        return True
    return False if verdicts else None


def _same_side_pairs(claim: Analysis, evidence: Analysis, claim_lex: Lexicon, lex: Lexicon):
    """(claim token, sentence token) of words on the same side of an opposition."""
    found = lex.opposites.find(evidence.keys)
    return [(cm.start, em.start) for cm in claim_lex.opposites.find(claim.keys) for em in found
            if em.value == cm.value]


def _claim_has_actor(reading: ClaimReading, pairs) -> bool:
    return any(clauses.actor(reading.full, i, reading.lexicon) for i, _ in pairs)


def _numbers(claim: Analysis, evidence: Analysis, weight: float, features: dict,
             reasons: list[str]) -> None:
    for q in claim.quantities:
        comparable = [e for e in evidence.quantities if q.comparable(e)]
        if not comparable:
            # The claim gives a figure the sentence cannot confirm.
            features["num_unverified"] = 1.0
            continue
        if any(q.agrees(e) for e in comparable):
            features["num_match"] = 1.0
        elif weight > 0:
            features["num_mismatch"] = weight
            reasons.append(f"numbers differ: “{q.text}” vs “{comparable[0].text}”")
            return


def _dates(reading: ClaimReading, candidate, evidence: Analysis, weight: float, features: dict,
           reasons: list[str]) -> None:
    if not reading.dates:
        return
    evidence_dates = [d.date for d in evidence.dates]
    if not evidence_dates:
        first_hand = first_hand_date(candidate)
        if first_hand is None:
            # The claim gives a date the sentence cannot confirm.
            features["date_unverified"] = 1.0
            return
        evidence_dates = [first_hand]
    for mention in reading.dates:
        if any(date_fits(mention, d) for d in evidence_dates):
            features["date_match"] = 1.0
        elif weight > 0:
            features["date_mismatch"] = weight
            reasons.append(f"dates differ: the claim says “{mention.text}”, the sentence "
                           f"{evidence_dates[0].iso}")
            return


def date_fits(mention: DateMention, when: PartialDate) -> bool:
    """Whether an event dated `when` fits the claim's "in/by/before/after/since/until <date>"."""
    target = mention.date
    relation = mention.relation or "in"
    if relation == "in":
        return when.overlaps(target)
    if relation == "before":
        return when.start < target.start
    if relation in ("by", "until"):
        return when.start < target.end
    if relation == "since":
        return when.end > target.start
    if relation == "after":
        return when.start >= target.end
    return True


def _quantifiers(claim: Analysis, evidence: Analysis, claim_lex: Lexicon, lex: Lexicon,
                 evidence_neg: frozenset[int], weight: float, features: dict, reasons: list[str]) -> None:
    claim_kinds = {m.value for m in claim_lex.quantifiers.find(claim.keys)}
    evidence_kinds = {m.value for m in lex.quantifiers.find(evidence.keys)
                      if not any(i in evidence_neg for i in range(m.start, m.end))}
    if claim_kinds and evidence_kinds and claim_kinds.isdisjoint(evidence_kinds) and weight > 0:
        features["quant_mismatch"] = weight
        reasons.append(f"quantities differ: the claim says {'/'.join(sorted(claim_kinds))}, "
                       f"the sentence {'/'.join(sorted(evidence_kinds))}")
