"""Aggregation: per document, the speaker's own words, temporal qualifiers."""

from __future__ import annotations

import dataclasses

import pytest

from factcheck.config import NlpSettings, Settings
from factcheck.text.dates import parse_date
from factcheck.text.aliases import Aliases
from factcheck.model import Claim, Evidence
from factcheck.config import DEFAULT_LEXICONS, VerdictSettings
from factcheck.engine.read import read_claim as read_with
from factcheck.engine.verdict import decide as decide_with
from factcheck.engine.verdict import shown
from factcheck.model import Judgement
from factcheck.text.lexicon import Lexicons
from factcheck.text.nlp import Segmenter

LEXICONS = Lexicons(DEFAULT_LEXICONS)
RULES = VerdictSettings()


def read_claim(claim, seg):
    return read_with(claim, seg, LEXICONS)


def decide(reading, items, model=None):
    return decide_with(reading, items, RULES, model)

BLANK = Settings(nlp=NlpSettings(trained=False))


@pytest.fixture(scope="module")
def seg():
    return Segmenter(BLANK, Aliases({"Ann Lee": ("Ann",)}))


def item(stance, p=0.9, doc="d1", date=None, author="Ann Lee", speaker_match=True, role="evidence",
         hedged=False):
    probabilities = {"supports": 0.05, "contradicts": 0.05, "neutral": 0.05}
    probabilities[stance] = p
    evidence = Evidence(doc_id=doc, start=0, end=4, text="text", stance=stance, score=70.0,
                        date=parse_date(date) if date else None, author=author)
    judgement = Judgement(stance=stance, confidence=p, probabilities=probabilities,
                          features={"hedged": float(hedged)}, reasons=(), role=role,
                          speaker_match=speaker_match)
    return evidence, judgement


def verdict(seg, text, items, **claim):
    return decide(read_claim(Claim("c", text, **claim), seg), items).verdict


def test_verdict_no_side_is_not_enough_evidence(seg):
    assert verdict(seg, "Acme sold trains.", []) == "not_enough_evidence"
    assert verdict(seg, "Acme sold trains.", [item("neutral")]) == "not_enough_evidence"


def test_verdict_sides(seg):
    assert verdict(seg, "Acme sold trains.", [item("supports")]) == "supported"
    assert verdict(seg, "Acme sold trains.", [item("contradicts")]) == "contradicted"
    assert verdict(seg, "Acme sold trains.", [item("supports"), item("contradicts", doc="d2")]) == "mixed"


def test_verdict_one_document_counts_once(seg):
    weak = [item("supports", p=0.4, doc="same") for _ in range(5)]
    assert verdict(seg, "Acme sold trains.", weak) == "not_enough_evidence"
    spread = [item("supports", p=0.4, doc=f"d{i}") for i in range(5)]
    assert verdict(seg, "Acme sold trains.", spread) == "supported"


def test_verdict_hedged_evidence_counts_less(seg):
    assert verdict(seg, "Acme sold trains.", [item("supports", p=0.7, hedged=True)]) == "not_enough_evidence"


def test_verdict_always_falls_to_one_counterexample(seg):
    items = [item("supports", doc="d1", date="2015"), item("supports", doc="d2", date="2016"),
             item("contradicts", doc="d3", date="2017")]
    assert verdict(seg, "Ann always wanted to sell Acme.", items) == "contradicted"
    assert verdict(seg, "Ann wanted to sell Acme.", items) == "mixed"


def test_verdict_claims_about_wishes_need_the_speakers_words(seg):
    others = [item("supports", speaker_match=False, author="Bo")]
    result = decide(read_claim(Claim("c", "Ann wanted to sell Acme."), seg), others)
    assert result.verdict == "not_enough_evidence" and "own words" in result.rationale


def test_verdict_appearances_never_support(seg):
    assert verdict(seg, "Acme sold trains.", [item("supports", role="appearance")]) == "not_enough_evidence"


def test_verdict_since_only_counts_evidence_in_its_window(seg):
    old = [item("supports", date="2015")]
    assert verdict(seg, "Acme has sold trains since 2019.", old) == "not_enough_evidence"
    assert verdict(seg, "Acme has sold trains since 2019.", [item("supports", date="2020")]) == "supported"


def test_verdict_first_is_checked_against_the_order_of_evidence(seg):
    items = [item("supports", doc="a", date="2014", author="Bo Stone", speaker_match=True),
             item("supports", doc="b", date="2016", author="Ann Lee")]
    assert verdict(seg, "Ann was the first to sell trains.", items) == "contradicted"
    items = [item("supports", doc="a", date="2018", author="Bo Stone"),
             item("supports", doc="b", date="2016", author="Ann Lee")]
    assert verdict(seg, "Ann was the first to sell trains.", items) == "supported"


