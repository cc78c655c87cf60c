"""Score: how relevant a candidate sentence is to a claim, 0-100.

The scorer follows rapidfuzz's shape - `relevance(reading, analysis, *, score_cutoff)` - and
`rank` follows `process.extract`. Relevance mixes rapidfuzz similarity with what spaCy read:
the share of the claim's content words the sentence covers, weighted by how rare each word is
in the corpus (a name found in every sentence says little), and the entities both mention.
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz

from factcheck.config import ScoreSettings
from factcheck.engine.read import is_attitude_word
from factcheck.model import Analysis, Candidate, ClaimReading, Neighbourhood, Scored
from factcheck.text.folding import fold
from factcheck.text.nlp import Segmenter


@dataclass(frozen=True)
class Coverage:
    """How much of the claim a text covers: all its content words (weighted by rarity), its
    predicates, and whether anything beyond names is shared."""

    words: float
    predicates: float
    main_predicate: float  # the claim's main verb (or the term a light verb links)
    topical: bool


def coverage(reading: ClaimReading, analysis: Analysis | Neighbourhood, settings: ScoreSettings, *,
             author: str | None = None) -> Coverage:
    """`author` is the text's author (canonical name): a sentence written by X covers the
    claim's mention of X, and - when the claim is about what X wanted or said - its verb of
    wanting or saying too ("we will not sell" is X saying what X wants). The claim's dates do
    not count here, and its quantities are covered by any quantity of the same unit: whether
    they agree is for the stance stage to say."""
    keys = set().union(*analysis.keys) if analysis.keys else set()
    prefix = settings.stem_prefix
    stems: set[str] | None = None  # read when a word is not found as it is (few are)
    entities = {e.canonical for e in analysis.entities if e.canonical}
    if author:
        entities.add(author)
    groups = {m.value[0] for m in reading.lexicons[analysis.lang].opposites.find(analysis.keys)}
    # The author's name in the claim, where no aliases file made it an entity ("Jane Roe
    # resigned" against Jane Roe's "I resign"): a name is capitalised.
    author_words = {fold(w) for name in reading.aliases.names(author) for w in name.split()} if author else set()
    author_tokens = {i for i, t in enumerate(reading.light.tokens)
                     if t.text[:1].isupper() and fold(t.text) in author_words} if author_words else set()
    entity_tokens = reading.entity_tokens | author_tokens
    covered_entity_tokens = {i for e in reading.light.entities if named(reading, e.canonical, entities)
                             for i in range(e.start, e.end)} | author_tokens
    polar_tokens = {i for m in reading.polar if m.value[0] in groups for i in range(m.start, m.end)}
    by_author = bool(author and reading.attitude_holder and fold(author) == fold(reading.attitude_holder))
    credits: dict[int, float] = {}
    # Across languages, words spelt nearly alike are often the same word ("offer"/"offre").
    cognates = analysis.lang != reading.lang
    # Translations of the claim's words into the sentence's language, or their synonyms.
    glosses = reading.glosses.get(analysis.lang, {})
    gloss_credit = settings.gloss_credit if cognates else settings.synonym_credit
    total = covered = 0.0
    topical = False
    for i, token, weight in reading.weighted_words:
        credit = 0.0
        if i in reading.quantity_tokens:
            quantity = reading.quantity_tokens[i]
            credit = 1.0 if any(quantity.comparable(q) for q in analysis.quantities) else 0.0
            topical = topical or bool(credit)
        elif token.keys & keys or i in covered_entity_tokens:
            credit = 1.0
            topical = topical or i not in entity_tokens
        elif by_author and is_attitude_word(reading.lexicon, token):
            credit = 1.0
        elif i in polar_tokens:
            credit = settings.lexicon_credit
            topical = True
        elif i in glosses and _glossed(glosses[i], keys):
            credit = gloss_credit
            topical = topical or i not in entity_tokens
        else:
            if stems is None:
                stems = {k[:prefix] for k in keys if len(k) >= prefix}
            if any(len(k) >= prefix and k[:prefix] in stems for k in token.keys):
                credit = settings.stem_credit
                topical = topical or i not in entity_tokens
            elif cognates and _has_cognate(token.keys, keys, settings):
                credit = settings.cognate_credit
                topical = topical or i not in entity_tokens
        total += weight
        covered += credit * weight
        credits[i] = credit
    words = covered / total if total else 0.0
    units = [sum(credits.get(i, 0.0) for i in unit) / len(unit) for unit in reading.predicates]
    predicates = sum(units) / len(units) if units else words
    main = units[reading.main_predicate] if units and reading.main_predicate >= 0 else predicates
    return Coverage(words, predicates, main, topical)


def _glossed(translations: tuple[tuple[str, ...], ...], keys: set[str]) -> bool:
    return any(all(w in keys for w in words) for words in translations)


def _has_cognate(claim_keys: frozenset[str], keys: set[str], settings: ScoreSettings) -> bool:
    shortest = settings.cognate_min_length
    for claim_key in claim_keys:
        if len(claim_key) < shortest:
            continue
        for key in keys:
            if key[:1] == claim_key[:1] and len(key) >= shortest and \
                    fuzz.ratio(claim_key, key, score_cutoff=settings.cognate_min_ratio):
                return True
    return False


def relevance(reading: ClaimReading, analysis: Analysis, settings: ScoreSettings, *,
              author: str | None = None, context: Analysis | Neighbourhood | None = None,
              own: Coverage | None = None,
              score_cutoff: float | None = None) -> tuple[float, dict[str, float], set[int]]:
    """Relevance of a sentence to the claim, its components, and the matched token indexes.

    `context` is the sentence with its neighbours: what it is about ("this proposal") may be
    named just before or after it. `own` is the sentence's coverage, if known already.
    """
    own = own or coverage(reading, analysis, settings, author=author)
    words = own.words if own.topical else own.words * settings.names_only_discount
    around = coverage(reading, context, settings, author=author).words if context is not None else 0.0
    claim_words = " ".join(reading.light.content_lemmas())
    token_set = fuzz.token_set_ratio(claim_words, " ".join(analysis.content_lemmas())) / 100.0
    # partial_ratio finds a short text inside a long one: scale it by how long the sentence is
    # compared with the claim, or a one-word sentence would match perfectly.
    length = min(1.0, len(analysis.text) / max(1, len(reading.claim.text)))
    partial = length * fuzz.partial_ratio(fold(reading.claim.text), fold(analysis.text)) / 100.0
    entities = {e.canonical for e in analysis.entities if e.canonical} | ({author} if author else set())
    if context is not None:
        entities |= {e.canonical for e in context.entities if e.canonical}
    found = {c for c in reading.entities if named(reading, c, entities)}
    entity_overlap = len(found) / len(reading.entities) if reading.entities else 0.0
    # The neighbours tell what the sentence is about, but cannot make it say much more.
    topic = max(words, min(settings.context_weight * around, words + settings.context_lift)
                if own.topical else 0.0)
    w_topic, w_token_set, w_partial, w_entities = settings.weights
    score = 100.0 * (w_topic * topic + w_token_set * token_set + w_partial * partial
                     + w_entities * entity_overlap)
    features = {"coverage": words, "topic": topic,
                "token_set": token_set, "entity_overlap": entity_overlap,
                "predicate_coverage": own.predicates, "main_predicate": own.main_predicate,
                "missing_entity": float(bool(reading.entities - found))}
    if score_cutoff is not None and score < score_cutoff:
        return 0.0, features, set()
    claim_keys = set().union(*(t.keys for t in reading.light.tokens if t.content)) if reading.light.tokens else set()
    claim_entity_names = {e.canonical for e in reading.light.entities}
    matched = {i for i, t in enumerate(analysis.tokens) if t.content and (t.keys & claim_keys)}
    matched |= {i for e in analysis.entities if e.canonical in claim_entity_names
                for i in range(e.start, e.end)}
    claim_groups = {m.value[0] for m in reading.polar}
    matched |= {i for m in reading.lexicons[analysis.lang].opposites.find(analysis.keys) if m.value[0] in claim_groups
                for i in range(m.start, m.end)}
    return score, features, matched


def rank(reading: ClaimReading, candidates: list[Candidate], segmenter: Segmenter,
         settings: ScoreSettings, *, limit: int | None = None,
         score_cutoff: float | None = None) -> list[Scored]:
    """Candidates reranked by relevance, best first, like rapidfuzz's `process.extract`."""
    by_lang: dict[str, list[Candidate]] = {}
    for candidate in candidates:
        by_lang.setdefault(candidate.lang, []).append(candidate)
    scored: list[Scored] = []
    for lang, group in by_lang.items():
        analyses = segmenter.analyze([c.text for c in group], lang, full=False)
        authors = [segmenter.aliases.canonical(c.author) if c.author else None for c in group]
        owns = [coverage(reading, a, settings, author=author) for a, author in zip(analyses, authors)]
        # The neighbours are read only where they can change the score: for a sentence on
        # the claim's topic that does not already cover as much as they could bring, or one
        # that leaves out an entity of the claim they may name ("the company").
        needing = [i for i, (c, a, author, own) in enumerate(zip(group, analyses, authors, owns))
                   if (c.before or c.after) and ((own.topical and own.words < settings.context_weight)
                                                 or _misses_entity(reading, a, author))]
        # Quantities count only for a claim that has some (see coverage).
        windows = dict(zip(needing, segmenter.neighbourhoods([_window(group[i]) for i in needing], lang,
                                                             quantities=bool(reading.quantity_tokens))))
        for i, (candidate, analysis, author, own) in enumerate(zip(group, analyses, authors, owns)):
            score, features, matched = relevance(reading, analysis, settings, author=author,
                                                 context=windows.get(i), own=own,
                                                 score_cutoff=score_cutoff)
            if score_cutoff is not None and score < score_cutoff:
                continue
            scored.append(Scored(candidate, round(score, 2), features, _spans(analysis, matched)))
    scored.sort(key=lambda s: (-s.relevance, s.candidate.sentence_id))
    return scored[:limit] if limit else scored


def _misses_entity(reading: ClaimReading, analysis: Analysis, author: str | None) -> bool:
    names = {e.canonical for e in analysis.entities if e.canonical} | ({author} if author else set())
    return any(not named(reading, c, names) for c in reading.entities)


def named(reading: ClaimReading, entity: str | None, names: set[str]) -> bool:
    """Whether one of `names` is the claim's `entity` ("Jane Roe" for "Roe")."""
    return bool(entity) and (entity in names or any(reading.aliases.same(entity, n) for n in names))


def _window(candidate: Candidate) -> str:
    return " ".join(t for t in (candidate.before, candidate.text, candidate.after) if t)


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
