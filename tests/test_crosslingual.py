"""A claim in one language against sentences in another that nobody translated: the glossary
(nlp.glossaries) carries the claim's words over, for the query and for the comparison.
Examples are made up for the tests."""

from __future__ import annotations

import json

import pytest

from factcheck import Checker
from factcheck.config import Settings
from factcheck.model import Claim
from factcheck.pairs import PairInput, PairJudge
from factcheck.text.lexicon import Lexicons

MAIL = [
    {"id": "m1", "text": "Dear all, I am writing to let you know that I resign from the board, effective "
                         "today. It has been an honour.", "date": "2021-02-03", "author": "Jane Roe",
     "kind": "email"},
    {"id": "m2", "text": "The weather was lovely at the company picnic and everybody enjoyed the food.",
     "date": "2021-06-01", "author": "John Smith", "kind": "email"},
    {"id": "m3", "text": "Le conseil municipal a voté contre le nouveau budget de la ville.",
     "date": "2022-03-01", "author": "Marie Curie", "kind": "statement"},
]


@pytest.fixture()
def corpus(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "mail.jsonl").write_text("\n".join(json.dumps(m) for m in MAIL), encoding="utf-8")
    return folder


def test_glossary_reads_both_ways():
    lexicons = Lexicons({}, glossaries=Settings().nlp.glossaries)
    french = lexicons.glossary("fr", "en")
    english = lexicons.glossary("en", "fr")
    assert ("resign",) in french.find([frozenset({"demissionner"})])[0].value
    assert ("demissionner",) in english.find([frozenset({"resign"})])[0].value
    assert not Lexicons({}).glossary("fr", "en")


@pytest.mark.parametrize("claim, lang, doc", [
    ("Jane Roe a démissionné du conseil d'administration en février 2021.", "fr", "m1"),
    ("The city council voted against the new budget.", "en", "m3"),
])
def test_a_claim_finds_and_is_supported_by_a_sentence_in_the_other_language(corpus, claim, lang, doc):
    checker = Checker(corpus)
    try:
        verdict = checker.check_claim(Claim(id="x", text=claim, lang=lang))
    finally:
        checker.close()
    supporting = [e for e in verdict.evidence if e.stance == "supports"]
    assert verdict.verdict == "supported" and supporting[0].doc_id == doc


def test_without_a_glossary_the_languages_stay_apart(corpus):
    checker = Checker(corpus, settings=Settings().replace(nlp={"glossaries": {}}))
    try:
        verdict = checker.check_claim(Claim(id="x", text="Jane Roe a démissionné du conseil d'administration "
                                                          "en février 2021.", lang="fr"))
    finally:
        checker.close()
    assert verdict.verdict == "not_enough_evidence"


def test_a_glossed_pair_keeps_its_negation():
    judge = PairJudge()
    result = next(judge.judge([PairInput(id="p", claim="Jane Roe n'a pas démissionné du conseil.",
                                         evidence="I resign from the board, effective today.",
                                         author="Jane Roe")]))
    assert result.stance == "refutes"