def test_verdict_rationale_names_the_decisive_evidence(seg):
    evidence, judgement = item("contradicts", date="2017-09-20")
    result = decide(read_claim(Claim("c", "Acme sold trains."), seg), [(evidence, judgement)])
    assert result.rationale.startswith("Contradicted by Ann Lee (2017-09-20): “text”")
    assert 0 < result.confidence <= 1


# --- the learned weighing ------------------------------------------------------------------------


def test_verdict_claim_features_sum_up_each_side(seg):
    from factcheck.engine.verdict import CLAIM_FEATURES, claim_features

    reading = read_claim(Claim("c", "Acme sold trains."), seg)
    features = claim_features(reading, [item("supports", p=0.8, doc="d1"), item("supports", p=0.6, doc="d2"),
                                        item("contradicts", p=0.7, doc="d3"), item("neutral", doc="d4")], RULES)
    assert set(features) == set(CLAIM_FEATURES)
    assert features["support"] == pytest.approx(1 - 0.2 * 0.4)
    assert features["against"] == pytest.approx(0.7)
    assert features["support_sources"] == pytest.approx(2 / 5)
    assert features["evidence_items"] == pytest.approx(4 / 16)
    empty = claim_features(reading, [], RULES)
    assert empty["support"] == empty["against"] == empty["top_relevance"] == 0.0 and empty["top_neutral"] == 1.0


def test_verdict_learned_weighing_decides_with_its_own_confidence(seg):
    from factcheck.engine.verdict import VerdictModel, claim_features

    # Leans on the share of supporting sources, against a constant pull to "not enough".
    model = VerdictModel({"supported": {"bias": -2.0, "support_sources": 12.0},
                          "contradicted": {"bias": -2.0, "against_sources": 12.0},
                          "mixed": {"bias": -5.0, "both": 8.0},
                          "not_enough_evidence": {"bias": 0.0}})
    reading = read_claim(Claim("c", "Acme sold trains."), seg)
    weak = [item("supports", p=0.55, doc=f"d{i}") for i in range(3)]
    outcome = decide(reading, weak, model)
    assert outcome.verdict == "supported"
    assert outcome.confidence == pytest.approx(
        model.probabilities(claim_features(reading, weak, RULES))["supported"], abs=1e-3)
    assert outcome.rationale.startswith("Supported by")
    # Only a model whose file says it was calibrated gives calibrated confidences.
    assert not outcome.calibrated
    assert decide(reading, weak, dataclasses.replace(model, calibrated=True)).calibrated
    assert decide(reading, [], model).verdict == "not_enough_evidence"
    # The rules on temporal qualifiers still come first.
    always = read_claim(Claim("c", "Ann always sold trains."), seg)
    assert decide(always, [item("contradicts", date="2017")], model).verdict == "contradicted"


def test_verdict_shipped_learned_weighing_loads():
    from factcheck.model import VERDICTS
    from factcheck.engine.verdict import CLAIM_FEATURES, load_verdict_model

    model = load_verdict_model("verdict_model_learned.json")
    assert set(model.weights) <= set(VERDICTS)
    assert all(name in ("bias", *CLAIM_FEATURES) for w in model.weights.values() for name in w)


def test_a_report_shows_first_what_the_verdict_rests_on():
    items = [item("supports", p=0.95, doc="s"), item("contradicts", p=0.7, doc="c"), item("neutral", p=0.99, doc="n")]
    assert [e.doc_id for e in shown(items, 10)] == ["s", "c", "n"]  # the surest first
    assert [e.doc_id for e in shown(items, 10, "contradicted")] == ["c", "s", "n"]
    assert [e.doc_id for e in shown(items, 2, "not_enough_evidence")] == ["s", "c"]
    surest_against = [item("contradicts", p=0.95, doc="c"), item("supports", p=0.7, doc="s")]
    assert [e.doc_id for e in shown(surest_against, 10)] == ["c", "s"]
    assert [e.doc_id for e in shown(surest_against, 10, "supported")] == ["s", "c"]
    # Sentences that take no side come by relevance, not by how sure they are to say nothing.
    far, near = item("neutral", p=0.99, doc="far"), item("neutral", p=0.6, doc="near")
    near = (dataclasses.replace(near[0], score=80.0), near[1])
    assert [e.doc_id for e in shown([far, near], 10)] == ["near", "far"]
