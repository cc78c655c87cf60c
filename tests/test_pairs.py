"""`factcheck pairs`: the stance of given claim-evidence pairs, and the readings issue 11 named
(first person, shortened names, modality, scope words, nominalisations, numbers that measure
different things). Examples are made up for the tests."""

from __future__ import annotations

import json
from importlib import resources

import pytest
from click.testing import CliRunner

from factcheck.cli import cli
from factcheck.config import Settings
from factcheck.pairs import PairJudge, PairInput
from factcheck.text.aliases import Aliases
from factcheck.text.quantities import find_quantities


@pytest.fixture(scope="module")
def judge():
    return PairJudge()


def stance(judge, claim, evidence, **fields):
    return next(judge.judge([PairInput(id="p", claim=claim, evidence=evidence, **fields)]))


def test_pairs_first_person_is_the_author(judge):
    result = stance(judge, "Jane Roe said she would vote against the budget.",
                    "I will vote against the budget.", author="Jane Roe <jane@city.example>")
    assert "not the same actor as in the claim" not in result.reasons
    other = stance(judge, "Jane Roe voted against the budget.", "I voted against the budget.",
                   author="Bob Ray <bob@city.example>")
    assert other.stance != "supports"


def test_pairs_a_negated_intention_refutes_the_act(judge):
    result = stance(judge, "Jane Roe supported the budget.", "I will not support the budget.", author="Jane Roe")
    assert result.stance == "refutes"


def test_pairs_an_offer_is_not_what_happened(judge):
    result = stance(judge, "Acme delivered 40 units by March.", "We can deliver 40 units by March.", author="Acme")
    assert result.stance == "neutral" and any("possibility" in r for r in result.reasons)


def test_pairs_excluded_from_any_stake_refutes_asking_for_one(judge):
    result = stance(judge, "Roe asked for a stake.", "I asked to be excluded from any stake.", author="Jane Roe")
    assert result.stance == "refutes"


def test_pairs_a_report_of_a_suggestion_speaks_to_it(judge):
    result = next(judge.judge([PairInput(
        id="n", claim="Roe suggested routing the deal through Acme.",
        evidence="Jane Roe's suggestion to route the deal through Acme was turned down.", author="Bob Ray")]))
    assert not any("not in Roe's own words" in r for r in result.reasons)


def test_pairs_shortened_names_are_one_entity():
    aliases = Aliases()
    assert aliases.same("Roe", "Jane Roe") and aliases.same("Jane Roe <jane@x.example>", "Roe")
    assert not aliases.same("Roe", "Jane Doe")
    # Names of two letters are too short to stand for a longer name.
    assert not aliases.same("Jo", "Jo Ann Lee Smith")
    # Two entities an aliases file tells apart stay apart.
    assert not Aliases({"Ann Lee": (), "Lee": ()}).same("Ann Lee", "Lee")


def test_pairs_numbers_of_different_things_are_not_compared():
    chance = find_quantities("a 0% chance of success")[0]
    share = find_quantities("50 to 60 percent of the company")[0]
    assert not chance.comparable(share)
    assert chance.comparable(find_quantities("a 10% chance of success")[0])


def test_pairs_command_keeps_order_and_names_bad_lines(tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join([
        json.dumps({"id": "a", "claim": "Acme sold the trains.", "evidence": "Acme did not sell the trains."}),
        "{not json",
        json.dumps({"id": "c", "claim": "Acme sold the trains.", "evidence": "Acme sold the trains in May."}),
        json.dumps({"id": "d", "claim": "x"}),
    ]) + "\n")
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(cli, ["pairs", str(source), "--out", str(out)])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert [line.get("id") for line in lines] == ["a", None, "c", None]
    assert lines[0]["stance"] == "refutes" and lines[2]["stance"] == "supports"
    assert set(lines[0]["p"]) == {"supports", "refutes", "neutral"}
    assert abs(sum(lines[0]["p"].values()) - 1) < 1e-3
    assert lines[1] == {"line": 2, "error": lines[1]["error"]} and "not JSON" in lines[1]["error"]
    assert "missing 'evidence'" in lines[3]["error"]
    assert f"{source}:2: not JSON" in result.output
    strict = CliRunner().invoke(cli, ["pairs", str(source), "--out", str(out), "--strict"])
    assert strict.exit_code == 2


def test_pairs_the_author_covers_their_name_without_an_aliases_file(judge):
    # "Jane Roe" is no entity of any aliases file here: her own "I" is the claim's "Jane Roe".
    result = stance(judge, "Jane Roe resigned from the board in February 2021.",
                    "I resign from the board, effective today.", author="Jane Roe", date="2021-02-03")
    assert result.stance == "supports"
    other = stance(judge, "Jane Roe resigned from the board in February 2021.",
                   "I resign from the board, effective today.", author="Bob Ray", date="2021-02-03")
    assert other.stance != "supports"


def test_pairs_read_together_as_one_by_one(judge):
    pairs = [PairInput(id=str(n), claim=c, evidence=e) for n, (c, e) in enumerate([
        ("The council approved the budget in 2020.", "The council rejected the budget in 2020."),
        ("Le conseil a approuvé le budget.", "Le conseil n'a pas approuvé le budget."),
        ("The council approved the budget in 2020.", "The budget was approved by the council in 2020."),
    ])]
    together = list(judge.judge(pairs))
    alone = [next(PairJudge().judge([p])) for p in pairs]
    assert together == alone


