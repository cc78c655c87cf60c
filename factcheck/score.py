"""Score: how relevant a candidate sentence is to a claim, 0-100.

The scorer follows rapidfuzz's shape - `relevance(reading, analysis, *, score_cutoff)` - and
`rank` follows `process.extract`. Relevance mixes rapidfuzz similarity with what spaCy read:
the share of the claim's content words the sentence covers, weighted by how rare each word is
in the corpus (a name found in every sentence says little), and the entities both mention.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rapidfuzz import fuzz

from .lexicon import fold
from .models import Analysis
from .retrieve import Candidate, ClaimReading
from .segment import Segmenter

# Two different words sharing this many first letters are taken as the same stem
# ("merger"/"merge", "privatiser"/"privatisation"), at a discount.
STEM_PREFIX = 5
STEM_CREDIT = 0.7


@dataclass(frozen=True)
class Scored:
    candidate: Candidate
    relevance: float
    features: dict[str, float] = field(compare=False)
    highlights: tuple[tuple[int, int], ...] = ()
    analysis: Analysis | None = field(default=None, compare=False)


def relevance(reading: ClaimReading, analysis: Analysis, *, author: str | None = None,
              score_cutoff: float | None = None) -> tuple[float, dict[str, float], set[int]]:
    """Relevance of a sentence to the claim, its components, and the matched token indexes.

    `author` is the sentence's author (canonical name): a sentence written by X covers the
    claim's mention of X, and - when the claim is about what X wanted or said - its verb of
    wanting or saying too ("we will not sell" is X saying what X wants).
    """
    keys = set().union(*analysis.keys) if analysis.tokens else set()
    stems = {k[:STEM_PREFIX] for k in keys if len(k) > STEM_PREFIX}
    entities = {e.canonical for e in analysis.entities if e.canonical}
    if author:
        entities_with_author = entities | {author}
    else:
        entities_with_author = entities
    groups = {m.value[0] for m in reading.lexicon.opposites.find(analysis.keys)}
    entity_tokens = {i for e in reading.light.entities for i in range(e.start, e.end)}
    covered_entity_tokens = {i for e in reading.light.entities if e.canonical in entities_with_author
                             for i in range(e.start, e.end)}
    polar_tokens = {i for m in reading.polar if m.value[0] in groups for i in range(m.start, m.end)}
    by_author = bool(author and reading.attitude_holder and fold(author) == fold(reading.attitude_holder))
    predicates = claim_predicates(reading)
    default_idf = max(reading.idf.values(), default=1.0)
    total = covered = 0.0
    predicate_total = predicate_covered = 0.0
    topical = False
    for i, token in enumerate(reading.light.tokens):
        if not token.content:
            continue
        weight = max((reading.idf.get(k, default_idf) for k in token.keys), default=default_idf)
        weight = max(weight, 0.1)
        credit = 0.0
        if token.keys & keys or i in covered_entity_tokens or i in polar_tokens:
            credit = 1.0
            topical = topical or i not in entity_tokens
        elif by_author and _is_attitude_word(reading, token):
            credit = 1.0
        elif any(len(k) > STEM_PREFIX and k[:STEM_PREFIX] in stems for k in token.keys):
            credit = STEM_CREDIT
            topical = topical or i not in entity_tokens
        total += weight
        covered += credit * weight
        if i in predicates:
            predicate_total += 1
            predicate_covered += credit
    coverage = covered / total if total else 0.0
    if not topical:
        # Only names in common ("Alice," at the end of an email): not about the claim.
        coverage *= 0.3
    claim_words = " ".join(reading.light.content_lemmas())
    words = " ".join(analysis.content_lemmas())
    token_set = fuzz.token_set_ratio(claim_words, words) / 100.0
    # partial_ratio finds a short text inside a long one: scale it by how long the sentence is
    # compared with the claim, or a one-word sentence would match perfectly.
    length = min(1.0, len(analysis.text) / max(1, len(reading.claim.text)))
    partial = length * fuzz.partial_ratio(fold(reading.claim.text), fold(analysis.text)) / 100.0
    entity_overlap = (len(reading.entities & entities_with_author) / len(reading.entities)) if reading.entities else 0.0
    score = 100.0 * (0.6 * coverage + 0.2 * token_set + 0.1 * partial + 0.1 * entity_overlap)
    features = {"coverage": coverage, "token_set": token_set, "partial": partial,
                "entity_overlap": entity_overlap,
                "predicate_coverage": predicate_covered / predicate_total if predicate_total else coverage}
    if score_cutoff is not None and score < score_cutoff:
        return 0.0, features, set()
    claim_keys = set().union(*(t.keys for t in reading.light.tokens if t.content)) if reading.light.tokens else set()
    claim_entity_names = {e.canonical for e in reading.light.entities}
    matched = {i for i, t in enumerate(analysis.tokens)
               if t.content and (t.keys & claim_keys)}
    matched |= {i for e in analysis.entities if e.canonical in claim_entity_names
                for i in range(e.start, e.end)}
    claim_groups = {m.value[0] for m in reading.polar}
    matched |= {i for m in reading.lexicon.opposites.find(analysis.keys) if m.value[0] in claim_groups
                for i in range(m.start, m.end)}
    return score, features, matched


def claim_predicates(reading: ClaimReading) -> set[int]:
    """Indexes (in the claim's light tokens) of what the claim asserts: its verbs and
    adjectives, not the verb that only says whose wish or words these are."""
    full, light = reading.full.tokens, reading.light.tokens
    if len(full) != len(light):
        return set()
    found = set()
    for i, t in enumerate(full):
        if t.pos in ("VERB", "ADJ") and light[i].content and not (
                reading.attitude_holder and _is_attitude_word(reading, t)):
            found.add(i)
    return found


def _is_attitude_word(reading: ClaimReading, token) -> bool:
    lex = reading.lexicon
    return bool(token.keys & (lex.attitude_verbs | lex.reporting_verbs))


def rank(reading: ClaimReading, candidates: list[Candidate], segmenter: Segmenter, *,
         limit: int | None = None, score_cutoff: float | None = None) -> list[Scored]:
    """Candidates reranked by relevance, best first, like rapidfuzz's `process.extract`."""
    by_lang: dict[str, list[Candidate]] = {}
    for candidate in candidates:
        by_lang.setdefault(candidate.lang, []).append(candidate)
    scored: list[Scored] = []
    for lang, group in by_lang.items():
        analyses = segmenter.analyze([c.text for c in group], lang, full=False)
        for candidate, analysis in zip(group, analyses):
            author = segmenter.aliases.canonical(candidate.author) if candidate.author else None
            score, features, matched = relevance(reading, analysis, author=author,
                                                 score_cutoff=score_cutoff)
            if score_cutoff is not None and score < score_cutoff:
                continue
            features["bm25"] = candidate.bm25
            highlights = _spans(analysis, matched)
            scored.append(Scored(candidate, round(score, 2), features, highlights, analysis))
    scored.sort(key=lambda s: (-s.relevance, s.candidate.sentence_id))
    return scored[:limit] if limit else scored


def _spans(analysis: Analysis, matched: set[int]) -> tuple[tuple[int, int], ...]:
    """Character spans of matched tokens, adjacent ones merged."""
    spans: list[list[int]] = []
    for i in sorted(matched):
        token = analysis.tokens[i]
        if spans and token.start - spans[-1][1] <= 1:
            spans[-1][1] = token.end
        else:
            spans.append([token.start, token.end])
    return tuple((a, b) for a, b in spans)
