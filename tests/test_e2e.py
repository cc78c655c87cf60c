"""End to end on the fixture corpus: verdicts, attribution of quoted text, the three files."""

from __future__ import annotations

import json

from factcheck.render import write_reports

from .conftest import CORPUS


def by_id(report):
    return {v.claim.id: v for v in report.verdicts}


def test_e2e_every_claim_meets_its_expectation(fixture_report):
    failures = [(v.claim.id, v.claim.expect, v.verdict) for v in fixture_report.verdicts if not v.passed]
    assert failures == []


def test_e2e_quoted_text_is_evidence_of_its_author_not_of_the_replier(fixture_report):
    alice = by_id(fixture_report)["t01"]
    against = [e for e in alice.evidence if e.stance == "contradicts"]
    assert any(e.text == "We will not sell the company to Borealis." and e.author.startswith("Alice Martin")
               and not e.quoted for e in against)
    for v in fixture_report.verdicts:
        for e in v.evidence:
            if "will not sell the company" in e.text:
                assert e.author.startswith("Alice Martin")


def test_e2e_evidence_is_verbatim_from_its_document(fixture_report):
    from factcheck.corpus.load import load_corpus
    documents = {d.id: d for d in load_corpus(CORPUS)[0]}
    for v in fixture_report.verdicts:
        for e in (*v.evidence, *v.claimant_record, *v.appearances):
            document = documents[e.doc_id]
            source = document.text if e.field == "text" else dict(document.translations)[e.field.split(".")[1]]
            assert source[e.start:e.end] == e.text


def test_e2e_french_html_email_is_evidence(fixture_report):
    v = by_id(fixture_report)["t06"]
    assert v.verdict == "supported"
    assert any(e.doc_id == "d1@acme.example" and e.author.startswith("Dana Roy") for e in v.evidence)


def test_e2e_the_claim_made_by_its_speaker_is_its_source_not_support(fixture_report):
    v = by_id(fixture_report)["t04"]
    assert [e.doc_id for e in v.appearances] == ["stat-2021-01"]
    assert all(e.doc_id != "stat-2021-01" for e in v.evidence)


def test_e2e_numbers_contradict(fixture_report):
    v = by_id(fixture_report)["t05"]
    assert v.verdict == "contradicted" and "numbers differ" in v.evidence[0].reasons[0]


def test_e2e_three_files(fixture_report, tmp_path):
    write_reports(fixture_report, tmp_path)
    data = json.loads((tmp_path / "results.json").read_text())
    assert data["corpus"]["documents"] == 11 and data["corpus"]["languages"] == {"en": 8, "fr": 3}
    assert len(data["claims"]) == 8
    md = (tmp_path / "report.md").read_text()
    assert "## 1. Alice Martin wanted to sell Acme Rail to Borealis" in md
    html = (tmp_path / "report.html").read_text()
    assert 'id="claim-t01"' in html and html.count('type="application/ld+json"') == 8


def test_e2e_dataframe(fixture_report):
    frame = fixture_report.to_dataframe()
    assert list(frame["id"]) == [f"t0{i}" for i in range(1, 9)]
    assert set(frame["verdict"]) <= {"supported", "contradicted", "mixed", "not_enough_evidence"}
    evidence = fixture_report.evidence_dataframe()
    assert {"claim_id", "section", "stance", "author", "text"} <= set(evidence.columns)
