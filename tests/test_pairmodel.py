"""The learned pair scorer: its features on hand-written pairs, its weights file, and the
primary-source pair generator. Nothing here reads ../shared."""

from __future__ import annotations

import json

import pytest

from bench.generate_pairs import generate
from factcheck.config import NlpSettings, Settings
from factcheck.errors import InputError
from factcheck.engine.stance.pairmodel import CLASSES, DENSE, PairFeaturizer, PairModel, PairWords
from factcheck.text.nlp import Segmenter


@pytest.fixture(scope="module")
def light() -> Segmenter:
    return Segmenter(Settings(nlp=NlpSettings(trained=False)))


@pytest.fixture(scope="module")
def featurizer() -> PairFeaturizer:
    return PairFeaturizer(PairWords.load())


def dense(light, featurizer, claim, evidence, lang="en"):
    a, b = light.analyze([claim, evidence], lang, full=False)
    return featurizer.both(a, b)


def test_a_negated_copy_gets_the_negation_feature(light, featurizer):
    same, _ = dense(light, featurizer, "The board approved the merger.", "The board approved the merger.")
    negated, sparse = dense(light, featurizer, "The board approved the merger.",
                            "The board did not approve the merger.")
    assert same["negation_mismatch"] == 0 and same["exact_copy"] == 1
    assert negated["negation_mismatch"] == 1 and negated["negation_evidence"] == 1
    assert negated["claim_coverage"] == 1.0  # the same words: only the negation differs
    assert "nege:approve" in sparse  # the negated word is one the claim has


def test_french_negation_is_read(light, featurizer):
    d, _ = dense(light, featurizer, "Le conseil accepte l'offre.", "Le conseil n'accepte pas l'offre.", "fr")
    assert d["negation_mismatch"] == 1 and d["lang_fr"] == 1


def test_a_changed_number_is_a_number_mismatch(light, featurizer):
    claim = "The company hired 40 engineers in Lyon."
    match, _ = dense(light, featurizer, claim, "The company hired 40 engineers in Lyon last year.")
    changed, sparse = dense(light, featurizer, claim, "The company hired 12 engineers in Lyon.")
    assert match["number_match"] == 1 and match["number_mismatch"] == 0
    assert changed["number_mismatch"] == 1 and changed["number_match"] == 0 and changed["number_lower"] == 1
    assert "sw:40|12" in sparse  # the swapped slot, as a learnable word pair


def test_a_bound_is_checked_against_the_aligned_value(light, featurizer):
    violated, _ = dense(light, featurizer, "Arsenal played more than 17 seasons.", "Arsenal played 17 seasons.")
    satisfied, _ = dense(light, featurizer, "Arsenal played more than 17 seasons.", "Arsenal played 18 seasons.")
    assert violated["number_violated"] == 1 and violated["number_satisfied"] == 0
    assert satisfied["number_satisfied"] == 1 and satisfied["number_violated"] == 0


def test_a_changed_date_and_an_opposite_word(light, featurizer):
    d, _ = dense(light, featurizer, "Sales increased in March 2020.", "Sales decreased in June 2020.")
    assert d["date_mismatch"] == 1 and d["opposite"] >= 1
    # "May" the month is no hedge.
    d, _ = dense(light, featurizer, "Sales rose in May 2020.", "Sales rose in May 2020.")
    assert d["hedge_mismatch"] == 0 and d["date_match"] == 1


def test_the_shipped_weights_load_and_score(light):
    model = PairModel.load()
    assert model.meta["training_data"] and model.hash_size > 0
    a, b = light.analyze(["The board approved the merger.", "The board approved the merger."], "en", full=False)
    p = model.probabilities(a, b)
    assert tuple(p) == CLASSES and abs(sum(p.values()) - 1) < 1e-6
    assert max(p, key=p.get) == "supports"
    assert set(model.features(a, b)) == set(DENSE)
    assert model.explain(a, b)
    negated = model.score_texts(light, "The board approved the merger.", "The board did not approve the merger.", "en")
    assert negated["refutes"] > p["refutes"]


def test_a_corrupt_weights_file_is_an_input_error_naming_it(tmp_path):
    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"not an npz file")
    with pytest.raises(InputError, match="bad.npz"):
        PairModel.load(bad)


def test_weights_fitted_with_other_word_lists_are_refused(tmp_path):
    model = PairModel.load()
    other = PairModel(PairFeaturizer(PairWords(model.featurizer.words.single, model.featurizer.words.multi,
                                               model.featurizer.words.opposite_sides,
                                               model.featurizer.words.comparators, "0" * 16)),
                      model.mean, model.scale, model.dense_weights, model.hashed_weights, model.bias)
    path = tmp_path / "stale.npz"
    other.save(path)
    with pytest.raises(InputError, match="stale.npz.*refit"):
        PairModel.load(path)


def test_weights_of_the_wrong_shape_are_refused(tmp_path):
    model = PairModel.load()
    other = PairModel(model.featurizer, model.mean, model.scale, model.dense_weights[:, :5],
                      model.hashed_weights, model.bias)
    path = tmp_path / "short.npz"
    other.save(path)
    with pytest.raises(InputError, match="dense_weights"):
        PairModel.load(path)


def test_the_generator_labels_its_variants(tmp_path, light):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    records = [
        {"id": "m1", "date": "2021-03-04", "author": "Jane Roe", "to": ["John Doe"], "kind": "email", "lang": "en",
         "text": "I recommend the budget of 40 dollars for the new office."},
        {"id": "m2", "date": "2021-05-02", "author": "John Doe", "to": ["Jane Roe"], "kind": "email", "lang": "en",
         "text": "The board approved the merger in March 2021."},
    ]
    (corpus / "records.jsonl").write_text("\n".join(json.dumps(r) for r in records), encoding="utf-8")
    rows = generate([corpus], light)
    by_kind = {(r["author"], r["kind"]): r for r in rows}
    assert by_kind[("Jane Roe", "restated")]["claim"] == "Jane Roe recommended the budget of 40 dollars for the new office."
    assert by_kind[("Jane Roe", "restated")]["label"] == "supports"
    assert by_kind[("Jane Roe", "negated")]["claim"] == "Jane Roe did not recommend the budget of 40 dollars for the new office."
    assert by_kind[("Jane Roe", "negated")]["label"] == "refutes"
    assert by_kind[("Jane Roe", "modal")]["claim"].startswith("Jane Roe might recommend")
    assert by_kind[("Jane Roe", "modal")]["label"] == "neutral"
    number = by_kind[("Jane Roe", "number")]
    assert number["label"] == "refutes" and "40" not in number["claim"]
    assert by_kind[("John Doe", "reported")]["claim"] == "John Doe said that the board approved the merger in March 2021"
    assert by_kind[("John Doe", "month")]["label"] == "refutes" and "March" not in by_kind[("John Doe", "month")]["claim"]
    assert by_kind[("John Doe", "unrelated")]["label"] == "neutral"
    # A swapped author or date is only visible in the metadata: marked so, never trained on as text.
    assert by_kind[("John Doe", "author_swap")]["text_only"] is False
    assert all(r["date"] and r["to"] for r in rows)
    assert {r["label"] for r in rows} == {"supports", "refutes", "neutral"}
