"""The entailment model: loading (and refusing what is not one), batched reading, its place
among the stance features. The shipped model is read where it is real; nothing here reads
../shared."""

from __future__ import annotations

import json
import shutil
from importlib import resources

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
    assert shipped.glossed == frozenset({"fr"})
    assert shipped.evidence_fields == ("author", "date", "to")


def test_entailment_a_missing_or_foreign_folder_is_refused(tmp_path):
    with pytest.raises(InputError, match="no entailment model"):
        EntailmentModel.load(str(tmp_path / "nowhere"))
    folder = tmp_path / "model"
    folder.mkdir()
    with pytest.raises(InputError, match="lacks model.onnx"):
        EntailmentModel.load(str(folder))
    shipped_dir = tmp_path / "copy"
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


def test_entailment_both_stance_models_name_it_and_the_default_weighs_its_support_margin():
    learned = load_stance_model("stance_model_learned.json")
    assert learned.entailment_model is not None
    assert any(learned.weights[c].get("nli_supports") for c in learned.weights)
    default = load_stance_model("stance_model.json")
    assert default.entailment_model is not None
    assert default.weights["supports"]["nli_support_margin"] > 0


def test_entailment_reads_french_through_its_gloss_and_only_the_claims_languages():
    judge = PairJudge(Settings(nlp=NlpSettings(trained=False)))
    pairs = [PairInput(id="en", claim="The club bought a new boat.", evidence="The club bought a new boat in May."),
             PairInput(id="fr", claim="Le club a acheté un bateau.", evidence="Le club a acheté un bateau neuf.",
                       lang="fr"),
             PairInput(id="de", claim="The club bought a new boat.", evidence="Der Verein kaufte ein neues Boot.",
                       lang="de")]
    judgements = list(judge.judgements(pairs))
    assert judgements[0].features["nli_supports"] > 0.5
    # The shipped model was fitted on glossed French: a French pair is read, and read as agreeing.
    assert judgements[1].features["nli_supports"] > judgements[1].features["nli_refutes"]
    # German is neither a language it reads nor one it glosses: its features stay 0.
    assert judgements[2].features["nli_supports"] == judgements[2].features["nli_refutes"] == 0.0


def test_entailment_none_without_a_model(tmp_path):
    data = json.loads((resources.files("factcheck.data") / "stance_model.json").read_text(encoding="utf-8"))
    data.pop("entailment")
    (tmp_path / "plain.json").write_text(json.dumps(data))
    model = load_stance_model(str(tmp_path / "plain.json"))
    assert model.entailment_model is None
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


def test_entailment_a_rule_that_found_an_offer_or_another_speaker_sets_its_reading_aside():
    model = load_stance_model("stance_model.json")
    assert "modal" in model.entailment_vetoes and "speaker_other" in model.entailment_vetoes
    sure = {name: 0.0 for name in FEATURES} | {"coverage": 1.0, "topic": 1.0, "predicate_coverage": 1.0,
                                               "nli_supports": 0.95, "nli_support_margin": 0.9}
    assert model.probabilities(sure)["supports"] > 0.9
    offer = sure | {"modal": 1.0}
    without_reading = offer | {"nli_supports": 0.0, "nli_support_margin": 0.0}
    assert model.probabilities(offer) == model.probabilities(without_reading)
    assert model.probabilities(offer)["supports"] < 0.5
    # A pair the model reads as agreeing, which is an offer: not what happened.
    result = next(PairJudge().judge([PairInput(id="o", claim="Acme delivered 40 units by March.",
                                               evidence="We can deliver 40 units by March.", author="Acme")]))
    assert result.stance == "neutral"
    read = [r for r in result.reasons if r.startswith("entailment model:")]
    assert read and all(r.endswith("not counted: another reason here rules it out") for r in read)


def test_entailment_refutes_count_only_on_the_claims_predicate_and_never_against_the_rules_support():
    model = load_stance_model("stance_model.json")
    assert model.refutes_require == ("predicate_coverage",) and model.meta["entailment_refutes_yield_to_rules"]
    about = {name: 0.0 for name in FEATURES} | {"coverage": 0.5, "topic": 0.6, "predicate_coverage": 0.5,
                                                "nli_refutes": 0.9, "nli_refute_margin": 0.85}
    unread = about | {"nli_refutes": 0.0, "nli_refute_margin": 0.0}
    # A sentence on the claim's predicate that the model reads as a denial: it counts.
    assert model.refutes_set_aside(about) is None
    assert model.probabilities(about)["contradicts"] > model.probabilities(unread)["contradicts"] + 0.3
    # The claim's names with none of its verbs ("he proposes a merger" against "they
    # rejected a merger"): the same reading is set aside.
    names_only = about | {"predicate_coverage": 0.0}
    assert "verbs" in model.refutes_set_aside(names_only)
    assert model.probabilities(names_only) == model.probabilities(names_only | {"nli_refutes": 0.0,
                                                                                "nli_refute_margin": 0.0})
    # The rules alone read the sentence as saying what the claim says: the model's denial yields.
    said = about | {"coverage": 1.0, "topic": 1.0, "predicate_coverage": 1.0, "token_set": 1.0}
    assert "rules" in model.refutes_set_aside(said)
    assert max(model.probabilities(said), key=model.probabilities(said).get) == "supports"
    # Its support reading is not gated so.
    assert model.refutes_set_aside(names_only | {"nli_refutes": 0.0, "nli_refute_margin": 0.0}) is None


def test_entailment_vetoes_must_be_features(tmp_path):
    data = json.loads((resources.files("factcheck.data") / "stance_model.json").read_text(encoding="utf-8"))
    (tmp_path / "bad.json").write_text(json.dumps({**data, "entailment_vetoes": ["modal", "moon_phase"]}))
    with pytest.raises(InputError, match="moon_phase"):
        load_stance_model(str(tmp_path / "bad.json"))
    (tmp_path / "bad.json").write_text(json.dumps({**data, "entailment_refutes_require": ["tide"]}))
    with pytest.raises(InputError, match="entailment_refutes_require names unknown features: tide"):
        load_stance_model(str(tmp_path / "bad.json"))
