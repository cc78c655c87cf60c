"""Retrieve: pull candidate sentences for a read claim from the full-text index.

The query is the claim's content words (as indexed: lemmas and forms), widened with the
other names of the entities it mentions (aliases.yaml) and with the opposite terms of its
polar words, so that a sentence saying "for-profit" is found for a claim saying "non-profit",
with the synonyms of its words (nlp.synonyms: "let go" for "lay off"), and with their
translations (nlp.glossaries), so that a French claim finds English sentences the corpus has no
translation of.
"""

from __future__ import annotations

import json
import re

from factcheck.config import RetrieveSettings
from factcheck.model import Candidate, ClaimReading
from factcheck.store.sqlite import Store, row_date

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


def retrieve(reading: ClaimReading, store: Store, settings: RetrieveSettings, *,
             authors: tuple[str, ...] = ()) -> list[Candidate]:
    """The best candidates for a claim by BM25, optionally only from some authors (keys).

    With `postings`, the query keeps the claim's rarest terms and leaves out the commonest
    ones once the index entries it would read pass that number: an OR-query costs what its
    terms' posting lists hold, and on a large corpus a common word costs the most and tells
    the least. The reranking still reads every word of the claim."""
    groups = rarest_within(query_groups(reading), store, settings.query_postings, keep=settings.min_query_terms)
    query = fts_query(groups)
    if not query:
        return []
    return candidates_from_rows(store, store.search(query, settings.limit, authors=authors))


def query_groups(reading: ClaimReading) -> list[tuple[str, ...]]:
    """The words and phrases a claim's query looks for, before any is left out for cost."""
    return [(t,) for t in reading.terms] + list(reading.alias_terms) + list(reading.opposite_terms) \
        + list(reading.gloss_terms())


def rarest_within(groups: list[tuple[str, ...]], store: Store, postings: int, *,
                  keep: int = 3) -> list[tuple[str, ...]]:
    """The groups (words, phrases) whose posting lists together stay within `postings`,
    rarest first, at least `keep` of them (however common); in their original order."""
    groups = list(dict.fromkeys(groups))
    frequencies = store.term_frequencies(w for g in groups for w in g)
    cost = {g: sum(frequencies.get(w, 0) for w in g) for g in groups}
    if sum(cost.values()) <= postings:
        return groups
    kept: set[tuple[str, ...]] = set()
    spent = 0
    # A term the corpus does not hold matches nothing: it takes no place among the few kept.
    for group in sorted((g for g in groups if cost[g]), key=lambda g: (cost[g], g)):
        if len(kept) >= keep and spent + cost[group] > postings:
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
