"""Stance: does a sentence support the claim, contradict it, or neither?

Each candidate is read closely (parsed where a trained pipeline is present) and described
by features - negation in scope, opposed terms, numbers and dates that disagree, hedges,
who is speaking - which a small linear model (weights in `data/stance_model.json`) turns
into probabilities. The features also become the human-readable reasons in the reports.
"""

from __future__ import annotations

import functools
import json
import math
import re
from dataclasses import dataclass, field
from importlib import resources

from .dates import DateMention, PartialDate
from .lexicon import Lexicon, Match, fold, lexicon
from .models import STANCES, Analysis
from .retrieve import ClaimReading
from .score import Scored

QUOTE_MARKS = re.compile(r"[«»“”\"„]")
# Kinds whose date is the date of what they say (an article's date is only when it was
# published, not when what it reports happened).
FIRST_HAND_KINDS = frozenset({"email", "message", "quote", "statement", "event", "filing"})
PREDICATE_POS = frozenset({"VERB", "ADJ", "AUX"})

FEATURES = ("relevance", "coverage", "token_set", "entity_overlap", "predicate_coverage", "modal",
            "neg_mismatch", "opposed",
            "polar_agree", "num_mismatch", "num_match", "date_mismatch", "date_match",
            "quant_mismatch", "hedged", "contrast", "speaker_match", "speaker_other", "reported")


@dataclass(frozen=True)
class StanceModel:
    """Per-stance weights of a linear model over FEATURES, plus a bias."""

    weights: dict[str, dict[str, float]]
    description: str = ""

    def probabilities(self, features: dict[str, float]) -> dict[str, float]:
        scores = {stance: w.get("bias", 0.0) + sum(w.get(name, 0.0) * features.get(name, 0.0)
                                                   for name in FEATURES)
                  for stance, w in self.weights.items()}
        top = max(scores.values())
        exps = {s: math.exp(v - top) for s, v in scores.items()}
        total = sum(exps.values())
        return {s: exps.get(s, 0.0) / total for s in STANCES}


@functools.cache
def default_model() -> StanceModel:
    text = resources.files("factcheck.data").joinpath("stance_model.json").read_text("utf-8")
    data = json.loads(text)
    return StanceModel(data["weights"], data.get("description", ""))


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


# --- reading a sentence: negation scope and lexicon matches -------------------------------------


def negated(analysis: Analysis, lex: Lexicon, *, skip: frozenset[int] = frozenset()) -> set[int]:
    """Token indexes under a negation. With a parse: the negated head and its subtree, minus
    coordinated clauses ("not X but Y"); without: the words up to the next break."""
    return _negation(analysis, lex, skip)[0]


def _negation(analysis: Analysis, lex: Lexicon, skip: frozenset[int]) -> tuple[set[int], set[int]]:
    """(scope, heads): every token a negation reaches, and the words it directly negates."""
    tokens = analysis.tokens
    contrast = {i for m in lex.contrast.find(analysis.keys) for i in range(m.start, m.end)}
    scope: set[int] = set()
    heads: set[int] = set()
    for m in lex.negations.find(analysis.keys, skip=skip):
        if analysis.parsed:
            head = tokens[m.start].head
            if head < 0 or head == m.start:
                head = m.start
            scope |= _subtree(analysis, head, stop_at_conj=True)
            scope.add(m.start)
            heads.add(head)
        else:
            window = _window(analysis, m.start, contrast)
            scope |= window
            heads |= {i for i in window if abs(i - m.start) <= 2}
    return scope - contrast, heads


def _subtree(analysis: Analysis, root: int, *, stop_at_conj: bool) -> set[int]:
    children: dict[int, list[int]] = {}
    for i, t in enumerate(analysis.tokens):
        if t.head != i and t.head >= 0:
            children.setdefault(t.head, []).append(i)
    found, todo = set(), [root]
    while todo:
        node = todo.pop()
        found.add(node)
        for child in children.get(node, ()):
            if stop_at_conj and analysis.tokens[child].dep in ("conj", "parataxis") and child > root:
                continue
            todo.append(child)
    return found


def _window(analysis: Analysis, at: int, contrast: set[int]) -> set[int]:
    tokens = analysis.tokens
    found = {at}
    for i in range(at + 1, min(len(tokens), at + 7)):
        if i in contrast or tokens[i].text in {",", ";", ".", ":", "!", "?"}:
            break
        found.add(i)
    # French "ne ... pas" and English "do not" put the verb just before "pas"/after "not".
    for i in range(max(0, at - 2), at):
        if tokens[i].pos in PREDICATE_POS or not tokens[i].stop:
            found.add(i)
    return found


def _polar(analysis: Analysis, lex: Lexicon, negated_heads: set[int]) -> list[tuple[Match, int]]:
    """Opposites-lexicon matches with their effective side: flipped when the term itself is
    what a negation negates ("not a non-profit"), not when it merely sits in a negated clause."""
    found = []
    for m in lex.opposites.find(analysis.keys):
        group, side = m.value
        flipped = any(i in negated_heads for i in range(m.start, m.end))
        found.append((m, side ^ int(flipped)))
    return found