def test_pairs_rather_than_negates_what_follows(judge):
    claim = "Jane Roe said the outage was caused by the cable rather than the software."
    assert stance(judge, claim, "The outage was caused by the cable, not the software.",
                  author="Jane Roe").stance == "supports"


def test_pairs_the_author_speaks_for_the_organisation_of_their_mail_domain():
    judge = PairJudge(aliases=Aliases({"Jane Roe": ("Roe",), "Acme Corporation": ("Acme",)}))
    evidence = "Acme will refund the customer for both orders."
    result = stance(judge, "Roe offered to refund the customer for both orders.", evidence,
                    author="Jane Roe <jane@acme-corp.example>")
    assert result.stance == "supports"
    other = stance(judge, "Roe offered to refund the customer for both orders.", evidence,
                   author="Jane Roe <jane@other.example>")
    assert other.stance != "supports" and "not the same actor as in the claim" in other.reasons


def test_pairs_refused_to_is_a_negation_restated(judge):
    claim = "Acme refused to sign the contract until the defect was fixed."
    result = stance(judge, claim, "We will not sign the contract until the defect is fixed.",
                    author="Bob Ray <bob@acme.example>")
    assert result.stance == "supports"
    assert stance(judge, claim, "We will sign the contract now that the defect is fixed.",
                  author="Bob Ray <bob@acme.example>").stance != "supports"


def test_pairs_according_to_reports_a_claim_it_does_not_establish(judge):
    result = stance(judge, "The plant was closed because of the flood.",
                    "According to Jane Roe, the plant was closed because of the flood.")
    assert any("source of the claim" in r for r in result.reasons)


def test_pairs_a_request_acted_on_is_not_whose_words_decide(judge):
    result = stance(judge, "Jane Roe approved the request of Bob Ray to hire two clerks for the night shift.",
                    "I can't approve two new clerks for the night shift right now.", author="Jane Roe")
    assert result.stance == "refutes"
    assert not any("own words" in r or "possibility" in r for r in result.reasons)


@pytest.mark.parametrize("verb", ["warned", "admitted", "predicted"])
def test_pairs_claims_about_what_someone_warned_admitted_predicted_are_about_their_words(judge, verb):
    claim = f"Jane Roe {verb} that the budget would run out in March."
    own = stance(judge, claim, "The budget will run out in March.", author="Jane Roe")
    other = stance(judge, claim, "The budget will run out in March.", author="Bob Ray")
    assert own.stance == "supports"
    assert other.stance != "supports" and any("own words" in r for r in other.reasons)


def test_pairs_no_longer_negates_the_verb_it_hangs_on(judge):
    result = stance(judge, "Jane Roe supported moving the plant to Lyon.",
                    "I no longer support moving the plant to Lyon: the costs are too high.", author="Jane Roe")
    assert result.stance == "refutes"


def test_pairs_a_synonym_counts_as_the_word(tmp_path):
    # Read by the hand-set weights alone: the entailment model knows the synonym by itself,
    # and with it both readings are sure.
    weights = json.loads((resources.files("factcheck.data") / "stance_model.json").read_text(encoding="utf-8"))
    weights.pop("entailment")
    (tmp_path / "words_only.json").write_text(json.dumps(weights))
    settings = Settings().replace(stance={"model": str(tmp_path / "words_only.json")})
    claim = "Acme laid off four warehouse workers in March."
    evidence = "Acme let go of four warehouse workers in March."
    with_synonyms = next(PairJudge(settings).judge([PairInput(id="s", claim=claim, evidence=evidence)]))
    without = next(PairJudge(settings.replace(nlp={"synonyms": {}})).judge(
        [PairInput(id="s", claim=claim, evidence=evidence)]))
    assert with_synonyms.p["supports"] > without.p["supports"]


def test_pairs_according_to_a_date_or_a_document_is_no_speaker(judge):
    result = stance(judge, "The town had 5,000 inhabitants in 2010.",
                    "According to the 2010 census, the town had 5,000 inhabitants.")
    assert result.stance == "supports" and not any("source of the claim" in r for r in result.reasons)


def test_pairs_command_scores_labelled_pairs_and_carries_meta(tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join([
        json.dumps({"id": "a", "claim": "Acme sold the trains.", "evidence": "Acme did not sell the trains.",
                    "label": "refutes", "meta": {"case": "demo", "n": 1}}),
        json.dumps({"id": "b", "claim": "Acme sold the trains.", "evidence": "Acme sold the trains in May.",
                    "label": "refutes"}),
        json.dumps({"id": "c", "claim": "Acme sold the trains.", "evidence": "Acme sold the trains in May."}),
        json.dumps({"id": "d", "claim": "Acme sold the trains.", "evidence": "Acme sold them.", "label": "true"}),
        json.dumps({"id": "e", "claim": "Acme sold the trains.", "evidence": "Acme sold them.", "meta": "demo"}),
    ]) + "\n")
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(cli, ["pairs", str(source), "--out", str(out)])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert lines[0]["label"] == "refutes" and lines[0]["meta"] == {"case": "demo", "n": 1}
    assert "meta" not in lines[1] and "label" not in lines[2]
    assert "not one of supports, refutes, neutral" in lines[3]["error"]
    assert "meta must be an object" in lines[4]["error"]
    # Two labelled pairs, one judged as labelled (a) and one not (b, which supports).
    assert "2 labelled pairs: accuracy 0.500" in result.output
    assert "recall refutes 0.50" in result.output and "recall supports" not in result.output
