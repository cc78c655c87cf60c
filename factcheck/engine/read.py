"""Read: a claim, once, into what every later stage needs - its words and their weights, its
entities, whose words or wishes it is about, its dates, its polar terms and its predicates."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from factcheck.model import Analysis, Claim, ClaimReading
from factcheck.text.folding import fold
from factcheck.text.lexicon import Lexicon, Lexicons
from factcheck.text.nlp import ACTOR_LABELS, Segmenter

if TYPE_CHECKING:
    from factcheck.store.sqlite import Store


def read_claim(claim: Claim, segmenter: Segmenter, lexicons: Lexicons,
               store: Store | None = None) -> ClaimReading:
    """The claim read once for every later stage; `store` gives word rarity (and caches the
    claim's analyses), without it every word weighs the same."""
    lang = segmenter.language(claim.text, claim.lang)
    cache = store
    light = segmenter.analyze([claim.text], lang, full=False, cache=cache)[0]
    full = segmenter.analyze([claim.text], lang, full=True, cache=cache)[0]
    lex = lexicons[lang]
    terms = tuple(dict.fromkeys(
        key for t in light.tokens if t.content for key in (fold(t.lemma), fold(t.text))))
    entities = frozenset(e.canonical for e in full.entities
                         if e.canonical and e.label in ("ALIAS", "PERSON", "ORG", "PER", "GPE", "LOC"))
    aliases = segmenter.aliases
    alias_terms: list[tuple[str, ...]] = []
    # In a fixed order: the query's order of terms changes BM25's float sums in their last
    # digits, and so which of two near-equal sentences makes the cut.
    for entity in sorted(entities):
        for name in aliases.names(entity):
            words = tuple(fold(w) for w in name.replace("-", " ").split() if w)
            if words:
                alias_terms.append(words)
    polar = tuple(lex.opposites.find(light.keys))
    opposite_terms = tuple(words for m in polar for words in lex.opposite_terms(m))
    qualifiers = tuple(dict.fromkeys(m.value for m in lex.qualifiers.find(full.keys)))
    idf = _idf(store, terms) if store is not None else {t: 1.0 for t in terms}
    holder = _attitude_holder(full, lex)
    predicates, main = claim_predicates(light, full, lex, polar, holder)
    return ClaimReading(
        claim=claim, lang=lang, light=light, full=full, lexicon=lex, lexicons=lexicons, aliases=aliases,
        terms=terms, idf=idf,
        entities=entities, speaker=aliases.canonical(claim.speaker) if claim.speaker else None,
        attitude_holder=holder, qualifiers=qualifiers, dates=full.dates,
        polar=polar, alias_terms=tuple(dict.fromkeys(alias_terms)),
        opposite_terms=tuple(dict.fromkeys(opposite_terms)),
        date_tokens=frozenset(i for i, t in enumerate(light.tokens)
                              if any(d.start <= t.start < d.end for d in full.dates)),
        quantity_tokens={i: q for i, t in enumerate(light.tokens) for q in full.quantities
                         if q.start <= t.start < q.end},
        predicates=predicates, main_predicate=main,
        glosses=_glosses(light, lang, lexicons, segmenter.settings.nlp.languages))


def _glosses(light: Analysis, lang: str, lexicons: Lexicons, languages) -> dict:
    """language -> light-token index -> the translations of the word (or the fixed phrase)
    there; in the claim's own language, its synonyms. Names, numbers and dates need none:
    they are compared as they are."""
    glosses: dict[str, dict[int, tuple[tuple[str, ...], ...]]] = {}
    for other in dict.fromkeys((lang, *languages)):
        table = lexicons.glossary(lang, other)
        if not table:
            continue
        by_token: dict[int, tuple[tuple[str, ...], ...]] = {}
        for match in table.find(light.keys):
            for i in range(match.start, match.end):
                if light.tokens[i].content:
                    by_token[i] = tuple(dict.fromkeys(by_token.get(i, ()) + match.value))
        if by_token:
            glosses[other] = by_token
    return glosses


def is_attitude_word(lex: Lexicon, token) -> bool:
    return bool(token.keys & (lex.attitude_verbs | lex.reporting_verbs))




def claim_predicates(light: Analysis, full: Analysis, lex: Lexicon, polar, holder):
    """What the claim asserts: its verbs, the word a copula links ("is a non-profit"), its
    polar terms - not a verb that only says whose wish it is, nor one that only links its
    complement ("stay a non-profit"). Returns the groups of light-token indexes and the
    index of the main group (the root's, else the first), or -1."""
    if len(full.tokens) != len(light.tokens):
        return (), -1
    has_complement = {t.head for t in full.tokens if t.dep in ("attr", "acomp", "oprd", "xcomp", "cop")}
    linking = {i for i, t in enumerate(full.tokens) if t.keys & lex.light_verbs and i in has_complement}
    units: list[tuple[int, ...]] = [tuple(i for i in range(m.start, m.end) if light.tokens[i].content)
                                    for m in polar]
    units = [u for u in units if u and not set(u) <= linking]
    in_polar = {i for u in units for i in u}
    main = -1
    for i, t in enumerate(full.tokens):
        is_predicate = t.pos == "VERB" or (t.dep == "ROOT" and t.pos in ("ADJ", "NOUN", "PROPN"))
        if not is_predicate or not light.tokens[i].content or i in in_polar:
            if t.dep == "ROOT" and i in in_polar:
                main = next(n for n, u in enumerate(units) if i in u)
            continue
        if holder and is_attitude_word(lex, t):
            continue
        if t.keys & lex.light_verbs and (i in has_complement or units):
            continue
        units.append((i,))
        if t.dep == "ROOT":
            main = len(units) - 1
    if main < 0 and units:
        # The root only links or wishes: the first verb is the point ("was the first to
        # question ..."), else the first polar term ("wanted X to stay a non-profit").
        verbs = [n for n, u in enumerate(units) if len(u) == 1 and u[0] not in in_polar]
        main = verbs[0] if verbs else 0
    return tuple(units), main


def _attitude_holder(analysis: Analysis, lex: Lexicon) -> str | None:
    """The entity whose words or wishes the claim is about: the subject of an attitude verb."""
    tokens = analysis.tokens
    verbs = [i for i, t in enumerate(tokens)
             if fold(t.lemma) in lex.attitude_verbs or fold(t.lemma) in lex.reporting_verbs
             or fold(t.text) in lex.attitude_verbs]
    if not verbs:
        return None
    entity_at = {i: e for e in analysis.entities if e.label in ACTOR_LABELS
                 for i in range(e.start, e.end)}
    for v in verbs:
        if analysis.parsed and tokens[v].pos in ("NOUN", "PROPN") and tokens[v].dep != "ROOT":
            # "Ann approved Bob's request": the claim is about Ann's act; the request is only
            # what she acted on, so its words are not what decides it.
            continue
        if analysis.parsed:
            v = _clause_with_subject(analysis, v)
            for i, t in enumerate(tokens):
                if t.head == v and t.dep.startswith("nsubj") and i in entity_at:
                    return entity_at[i].canonical
                # "Ann's demand", "the proposal by Ann"
                if t.head == v and t.dep in ("poss", "agent", "obl:agent") and i in entity_at:
                    return entity_at[i].canonical
            # A name the entity recogniser missed ("Roe asked ..."): the proper-noun subject.
            for i, t in enumerate(tokens):
                if t.head == v and t.dep.startswith("nsubj") and t.pos == "PROPN":
                    names = [k for k, u in enumerate(tokens) if u.head == i and u.dep in ("compound", "flat")
                             and u.pos == "PROPN"] + [i]
                    return " ".join(tokens[k].text for k in sorted(names))
        # Without a parse (or when the parse found no subject): the nearest entity before.
        before = [entity_at[i] for i in range(max(0, v - 6), v) if i in entity_at]
        if before:
            return before[-1].canonical
    return None


def _clause_with_subject(analysis: Analysis, verb: int) -> int:
    """The verb whose subject is `verb`'s: itself, or for a verb coordinated with another and
    left without a subject of its own ("Bo agreed to a trial but said ..."), the verb it
    shares it with - not the nearest name, which may be what the first verb acted on."""
    tokens = analysis.tokens
    while tokens[verb].dep == "conj" and 0 <= tokens[verb].head != verb and not any(
            t.head == verb and t.dep.startswith(("nsubj", "csubj")) for t in tokens):
        verb = tokens[verb].head
    return verb


def _idf(store: Store, terms: tuple[str, ...]) -> dict[str, float]:
    """Inverse document frequency of each term among the indexed sentences."""
    total = store.sentence_count()
    frequencies = store.term_frequencies(terms)
    return {t: math.log((total + 1) / (frequencies.get(t, 0) + 0.5)) for t in terms}
