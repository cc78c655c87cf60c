"""The shipped case: the Musk–OpenAI record built from the two source articles.

Checks that the corpus invents nothing (every record's French text is in one of the two
articles, which the corpus holds verbatim), that the claims file is what the case needs,
and that every claim gets its expected verdict with the real engine.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from factcheck import Checker, load_claims
from factcheck.corpus.load import load_corpus

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus" / "openai-musk"
CLAIMS = ROOT / "claims" / "openai-musk.yaml"


def squash(text: str) -> str:
    return re.sub(r"[\s\u00a0\u202f]+", " ", text).strip()


@pytest.fixture(scope="module")
def documents():
    docs, errors = load_corpus(CORPUS)
    assert errors == []
    return docs


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    claims, errors = load_claims([CLAIMS])
    assert errors == []
    with Checker(CORPUS, db=tmp_path_factory.mktemp("om") / "index.db") as checker:
        return checker.check(claims)


def test_openai_musk_records_are_traceable_to_the_articles(documents):
    articles = [d for d in documents if d.kind == "article"]
    assert len(articles) == 2 and all(a.lang == "fr" and a.date.iso == "2024-12" for a in articles)
    source_text = squash(" ".join(a.text for a in articles))
    records = [d for d in documents if d.kind != "article"]
    assert len(records) >= 35
    for record in records:
        for fragment in re.split(r"(?<=[.!?»])\s+(?=[«A-ZÀ-Ý])", squash(record.text)):
            assert fragment in source_text, (record.id, fragment)
        assert record.note and re.search(r"seed 00[02], line \d+", record.note), record.id
        assert dict(record.translations).get("en"), record.id
        assert record.source and record.author and record.lang == "fr"


def test_openai_musk_records_keep_partial_dates(documents):
    precisions = Counter(d.date.precision for d in documents if d.date)
    assert precisions["year"] and precisions["month"] and precisions["day"]
    assert sum(d.date is None for d in documents) == 1  # the undated text message


def test_openai_musk_claims_file_covers_the_case():
    claims, errors = load_claims([CLAIMS])
    assert errors == []
    expected = Counter(c.expect for c in claims)
    assert len(claims) >= 40
    assert expected["supported"] >= 12 and expected["contradicted"] >= 12
    assert expected["mixed"] + expected["not_enough_evidence"] >= 6
    assert sum(c.lang == "fr" for c in claims) >= 10


def test_openai_musk_every_claim_gets_its_expected_verdict(report):
    wrong = [(v.claim.id, v.claim.expect, v.verdict, v.rationale) for v in report.verdicts if not v.passed]
    assert wrong == []


def test_openai_musk_claimants_own_record(report):
    betrayal = next(v for v in report.verdicts if v.claim.id == "om-01")
    record = {e.doc_id: e for e in betrayal.claimant_record}
    assert "om-2015-11-20-musk-email" in record
    assert any(e.date and e.date.year == 2017 for e in record.values())
    assert all(e.author == "Elon Musk" for e in record.values())
    assert all(e.date.start < betrayal.claim.date.end for e in record.values() if e.date)
    # The accusation itself is where the claim was made, not evidence for it.
    assert [e.doc_id for e in betrayal.appearances] == ["om-2024-11-musk-accuses-betrayal"]
    assert all(e.doc_id != "om-2024-11-musk-accuses-betrayal" for e in betrayal.evidence)


def test_openai_musk_results_json(report):
    data = report.to_dict()
    om01 = next(c for c in data["claims"] if c["id"] == "om-01")
    assert om01["claimant_record"] and om01["claimant_record"][0]["date"] == "2015-11-20"
    json.dumps(data)


@pytest.mark.slow
def test_openai_musk_results_do_not_depend_on_string_hashing(tmp_path):
    """Python salts string hashes per process: nothing may iterate a set of words in an order
    that reaches the results (two equally long lexicon matches, two aligned words)."""
    import os
    import shutil
    import subprocess
    import sys

    runs = []
    for seed in ("1", "3"):
        corpus = tmp_path / f"corpus-{seed}"
        shutil.copytree(CORPUS, corpus, ignore=shutil.ignore_patterns(".factcheck"))
        out = tmp_path / f"out-{seed}"
        subprocess.run([sys.executable, "-m", "factcheck", "-q", "check", str(CLAIMS), "--corpus", str(corpus),
                        "--out", str(out), "--format", "json"], check=True,
                       env={**os.environ, "PYTHONHASHSEED": seed})
        claims = json.loads((out / "results.json").read_text())["claims"]
        runs.append([(c["verdict"], c["confidence"], c["rationale"],
                      [(e["doc_id"], e["start"], e["stance"], e["stance_confidence"]) for e in c["evidence"]])
                     for c in claims])
    assert runs[0] == runs[1]
