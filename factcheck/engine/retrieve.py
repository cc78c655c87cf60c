"""Retrieve: read a claim, then pull candidate sentences for it from the full-text index.

The query is the claim's content words (as indexed: lemmas and forms), widened with the
other names of the entities it mentions (aliases.yaml) and with the opposite terms of its
polar words, so that a sentence saying "for-profit" is found for a claim saying "non-profit".
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field

from factcheck.engine.stance.clauses import ACTOR_LABELS
from factcheck.text.dates import DateMention, PartialDate
from factcheck.store.sqlite import Store, row_date
from factcheck.text.lexicon import Lexicon, Match, fold, lexicon
from factcheck.model import Analysis, Claim
from factcheck.text.nlp import Segmenter


@dataclass(frozen=True)
class ClaimReading:
    """What the later stages need to know about a claim, read once."""

    claim: Claim
    lang: str
    light: Analysis
    full: Analysis
    lexicon: Lexicon
    # Index terms of the claim's content words, and their weights (inverse document frequency).
    terms: tuple[str, ...]
    idf: dict[str, float]
    entities: frozenset[str]  # canonical names
    speaker: str | None  # canonical
    # Who the claim reports the words or wishes of ("X wanted/said/proposed ..."), if anyone.
    attitude_holder: str | None
    qualifiers: tuple[str, ...]
    dates: tuple[DateMention, ...]
    polar: tuple[Match, ...]  # opposites-lexicon matches in the claim
    alias_terms: tuple[tuple[str, ...], ...] = ()
    opposite_terms: tuple[tuple[str, ...], ...] = ()
    # Light-token indexes inside the claim's dates and inside its quantities: the stance stage
    # compares those as dates and numbers, so relevance asks for a date or a comparable
    # quantity there, not for the same words.
    date_tokens: frozenset[int] = frozenset()
    # What the claim asserts, as groups of light-token indexes (a verb, or a polar term), and
    # which of them is the main one (-1: none).
    predicates: tuple[tuple[int, ...], ...] = ()
    main_predicate: int = -1
    quantity_tokens: dict = field(default_factory=dict)  # token index -> Quantity

    @property
    def is_attitude(self) -> bool:
        return self.attitude_holder is not None


@dataclass(frozen=True)
class Candidate:
    """A sentence the index returned for a claim, with its document's details."""

    sentence_id: int
    doc_id: str
    field: str
    start: int
    end: int
    text: str
    lang: str
    author: str | None
    author_key: str | None
    date: PartialDate | None
    quoted: bool
    bm25: float
    kind: str | None = None
    source: str | None = None
    url: str | None = None
    title: str | None = None
    doc_date: PartialDate | None = None
    provenance: str | None = None
    recipients: tuple[str, ...] = ()
    # The sentences around this one, read for what it is about ("this proposal").
    before: str = ""
    after: str = ""


def read_claim(claim: Claim, segmenter: Segmenter, store: Store | None = None) -> ClaimReading:
    lang = segmenter.language(claim.text, claim.lang)
    cache = store
    light = segmenter.analyze([claim.text], lang, full=False, cache=cache)[0]
    full = segmenter.analyze([claim.text], lang, full=True, cache=cache)[0]
    lex = lexicon(lang)
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
        claim=claim, lang=lang, light=light, full=full, lexicon=lex, terms=terms, idf=idf,
        entities=entities, speaker=aliases.canonical(claim.speaker) if claim.speaker else None,
        attitude_holder=holder, qualifiers=qualifiers, dates=full.dates,
        polar=polar, alias_terms=tuple(dict.fromkeys(alias_terms)),
        opposite_terms=tuple(dict.fromkeys(opposite_terms)),
        date_tokens=frozenset(i for i, t in enumerate(light.tokens)
                              if any(d.start <= t.start < d.end for d in full.dates)),
        quantity_tokens={i: q for i, t in enumerate(light.tokens) for q in full.quantities
                         if q.start <= t.start < q.end},
        predicates=predicates, main_predicate=main)


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
        if analysis.parsed:
            for i, t in enumerate(tokens):
                if t.head == v and t.dep.startswith("nsubj") and i in entity_at:
                    return entity_at[i].canonical
                # "Ann's demand", "the proposal by Ann"
                if t.head == v and t.dep in ("poss", "agent", "obl:agent") and i in entity_at:
                    return entity_at[i].canonical
        # Without a parse (or when the parse found no subject): the nearest entity before.
        before = [entity_at[i] for i in range(max(0, v - 6), v) if i in entity_at]
        if before:
            return before[-1].canonical
    return None