# --- the features ---------------------------------------------------------------------------


def judge(reading: ClaimReading, scored: Scored, analysis: Analysis, *,
          model: StanceModel | None = None, aliases=None) -> Judgement:
    """The stance of one candidate sentence (read with the full pipeline) on the claim."""
    model = model or default_model()
    lex = lexicon(analysis.lang) if analysis.lang == reading.lang else reading.lexicon
    claim = reading.full
    candidate = scored.candidate
    reasons: list[str] = []
    features = {name: 0.0 for name in FEATURES}
    features.update({k: scored.features.get(k, 0.0)
                     for k in ("coverage", "token_set", "entity_overlap", "predicate_coverage")})
    features["relevance"] = scored.relevance / 100.0
    coverage = features["coverage"]

    claim_polar_tokens = frozenset(i for m in reading.lexicon.opposites.find(claim.keys)
                                   for i in range(m.start, m.end))
    evidence_polar_tokens = frozenset(i for m in lex.opposites.find(analysis.keys)
                                      for i in range(m.start, m.end))
    claim_neg, claim_heads = _negation(claim, reading.lexicon, claim_polar_tokens)
    evidence_neg, evidence_heads = _negation(analysis, lex, evidence_polar_tokens)

    # Negation: aligned predicates negated on one side only.
    aligned = _aligned(claim, analysis)
    predicates = [(i, j) for i, j in aligned if claim.tokens[i].pos in PREDICATE_POS
                  or analysis.tokens[j].pos in PREDICATE_POS] or aligned
    if predicates:
        flips = [(i, j) for i, j in predicates if (i in claim_neg) != (j in evidence_neg)]
        if flips and len(flips) * 2 >= len(predicates):
            features["neg_mismatch"] = coverage
            i, j = flips[0]
            side = "the sentence" if j in evidence_neg else "the claim"
            reasons.append(f"negation: “{analysis.tokens[j].text}” is negated in {side} only")

    # Modality: the sentence's matching verb is only wished, proposed or possible.
    modal_word = _modal(claim, analysis, predicates, reading.lexicon, lex)
    if modal_word:
        features["modal"] = 1.0
        reasons.append(f"“{modal_word}”: the sentence speaks of a wish or a possibility, not a fact")

    # Opposed terms, each side's polarity corrected for negation.
    claim_sides = _polar(claim, reading.lexicon, claim_heads)
    evidence_sides = _polar(analysis, lex, evidence_heads)
    opposed_terms, agreeing = [], 0
    for cm, c_side in claim_sides:
        others = [(em, e_side) for em, e_side in evidence_sides if em.value[0] == cm.value[0]]
        if not others:
            continue
        if any(e_side == c_side for _, e_side in others):
            agreeing += 1
        against = [em for em, e_side in others if e_side != c_side]
        if against:
            opposed_terms.append(" ".join(cm.entry))
            em = against[0]
            if em.entry != cm.entry:  # the same word negated is already a negation reason
                reasons.append(f"opposed terms: “{_span_text(claim, cm)}” vs “{_span_text(analysis, em)}”")
    if opposed_terms:
        # Both sides present ("a C corp with a parallel non-profit") counts half.
        features["opposed"] = coverage * (0.5 if agreeing else 1.0)
    if agreeing and not opposed_terms:
        features["polar_agree"] = 1.0

    _numbers(claim, analysis, features, reasons)
    _dates(reading, candidate, analysis, features, reasons)
    _quantifiers(claim, analysis, reading.lexicon, lex, evidence_neg, features, reasons)

    if lex.hedges.find(analysis.keys):
        features["hedged"] = 1.0
    if lex.contrast.find(analysis.keys):
        features["contrast"] = 1.0

    reporter = _reporter(analysis, lex, evidence_neg)
    author = aliases.canonical(candidate.author) if aliases else candidate.author
    speaker_match = False
    holder = reading.attitude_holder
    if holder:
        quoting = bool(QUOTE_MARKS.search(analysis.text)) and any(
            e.canonical == holder for e in analysis.entities)
        if _same(author, holder) or _same(reporter, holder) or quoting:
            features["speaker_match"] = 1.0
            speaker_match = True
        else:
            features["speaker_other"] = 1.0
            reasons.append(f"about what {holder} said or wanted, but not in {holder}'s own words")
    if reporter is not None:
        features["reported"] = 1.0

    probabilities = model.probabilities(features)
    stance = max(probabilities, key=probabilities.get)
    role = "evidence"
    if stance == "supports":
        restates = reading.speaker and _same(author, reading.speaker) and coverage >= 0.7
        reports_claim = reporter is not None and not holder and coverage >= 0.5
        if restates or reports_claim:
            role = "appearance"
            who = reporter or author or "someone"
            reasons.insert(0, f"reports {who} making the claim: a source of the claim, not support")
    if stance != "neutral" and not reasons:
        reasons.append(f"says the same as the claim ({round(coverage * 100)} % of its words)"
                       if stance == "supports" else "disagrees with the claim")
    return Judgement(stance, probabilities[stance], probabilities, features, tuple(reasons), role,
                     speaker_match, tuple(opposed_terms))


