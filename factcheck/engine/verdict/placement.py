"""Placement: what each judged sentence is to the claim before the verdict weighs it - evidence,
or where the claim itself was made (its source, never its support) - which sentences a report
shows, and the claimant's own record."""

from __future__ import annotations

import dataclasses

from factcheck.config import StanceSettings
from factcheck.model import ClaimReading, Evidence, Judgement
from factcheck.text.aliases import Aliases

# The features that say a sentence disagrees with the claim in some way.
DISAGREEMENT = ("neg_mismatch", "opposed", "num_mismatch", "date_mismatch", "quant_mismatch", "actor_mismatch")


def place(reading: ClaimReading, judgement: Judgement, settings: StanceSettings,
          aliases: Aliases) -> Judgement:
    """The judgement as evidence, as an appearance of the claim, or as someone's word only."""
    features = judgement.features
    stance, role, reasons = judgement.stance, "evidence", list(judgement.reasons)
    coverage = features.get("coverage", 0.0)
    reported = bool(features.get("reported"))
    quoted_claim = reported and not reading.attitude_holder and coverage >= settings.appearance_coverage
    restates = stance == "supports" and reading.speaker and aliases.same(judgement.author, reading.speaker) \
        and coverage >= settings.restatement_coverage
    disagrees = any(features.get(k) for k in DISAGREEMENT)
    says_it = stance == "supports" or (coverage >= settings.says_it_coverage and not disagrees
                                       and judgement.main_predicate > 0)
    if restates or (quoted_claim and says_it):
        role, stance = "appearance", "supports"
        reasons.insert(0, f"reports {judgement.reporter or judgement.author or 'someone'} making the "
                          "claim: a source of the claim, not support")
    elif quoted_claim:
        # "X denies that ..." against a claim: X's word, not a fact either way.
        stance = "neutral"
        reasons.insert(0, f"reports what {judgement.reporter} says, not a fact")
    if stance != "neutral" and not reasons:
        reasons.append(f"says the same as the claim ({round(coverage * 100)} % of its words)"
                       if stance == "supports" else "disagrees with the claim")
    p = judgement.probabilities
    confidence = p[stance] if stance != "neutral" else max(p["neutral"], 1 - p["contradicts"])
    return dataclasses.replace(judgement, stance=stance, role=role, reasons=tuple(reasons),
                               confidence=confidence)


def shown(items: list[tuple[Evidence, Judgement]], limit: int, verdict: str | None = None
          ) -> tuple[Evidence, ...]:
    """The evidence a report shows, at most `limit`: sentences taking a side first - those on
    the `verdict`'s side before the others, when it has one, so that a reader meets first
    what the verdict rests on - the surest and most relevant first; then the sentences that
    take no side, the most relevant first (how sure a sentence is to say nothing of the claim
    is no reason to show it sooner: on bench/primary's dev and train cases, ordering them so
    put the gold sentence in the top 3 for 89 of 132 claims, by relevance alone 91)."""
    first = {"supported": "supports", "contradicted": "contradicts"}.get(verdict or "")
    kept = [(e, j) for e, j in items if j.role == "evidence"]

    def order(item):
        evidence, judgement = item
        if judgement.stance == "neutral":
            return True, True, -evidence.score
        return False, judgement.stance != first, -judgement.confidence * evidence.score

    kept.sort(key=order)
    return tuple(e for e, _ in kept[:limit])


def appearances(items: list[tuple[Evidence, Judgement]]) -> tuple[Evidence, ...]:
    return tuple(e for e, j in items if j.role == "appearance")


def claimant_record(judged: list[tuple[Evidence, Judgement]], seen: set) -> tuple[Evidence, ...]:
    """Among the claim's speaker's own sentences (judged against the claim), those that go
    against the position the claim takes, oldest first; `seen` holds (doc, field, start) of
    sentences shown elsewhere."""
    record = []
    for evidence, judgement in judged:
        key = (evidence.doc_id, evidence.field, evidence.start)
        if key in seen or judgement.role != "evidence":
            continue
        if judgement.stance == "contradicts" or judgement.opposed_terms:
            seen.add(key)
            record.append(dataclasses.replace(evidence, stance="contradicts"))
    record.sort(key=lambda e: (e.date.sort_key() if e.date else "9999", e.doc_id))
    return tuple(record)