def _idf(store: Store, terms: tuple[str, ...]) -> dict[str, float]:
    """Inverse document frequency of each term among the indexed sentences."""
    total = store.sentence_count()
    frequencies = store.term_frequencies(terms)
    return {t: math.log((total + 1) / (frequencies.get(t, 0) + 0.5)) for t in terms}


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def fts_query(groups: list[tuple[str, ...]]) -> str:
    """An FTS5 OR-query of words and phrases, each quoted so no user text is syntax."""
    parts = []
    for words in groups:
        # Control characters (a NUL ends an SQL string early) are no part of any word.
        words = tuple(c for c in (_CONTROL.sub("", w) for w in words) if c.strip())
        if words:
            parts.append('"' + " ".join(w.replace('"', '""') for w in words) + '"')
    return " OR ".join(dict.fromkeys(parts))


def retrieve(reading: ClaimReading, store: Store, *, limit: int, postings: int | None = None,
             authors: tuple[str, ...] = (), extra_terms: tuple[tuple[str, ...], ...] = ()) -> list[Candidate]:
    """The best candidates for a claim by BM25, optionally only from some authors (keys).

    With `postings`, the query keeps the claim's rarest terms and leaves out the commonest
    ones once the index entries it would read pass that number: an OR-query costs what its
    terms' posting lists hold, and on a large corpus a common word costs the most and tells
    the least. The reranking still reads every word of the claim."""
    groups = [(t,) for t in reading.terms] + list(reading.alias_terms) + \
        list(reading.opposite_terms) + list(extra_terms)
    if postings is not None:
        groups = rarest_within(groups, store, postings)
    query = fts_query(groups)
    if not query:
        return []
    return candidates_from_rows(store, store.search(query, limit, authors=authors))


# However common they are, a query keeps this many of the claim's terms.
MIN_QUERY_GROUPS = 3


def rarest_within(groups: list[tuple[str, ...]], store: Store, postings: int) -> list[tuple[str, ...]]:
    """The groups (words, phrases) whose posting lists together stay within `postings`,
    rarest first, at least MIN_QUERY_GROUPS of them; in their original order."""
    groups = list(dict.fromkeys(groups))
    frequencies = store.term_frequencies(w for g in groups for w in g)
    cost = {g: sum(frequencies.get(w, 0) for w in g) for g in groups}
    if sum(cost.values()) <= postings:
        return groups
    kept: set[tuple[str, ...]] = set()
    spent = 0
    # A term the corpus does not hold matches nothing: it takes no place among the few kept.
    for group in sorted((g for g in groups if cost[g]), key=lambda g: (cost[g], g)):
        if len(kept) >= MIN_QUERY_GROUPS and spent + cost[group] > postings:
            break
        kept.add(group)
        spent += cost[group]
    return [g for g in groups if g in kept]


def candidates_from_rows(store: Store, rows) -> list[Candidate]:
    """Candidates for sentence rows of the index, with their documents' details."""
    documents = store.documents_by_rowid(r["doc_rowid"] for r in rows)
    around = store.neighbours(r["id"] for r in rows)
    candidates = []
    for row in rows:
        doc = documents[row["doc_rowid"]]
        before, after = around.get(row["id"], ("", ""))
        candidates.append(Candidate(
            sentence_id=row["id"], doc_id=doc["id"], field=row["field"], start=row["start"],
            end=row["end"], text=row["text"], lang=row["lang"], author=row["author"],
            author_key=row["author_key"], date=row_date(row["date"], row["date_precision"]),
            quoted=bool(row["quoted"]), kind=doc["kind"], source=doc["source"],
            url=doc["url"], title=doc["title"], doc_date=row_date(doc["date"], doc["date_precision"]),
            provenance=doc["provenance"], recipients=tuple(json.loads(doc["recipients"] or "[]")),
            before=before, after=after, bm25=-row["bm25"] if "bm25" in row.keys() else 0.0))
    return candidates