def _same(a: str | None, b: str | None) -> bool:
    return bool(a and b and fold(a) == fold(b))


def _span_text(analysis: Analysis, m: Match) -> str:
    return analysis.text[analysis.tokens[m.start].start:analysis.tokens[m.end - 1].end]


def _aligned(claim: Analysis, evidence: Analysis) -> list[tuple[int, int]]:
    """Pairs (claim token, sentence token) that are the same content word."""
    index: dict[str, int] = {}
    for j, t in enumerate(evidence.tokens):
        if t.content:
            for key in t.keys:
                index.setdefault(key, j)
    pairs = []
    for i, t in enumerate(claim.tokens):
        if t.content:
            j = next((index[k] for k in t.keys if k in index), None)
            if j is not None:
                pairs.append((i, j))
    return pairs


def _modal(claim: Analysis, evidence: Analysis, pairs: list[tuple[int, int]], claim_lex: Lexicon,
           lex: Lexicon) -> str | None:
    """The word that makes the sentence's matching predicate irrealis when the claim's is not."""
    claim_words = {k for t in claim.tokens for k in t.keys}
    claim_modal = any(t.keys & claim_lex.modals for t in claim.tokens)
    for i, j in pairs:
        if evidence.parsed:
            governors = []
            node, seen = j, 0
            while seen < 3:
                head = evidence.tokens[node].head
                if head < 0 or head == node:
                    break
                governors.append(head)
                node, seen = head, seen + 1
            governors += [k for k, t in enumerate(evidence.tokens)
                          if t.head == j and t.dep in ("aux", "mark") and k != j]
        else:
            governors = list(range(max(0, j - 4), j))
        for g in governors:
            token = evidence.tokens[g]
            if token.keys & lex.modals and not (token.keys & claim_words) and not claim_modal:
                return token.text
    return None


def _numbers(claim: Analysis, evidence: Analysis, features: dict, reasons: list[str]) -> None:
    for q in claim.quantities:
        comparable = [e for e in evidence.quantities if q.comparable(e)]
        if not comparable:
            continue
        if any(q.agrees(e) for e in comparable):
            features["num_match"] = 1.0
        else:
            features["num_mismatch"] = features["coverage"]
            reasons.append(f"numbers differ: “{q.text}” vs “{comparable[0].text}”")
            return


def _dates(reading: ClaimReading, candidate, evidence: Analysis, features: dict,
           reasons: list[str]) -> None:
    if not reading.dates:
        return
    evidence_dates = [d.date for d in evidence.dates]
    if not evidence_dates:
        first_hand = candidate.date or (candidate.doc_date if candidate.kind in FIRST_HAND_KINDS else None)
        if first_hand is None or candidate.kind not in FIRST_HAND_KINDS:
            return
        evidence_dates = [first_hand]
    for mention in reading.dates:
        if any(date_fits(mention, d) for d in evidence_dates):
            features["date_match"] = 1.0
        else:
            features["date_mismatch"] = features["coverage"]
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
    if relation in ("after", "since"):
        return when.end > target.start if relation == "since" else when.start >= target.end
    return True


def _quantifiers(claim: Analysis, evidence: Analysis, claim_lex: Lexicon, lex: Lexicon,
                 evidence_neg: set[int], features: dict, reasons: list[str]) -> None:
    claim_kinds = {m.value for m in claim_lex.quantifiers.find(claim.keys)}
    evidence_kinds = {m.value for m in lex.quantifiers.find(evidence.keys)
                      if not any(i in evidence_neg for i in range(m.start, m.end))}
    if claim_kinds and evidence_kinds and claim_kinds.isdisjoint(evidence_kinds):
        features["quant_mismatch"] = features["coverage"]
        reasons.append(f"quantities differ: the claim says {'/'.join(sorted(claim_kinds))}, "
                       f"the sentence {'/'.join(sorted(evidence_kinds))}")


def _reporter(analysis: Analysis, lex: Lexicon, negation: set[int]) -> str | None:
    """Who the sentence reports as saying something ("X accuses Y of ..."), if it does."""
    entity_at = {i: e for e in analysis.entities for i in range(e.start, e.end)}
    for v, token in enumerate(analysis.tokens):
        if fold(token.lemma) not in lex.reporting_verbs or v in negation:
            continue
        if analysis.parsed:
            for i, t in enumerate(analysis.tokens):
                if t.head == v and (t.dep.startswith("nsubj") or t.dep in ("agent", "obl:agent")):
                    if i in entity_at:
                        return entity_at[i].canonical
                    return t.text
        before = [entity_at[i] for i in range(max(0, v - 6), v) if i in entity_at]
        if before:
            return before[-1].canonical
        after = [entity_at[i] for i in range(v + 1, min(len(analysis.tokens), v + 4)) if i in entity_at]
        if after:
            return after[0].canonical
    return None
