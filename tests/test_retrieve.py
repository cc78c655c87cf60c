"""Retrieval: which of a claim's terms go into the full-text query."""

from __future__ import annotations

from factcheck.config import RetrieveSettings
from factcheck.engine.retrieve import fts_query, rarest_within

MIN_QUERY_GROUPS = RetrieveSettings().min_query_terms


class Frequencies:
    def __init__(self, table):
        self.table = table

    def term_frequencies(self, terms):
        return {t: self.table.get(t, 0) for t in terms}


STORE = Frequencies({"said": 90_000, "board": 40_000, "vote": 30_000, "acme": 120, "zorbax": 3,
                     "merger": 800, "non": 50_000, "profit": 20_000})


def test_retrieve_small_corpora_keep_every_term():
    groups = [("said",), ("board",), ("acme",)]
    assert rarest_within(groups, STORE, 1_000_000) == groups


def test_retrieve_large_corpora_drop_the_commonest_terms_first():
    groups = [("said",), ("acme",), ("board",), ("zorbax",), ("merger",), ("vote",)]
    kept = rarest_within(groups, STORE, 35_000)
    assert kept == [("acme",), ("zorbax",), ("merger",), ("vote",)]  # claim order kept


def test_retrieve_keeps_a_few_terms_however_common():
    groups = [("said",), ("board",), ("vote",), ("non", "profit")]
    kept = rarest_within(groups, STORE, 10)
    assert len(kept) == MIN_QUERY_GROUPS
    assert ("said",) not in kept  # the commonest goes


def test_retrieve_terms_the_corpus_lacks_take_no_place():
    groups = [("unheard",), ("said",), ("board",), ("vote",), ("nowhere",)]
    assert rarest_within(groups, STORE, 10) == [("said",), ("board",), ("vote",)]


def test_retrieve_a_phrase_costs_what_its_words_cost():
    groups = [("non", "profit"), ("board",), ("acme",), ("zorbax",)]
    assert rarest_within(groups, STORE, 45_000) == [("board",), ("acme",), ("zorbax",)]


def test_retrieve_query_quotes_user_text():
    assert fts_query([("a\"b",), ("non", "profit"), ("x\x00",)]) == '"a""b" OR "non profit" OR "x"'
