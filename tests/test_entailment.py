"""The entailment model: loading (and refusing what is not one), batched reading, its place
among the stance features. The shipped model is read where it is real; nothing here reads
../shared."""

from __future__ import annotations

import json
import shutil

import pytest

from factcheck.config import NlpSettings, Settings
from factcheck.engine.stance import FEATURES, entailments, load_stance_model
from factcheck.engine.stance.entailment import CLASSES, EntailmentModel, evidence_text, writer_name
from factcheck.engine.stance.features.entailment import entailment as entailment_feature
from factcheck.errors import InputError
from factcheck.pairs import PairInput, PairJudge


@pytest.fixture(scope="module")
def shipped() -> EntailmentModel:
    return EntailmentModel.load("entailment")


def test_entailment_writer_name_reads_mail_authors():
    assert writer_name("Jane Roe <jane@acme.com>") == "Jane Roe"
    assert writer_name("jane.roe@acme.com") == "Jane Roe"
    assert writer_name(None) is None
    assert evidence_text("I resign.", "Jane Roe <jane@acme.com>") == "Jane Roe: I resign."
    assert evidence_text("It rained.", None) == "It rained."


def test_entailment_probabilities_are_a_distribution_in_input_order(shipped):
    pairs = [("The board approved the merger.", "The board approved the merger in May."),
             ("Water boils at 100 degrees at sea level.", "Jane Roe: I will be late for lunch today, sorry."),
             ("The board approved the merger.", "The board rejected the merger outright after a long debate.")]
    batched = shipped.probabilities_many(pairs)
    assert [set(p) for p in batched] == [set(CLASSES)] * 3
    assert all(abs(sum(p.values()) - 1) < 1e-6 for p in batched)
    # A pair reads the same alone as among others (the int8 model must not see its neighbours).
    for pair, p in zip(pairs, batched):
        alone = shipped.probabilities(*pair)
        assert alone == p
    assert shipped.probabilities_many([]) == []


def test_entailment_tells_a_restatement_from_an_unrelated_sentence(shipped):
    same, unrelated = shipped.probabilities_many([
        ("The council approved the new budget in March.", "In March the council approved the new budget."),
        ("The council approved the new budget in March.", "The river flooded two villages last winter.")])
    assert same["supports"] > 0.5 > unrelated["supports"]
    assert unrelated["neutral"] > same["neutral"]


def test_entailment_model_json_says_what_it_was_fitted_on(shipped):
    assert shipped.meta["format"] == "factcheck-entailment"
    assert "train" in shipped.meta["fitted_on"]["split"]
    assert shipped.languages == frozenset({"en"})


def test_entailment_a_missing_or_foreign_folder_is_refused(tmp_path):
    with pytest.raises(InputError, match="no entailment model"):
        EntailmentModel.load(str(tmp_path / "nowhere"))
    folder = tmp_path / "model"
    folder.mkdir()
    with pytest.raises(InputError, match="lacks model.onnx"):
        EntailmentModel.load(str(folder))
    shipped_dir = tmp_path / "copy"
    from importlib import resources
    with resources.as_file(resources.files("factcheck.data").joinpath("entailment")) as source:
        shutil.copytree(source, shipped_dir)
    meta = json.loads((shipped_dir / "model.json").read_text())
    (shipped_dir / "model.json").write_text(json.dumps({**meta, "version": 99}))
    with pytest.raises(InputError, match="version"):
        EntailmentModel.load(str(shipped_dir))


def test_entailment_is_stance_features_with_a_reason():
    assert {"nli_supports", "nli_refutes", "nli_support_margin", "nli_refute_margin"} <= set(FEATURES)

    class FakePair:
        entailment = {"supports": 0.1, "refutes": 0.85, "neutral": 0.05}

    found = entailment_feature(FakePair())
    assert found.values == pytest.approx({"nli_supports": 0.1, "nli_refutes": 0.85,
                                          "nli_support_margin": 0.0, "nli_refute_margin": 0.75})
    assert any("opposite" in r for r in found.reasons)
    # A reading torn between the two sides leads neither by much.
    FakePair.entailment = {"supports": 0.45, "refutes": 0.40, "neutral": 0.15}
    torn = entailment_feature(FakePair()).values
    assert torn["nli_support_margin"] == pytest.approx(0.05) and torn["nli_refute_margin"] == 0.0
    FakePair.entailment = None
    assert set(entailment_feature(FakePair()).values.values()) == {0.0}


def test_entailment_the_learned_stance_model_names_it_and_the_default_does_not():
    learned = load_stance_model("stance_model_learned.json")
    assert learned.entailment_model is not None
    assert any(learned.weights[c].get("nli_supports") for c in learned.weights)
    assert load_stance_model("stance_model.json").entailment_model is None


def test_entailment_reads_only_pairs_in_its_languages_and_the_claims():
    judge = PairJudge(Settings(nlp=NlpSettings(trained=False)).replace(stance={"model": "stance_model_learned.json"}))
    pairs = [PairInput(id="en", claim="The club bought a new boat.", evidence="The club bought a new boat in May."),
             PairInput(id="fr", claim="Le club a acheté un bateau.", evidence="Le club a acheté un bateau neuf.",
                       lang="fr")]
    judgements = list(judge.judgements(pairs))
    assert judgements[0].features["nli_supports"] > 0
    # French is not a language this model was fitted on: its features stay 0.
    assert judgements[1].features["nli_supports"] == judgements[1].features["nli_refutes"] == 0.0


def test_entailment_none_without_a_model():
    model = load_stance_model("stance_model.json")
    assert entailments(model, None, [object(), object()]) == [None, None]


def test_entailment_reads_french_through_a_gloss_when_fitted_so(segmenter):
    """A model whose model.json says it was fitted on glossed French reads a French sentence
    (and a French claim) as an English gloss; one that was not gets no French pair."""
    import dataclasses

    from factcheck.engine.read import read_claim
    from factcheck.engine.stance import entailments_of
    from factcheck.model import Candidate, Claim, Scored
    from factcheck.text.lexicon import Lexicons

    settings = Settings()
    lexicons = Lexicons(settings.nlp.lexicons, glossaries=settings.nlp.glossaries,
                        synonyms=settings.nlp.synonyms, function_words=settings.nlp.function_words)
    seen = []

    class Recorder:
        evidence_fields = ("author",)
        languages = frozenset({"en"})
        glossed = frozenset({"fr"})

        def evidence(self, text, author, date=None, recipients=()):
            return text

        def probabilities_many(self, pairs):
            seen.extend(pairs)
            return [{"supports": 0.8, "refutes": 0.1, "neutral": 0.1} for _ in pairs]

    text = "Nous ne signerons pas l'accord."
    candidate = Candidate(sentence_id=0, doc_id="d", field="text", start=0, end=len(text), text=text, lang="fr",
                          author=None, author_key=None, date=None, quoted=False, bm25=0.0)
    scored = Scored(candidate, 50.0, {})
    analysis = segmenter.analyze([text], "fr", full=True)[0]
    reading = read_claim(Claim(id="c", text="The union refused to sign the agreement.", lang="en"), segmenter, lexicons)
    model = dataclasses.replace(load_stance_model("stance_model.json"), entailment_model=Recorder())
    found = entailments_of(model, [(reading, scored)], [analysis])
    assert found[0]["supports"] == 0.8
    assert seen[0][0] == "The union refused to sign the agreement."
    assert seen[0][1].startswith("we ") and "not" in seen[0][1] and "agreement" in seen[0][1]
    Recorder.glossed = frozenset()
    assert entailments_of(model, [(reading, scored)], [analysis]) == [None]
