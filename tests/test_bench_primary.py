"""bench/primary: the cases' data are consistent, and the scoring script runs."""

from __future__ import annotations

import re

import pytest
import yaml

from bench import primary
from factcheck import load_claims, load_corpus

CASES = sorted(primary.SPLITS)


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _words(document, *, quoted: bool) -> str:
    """The document's own words, or the words it quotes from others."""
    if not document.parts:
        return "" if quoted else document.text
    return " ".join(document.text[p.start:p.end] for p in document.parts if (p.role == "quoted") == quoted)


@pytest.mark.parametrize("case", CASES)
def test_case_data(case):
    folder = primary.ROOT / case
    documents, errors = load_corpus(folder / "corpus")
    assert not errors and documents
    # A record's translations are indexed as its text is: gold may quote one (an English claim's
    # deciding sentence in the English version of a French statement).
    # A reply quoting the deciding email holds its words too, but they are the quoted author's
    # and the engine reads them from the original: quotes count only where no document has
    # the passage as its own words (a quoted email that is not in the corpus).
    texts = [_norm(" ".join([_words(d, quoted=False), *(t for _, t in d.translations)])) for d in documents]
    quoted = [_norm(_words(d, quoted=True)) for d in documents]
    claims, claim_errors = load_claims([folder / "claims.yaml"])
    assert not claim_errors and claims
    expect = {c.id: c.expect for c in claims}
    assert all(e in {"supported", "contradicted", "mixed", "not_enough_evidence"} for e in expect.values())
    gold = yaml.safe_load((folder / "gold.yaml").read_text(encoding="utf-8"))
    for claim_id, passages in gold.items():
        assert expect.get(claim_id) not in (None, "not_enough_evidence"), claim_id
        assert passages, claim_id
        for passage in passages:
            hits = sum(_norm(passage) in text for text in texts) or sum(_norm(passage) in q for q in quoted)
            assert hits == 1, (claim_id, passage, hits)
    # Every claim with a verdict other than not_enough_evidence has gold.
    assert {i for i, e in expect.items() if e != "not_enough_evidence"} == set(gold)


def test_gold_found_matches_sentences():
    class E:
        def __init__(self, text):
            self.text = text
    assert primary.gold_found(["rose to 11°C for 40 minutes"], [E("It rose to 11°C for  40 minutes.")])
    assert primary.gold_found(["First sentence here. And the second one is longer"], [E("And the second one is longer")])
    assert not primary.gold_found(["rose to 11°C"], [E("a"), E("b"), E("c"), E("rose to 11°C")])


def test_script_on_one_case_blank(capsys):
    """The dev case with blank pipelines (about 10 s): the figures are well formed."""
    assert primary.main(["--cases", "harbor", "--blank", "--json"]) == 0
    import json
    result = json.loads(capsys.readouterr().out)
    case = result["cases"]["harbor"]
    claims, _ = load_claims([primary.ROOT / "harbor" / "claims.yaml"])
    assert case["split"] == "dev" and case["n"] == len(claims)
    assert 0.0 <= case["accuracy"] <= 1.0 and 0.0 <= case["macro_f1"] <= 1.0
    assert sum(sum(row.values()) for row in case["confusion"].values()) == len(claims)
    assert case["gold_top3"] is None or 0.0 <= case["gold_top3"] <= 1.0
    assert result["overall"]["n"] == len(claims)
    assert not list((primary.ROOT / "harbor" / "corpus").glob(".factcheck*"))
