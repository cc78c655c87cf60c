"""The evaluation command on a small slice of the external benchmarks (read in ../shared)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bench.evaluate import evaluate
from bench.train_verdict import fit
from factcheck.metrics import scores

BENCH = Path(__file__).resolve().parents[1].parent / "shared" / "bench"


def need(name: str) -> Path:
    path = BENCH / name
    if not (path / "claims.jsonl").exists():
        if os.environ.get("CI"):
            pytest.fail(f"CI has ../shared/bench/{name} beside the clone")
        pytest.skip(f"no {path}")
    return path


def need_file(name: str, file: str) -> Path:
    path = BENCH / name
    if not (path / file).exists():
        if os.environ.get("CI"):
            pytest.fail(f"CI has ../shared/bench/{name} beside the clone")
        pytest.skip(f"no {path}")
    return path


def test_bench_scores_are_right_on_a_hand_case():
    result = scores(["a", "a", "b", "b"], ["a", "b", "b", "b"], ("a", "b", "c"))
    assert result["accuracy"] == 0.75
    # F1(a) = 2/3, F1(b) = 0.8; "c" never occurs in gold and is left out of the mean.
    assert result["macro_f1"] == round((2 / 3 + 0.8) / 2, 4)
    assert result["confusion"]["a"] == {"a": 1, "b": 1, "c": 0}


@pytest.mark.slow
def test_bench_climate_fever_slice(tmp_path):
    result = evaluate(need("climate-fever"), split="test", limit=6, workdir=tmp_path)
    assert result["claims"] == 6 and result["split"] == "test"
    for system in ("factcheck", "majority", "rapidfuzz_threshold", "bm25s_plus_stance"):
        level = result["claim_level"][system]
        assert 0.0 <= level["accuracy"] <= 1.0
        # Every claim is counted once in the confusion matrix, and accuracy is its diagonal.
        confusion = level["confusion"]
        assert sum(sum(row.values()) for row in confusion.values()) == 6
        assert level["accuracy"] == round(sum(confusion[k].get(k, 0) for k in confusion) / 6, 4)
    assert set(result["evidence_level"]) == {"factcheck", "majority", "rapidfuzz_threshold"}
    assert result["evidence_level"]["factcheck"]["n"] == 30  # five gold sentences per claim
    assert {"factcheck_recall_at_5", "bm25s_recall_at_5"} <= set(result["retrieval"])


@pytest.mark.slow
def test_bench_averitec_slice(tmp_path):
    result = evaluate(need("averitec-dev"), limit=5, workdir=tmp_path)
    assert result["split"] == "all" and result["claims"] == 5
    assert "evidence_level" not in result  # AVeriTeC labels claims, not evidence


def test_bench_verdict_fit_learns_which_feature_means_which_verdict():
    from factcheck.engine.verdict import VerdictModel
    from factcheck.model import VERDICTS

    features = ("a", "b", "c", "d")
    rows = [[1.0 if i == j % 4 else 0.0 for i in range(4)] for j in range(40)]
    labels = [VERDICTS[j % 4] for j in range(40)]
    weights = fit(rows, labels, classes=VERDICTS, features=features, strength=0.001)
    assert set(weights) == set(VERDICTS) and all("bias" in w for w in weights.values())

    class Model(VerdictModel):
        pass

    Model.features = features
    model = Model(weights)
    for k, verdict in enumerate(VERDICTS):
        p = model.probabilities({name: float(i == k) for i, name in enumerate(features)})
        assert max(p, key=p.get) == verdict


def test_bench_scifact_claims_get_verdicts_from_their_rationales():
    from bench.evaluate import load_benchmark, scifact_split

    bench = load_benchmark(need_file("scifact", "claims_train.jsonl"))
    labels = {c["id"]: c["label"] for c in bench.claims}
    assert set(labels.values()) <= {"SUPPORTS", "REFUTES", "DISPUTED", "NOT_ENOUGH_INFO"}
    # The carve-out is fixed by the claim id alone, so it never moves between runs.
    assert all(bench.split[c["id"]] == scifact_split(c["id"][len("sf-"):]) for c in bench.claims)
    dev = bench.claims_in("dev")
    assert 0.1 < len(dev) / len(bench.claims) < 0.2
    rationale = [e for e in bench.evidence if e["label"] != "NOT_ENOUGH_INFO"]
    assert rationale and all(labels[e["claim_id"]] != "NOT_ENOUGH_INFO" for e in rationale)


def test_bench_the_learned_configuration_loads():
    from bench.evaluate import LEARNED
    from factcheck.config import Settings
    from factcheck.engine.stance import load_stance_model
    from factcheck.engine.verdict import load_verdict_model

    settings = Settings.from_toml(LEARNED)
    assert load_stance_model(settings.stance.model).pair_model is not None
    assert load_verdict_model(settings.verdict.model).calibrated
